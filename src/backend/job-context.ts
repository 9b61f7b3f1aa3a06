// What the backend hands a running job. Its own file so the job files (sslmemJobs.ts, retrainJob.ts,
// scoreJob.ts) and the job table (jobs.ts) that imports them do not import each other.
import type { LogLevel } from '../protocol/backend';

/** What a running job may use: report progress, notice cancellation, write to the backend log. */
export interface JobContext<P> {
  progress(ev: P): void;
  /** Aborted when the host sends {kind:'cancel'}; long loops should check it (or pass it on) often. */
  signal: AbortSignal;
  log(level: LogLevel, message: string): void;
}
