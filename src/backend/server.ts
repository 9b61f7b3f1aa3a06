// The backend's message loop, independent of how messages travel: main.ts wires it to Node's IPC
// channel (child process); the CLI's --in-process mode wires it to a direct function call.
import {
  BackendError,
  isHostToBackend,
  isMethodName,
  type BackendToHost,
  type LogLevel,
  type MethodName,
  type WireError,
} from '../protocol/backend';
import { jobs, type JobDefinition } from './jobs';
import { ProviderUnavailableError } from '../engine/runtime/providers';
import { UntrustedManifestPathError } from '../engine/sslmem/manifest-paths';

export class BackendServer {
  /** Running requests by id, so a cancel message can abort the right one. */
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly send: (msg: BackendToHost) => void) {}

  log(level: LogLevel, message: string, id?: number): void {
    this.send({ kind: 'log', level, message, ...(id === undefined ? {} : { id }) });
  }

  /** Handles one incoming message. Never throws: a bad message is logged, answered if possible, dropped. */
  handle(msg: unknown): void {
    if (!isHostToBackend(msg)) {
      this.log('warn', `dropped malformed message: ${safeJson(msg)}`);
      return;
    }
    if (msg.kind === 'cancel') {
      const ctl = this.running.get(msg.id);
      if (ctl) {
        this.log('info', `cancel requested`, msg.id);
        ctl.abort();
      }
      return; // cancelling a finished request is normal (a race), not an error
    }
    if (this.running.has(msg.id)) {
      this.fail(msg.id, new BackendError(`request id ${msg.id} is already running`, 'protocol'));
      return;
    }
    if (!isMethodName(msg.method)) {
      this.fail(msg.id, new BackendError(`unknown method '${msg.method}'`, 'unknown-method'));
      return;
    }
    void this.run(msg.id, msg.method, msg.params as Record<string, unknown>);
  }

  private async run(id: number, method: MethodName, rawParams: Record<string, unknown>): Promise<void> {
    const ctl = new AbortController();
    this.running.set(id, ctl);
    const started = Date.now();
    // The table is keyed by method, but TypeScript cannot correlate the key with its value type here.
    const job = jobs[method] as unknown as JobDefinition<MethodName>;
    try {
      const params = job.validate(rawParams);
      const result = await job.run(params, {
        progress: (data) => {
          if (!ctl.signal.aborted) this.send({ kind: 'progress', id, data });
        },
        signal: ctl.signal,
        log: (level, message) => this.log(level, message, id),
      });
      // A job that ignores the signal and finishes anyway still counts as cancelled for the caller. A job that
      // stopped and says so in its result ({ status: 'cancelled', runDir }) passes it on: the caller learns
      // which run folder to resume.
      const saysCancelled = typeof result === 'object' && result !== null && (result as { status?: unknown }).status === 'cancelled';
      if (ctl.signal.aborted && !saysCancelled) throw new BackendError('cancelled', 'cancelled');
      this.send({ kind: 'response', id, ok: true, result });
      this.log('debug', `${method} done in ${Date.now() - started} ms`, id);
    } catch (err) {
      this.fail(id, err);
      if (ctl.signal.aborted) this.log('info', `${method} cancelled after ${Date.now() - started} ms`, id);
      else this.log('error', `${method} failed: ${errorText(err)}`, id);
    } finally {
      this.running.delete(id);
    }
  }

  private fail(id: number, err: unknown): void {
    // A provider the user asked for that cannot run keeps its own code, so the CLI can exit 2 (a setting to
    // change, not a crash) even when the job ran in the forked backend process.
    const error: WireError =
      err instanceof BackendError
        ? { message: err.message, code: err.code }
        : err instanceof ProviderUnavailableError
          ? { message: err.message, code: 'provider-unavailable' }
          : err instanceof UntrustedManifestPathError
            ? { message: err.message, code: 'untrusted-path', path: err.path }
            : { message: errorText(err), code: 'job-failed' };
    this.send({ kind: 'response', id, ok: false, error });
  }

  /** Aborts every running job (the process is going away). */
  cancelAll(): void {
    for (const ctl of this.running.values()) ctl.abort();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x)?.slice(0, 200) ?? String(x);
  } catch {
    return String(x);
  }
}
