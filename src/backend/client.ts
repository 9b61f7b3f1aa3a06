// Talks to the backend process: typed, promise-based requests with progress and cancellation, and
// restart-on-crash. No `vscode` import — the CLI uses this directly; src/ui/backendHost.ts wraps it for
// the extension host (CancellationToken, output channel, workspace trust).
import { fork, type ChildProcess } from 'node:child_process';
import {
  BackendError,
  isBackendToHost,
  type BackendToHost,
  type HostToBackend,
  type LogMessage,
  type MethodName,
  type ParamsOf,
  type ProgressOf,
  type ResultOf,
} from '../protocol/backend';

/** How messages reach a backend: a forked child process, or (CLI --in-process) a BackendServer in this process. */
export interface BackendTransport {
  readonly pid: number | undefined;
  send(msg: HostToBackend): void;
  /** Ends the backend; `onExit` still fires, but the client knows it asked for it. */
  kill(): void;
}
export interface TransportEvents {
  onMessage(msg: unknown): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
  /** stdout/stderr text that did not come through the protocol (native crash reports, stray prints). */
  onOutput(stream: 'stdout' | 'stderr', text: string): void;
}
export type TransportFactory = (events: TransportEvents) => BackendTransport;

/**
 * Forks dist/backend.js with this process's own executable. ELECTRON_RUN_AS_NODE=1 makes that executable
 * behave as plain Node under desktop VS Code (Electron); Node and code-server ignore it.
 */
export function childProcessTransport(backendPath: string, env: NodeJS.ProcessEnv = process.env): TransportFactory {
  return (events) => {
    const child: ChildProcess = fork(backendPath, [], {
      execPath: process.execPath,
      env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (m) => events.onMessage(m));
    child.on('exit', (code, signal) => events.onExit(code, signal));
    // A failed spawn emits 'error' without 'exit'; report it as an exit so pending requests are released.
    child.on('error', (err) => {
      events.onOutput('stderr', `backend process error: ${err.message}\n`);
      if (child.exitCode === null && child.pid === undefined) events.onExit(null, null);
    });
    child.stdout?.setEncoding('utf8').on('data', (t: string) => events.onOutput('stdout', t));
    child.stderr?.setEncoding('utf8').on('data', (t: string) => events.onOutput('stderr', t));
    return {
      get pid() {
        return child.pid;
      },
      send: (msg) => {
        if (child.connected) child.send(msg);
      },
      kill: () => {
        child.kill();
      },
    };
  };
}

export interface RequestOptions<P> {
  onProgress?(progress: P): void;
  /** Aborting sends {kind:'cancel'}; the promise then rejects with code 'cancelled' once the backend stops. */
  signal?: AbortSignal;
}

export interface BackendClientEvents {
  onLog?(msg: LogMessage): void;
  /** The backend process ended without being asked to. */
  onUnexpectedExit?(info: { code: number | null; signal: NodeJS.Signals | null; pendingMethods: string[] }): void;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(err: Error): void;
  onProgress?(data: unknown): void;
  detach(): void; // removes the abort listener
}

export class BackendClient {
  private transport: BackendTransport | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;
  /** How many times a backend process has been started (1 after the first request). */
  starts = 0;

  constructor(
    private readonly factory: TransportFactory,
    private readonly events: BackendClientEvents = {},
  ) {}

  /** The running backend's pid, if one is running (the process starts lazily on the first request). */
  get pid(): number | undefined {
    return this.transport?.pid;
  }

  request<M extends MethodName>(method: M, params: ParamsOf<M>, opts: RequestOptions<ProgressOf<M>> = {}): Promise<ResultOf<M>> {
    if (opts.signal?.aborted) return Promise.reject(new BackendError('cancelled', 'cancelled'));
    const transport = this.ensureStarted();
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = () => transport.send({ kind: 'cancel', id });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve: resolve as (r: unknown) => void,
        reject,
        onProgress: opts.onProgress as ((d: unknown) => void) | undefined,
        detach: () => opts.signal?.removeEventListener('abort', onAbort),
      });
      transport.send({ kind: 'request', id, method, params });
    });
  }

  /** Stops the backend process (if any) and rejects whatever is still pending. */
  dispose(): void {
    this.stopping = true;
    this.transport?.kill();
    this.transport = undefined;
    this.rejectAll(new BackendError('backend stopped', 'backend-exited'));
  }

  private ensureStarted(): BackendTransport {
    if (this.transport) return this.transport;
    this.stopping = false;
    this.starts++;
    const transport: BackendTransport = this.factory({
      onMessage: (m) => this.onMessage(m),
      onExit: (code, signal) => this.onExit(transport, code, signal),
      onOutput: (stream, text) => {
        for (const line of text.split(/\r?\n/))
          if (line) this.events.onLog?.({ kind: 'log', level: stream === 'stderr' ? 'warn' : 'info', message: `[${stream}] ${line}` });
      },
    });
    this.transport = transport;
    return transport;
  }

  private onMessage(raw: unknown): void {
    if (!isBackendToHost(raw)) {
      this.events.onLog?.({ kind: 'log', level: 'warn', message: `host dropped a malformed backend message` });
      return;
    }
    const msg: BackendToHost = raw;
    if (msg.kind === 'log') {
      this.events.onLog?.(msg);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return; // a late message for a request we already gave up on
    if (msg.kind === 'progress') {
      p.onProgress?.(msg.data);
      return;
    }
    this.pending.delete(msg.id);
    p.detach();
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new BackendError(msg.error.message, msg.error.code, typeof msg.error.path === 'string' ? msg.error.path : undefined));
  }

  private onExit(transport: BackendTransport, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.transport !== transport) return; // an old process we already replaced or disposed
    this.transport = undefined; // the next request starts a fresh process
    if (this.stopping) return;
    const pendingMethods = [...this.pending.values()].map((p) => p.method);
    this.events.onUnexpectedExit?.({ code, signal, pendingMethods });
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    this.rejectAll(
      new BackendError(`The SSLMem backend process stopped unexpectedly (${how}); it will restart on the next request.`, 'backend-exited'),
    );
  }

  private rejectAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      p.detach();
      p.reject(err);
    }
  }
}
