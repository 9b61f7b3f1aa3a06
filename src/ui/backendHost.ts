// The extension host's side of the backend: wraps the vscode-free BackendClient with what only the editor
// has — CancellationToken, the "SSLMem Backend" output channel, workspace trust, and a list of running jobs
// for "Cancel Running Job".
import * as vscode from 'vscode';
import { BackendClient, childProcessTransport } from '../backend/client';
import { BackendError, METHOD_KINDS, type MethodName, type ParamsOf, type ProgressOf, type ResultOf } from '../protocol/backend';

export interface HostRequestOptions<P> {
  onProgress?(progress: P): void;
  token?: vscode.CancellationToken;
  /** Shown by "Cancel Running Job" when several jobs run at once. */
  label?: string;
}

interface RunningJob {
  label: string;
  cancel(): void;
}

export class BackendHost implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly client: BackendClient;
  private readonly jobs = new Set<RunningJob>();

  constructor(backendPath: string) {
    this.log = vscode.window.createOutputChannel('SSLMem Backend', { log: true });
    this.client = new BackendClient(childProcessTransport(backendPath), {
      onLog: (m) => {
        const text = m.id === undefined ? m.message : `#${m.id} ${m.message}`;
        this.log[m.level](text);
      },
      onUnexpectedExit: ({ code, signal, pendingMethods }) => {
        this.log.error(
          `backend process exited unexpectedly (code ${code}, signal ${signal}); pending: ${pendingMethods.join(', ') || 'none'}. It restarts on the next request.`,
        );
      },
    });
  }

  /** pid of the running backend process, if it is running (it starts on the first request). */
  get pid(): number | undefined {
    return this.client.pid;
  }
  /** How many backend processes this session has started. */
  get starts(): number {
    return this.client.starts;
  }
  get runningJobs(): readonly string[] {
    return [...this.jobs].map((j) => j.label);
  }

  async request<M extends MethodName>(method: M, params: ParamsOf<M>, opts: HostRequestOptions<ProgressOf<M>> = {}): Promise<ResultOf<M>> {
    // Jobs (self-check now; training, scoring, model import later) read and run workspace content.
    // The manifest's enablement clauses hide them in untrusted workspaces; this is the check that holds
    // even when a command is run some other way.
    if (METHOD_KINDS[method] === 'job' && !vscode.workspace.isTrusted) {
      throw new BackendError(`'${method}' runs only in a trusted workspace.`, 'untrusted');
    }
    const abort = new AbortController();
    const sub = opts.token?.onCancellationRequested(() => abort.abort());
    if (opts.token?.isCancellationRequested) abort.abort();
    const job: RunningJob = { label: opts.label ?? method, cancel: () => abort.abort() };
    const isJob = METHOD_KINDS[method] === 'job';
    if (isJob) this.trackJob(job, true);
    try {
      return await this.client.request(method, params, { onProgress: opts.onProgress, signal: abort.signal });
    } finally {
      sub?.dispose();
      if (isJob) this.trackJob(job, false);
    }
  }

  /** Cancels running jobs: all of them, or those whose label is given. Returns how many were asked to stop. */
  cancelJobs(labels?: readonly string[]): number {
    const targets = [...this.jobs].filter((j) => !labels || labels.includes(j.label));
    for (const j of targets) j.cancel();
    return targets.length;
  }

  private trackJob(job: RunningJob, running: boolean): void {
    if (running) this.jobs.add(job);
    else this.jobs.delete(job);
    // Drives the `when` clause that shows "Cancel Running Job" in the command palette.
    void vscode.commands.executeCommand('setContext', 'sslmem.jobRunning', this.jobs.size > 0);
  }

  dispose(): void {
    this.client.dispose();
    this.log.dispose();
  }
}
