// The backend's job table: method name -> handler. Every method in the protocol (src/protocol/backend.ts)
// must have exactly one entry here — the mapped type makes a missing or mistyped handler a compile error.
// Each job is one line: defineJob(validate, run), with validation and the run in its own file
// (sslmemJobs.ts, retrainJob.ts, scoreJob.ts).
import type { MethodName, ParamsOf, ProgressOf, ResultOf } from '../protocol/backend';
import type { JobContext } from './job-context';
import { BackendError } from '../protocol/backend';
import { versionInfo } from './versionInfo';
import { resumeSslmemJob, runSslmemJob, stageSslmemJob, validateResumeParams, validateRunParams, validateStageParams } from './sslmemJobs';
import { retrainSslmemJob, validateRetrainParams } from './retrainJob';
import { scoreImportedJob, validateScoreImportedParams } from './scoreJob';
import {
  historySslmemJob,
  layersSslmemJob,
  unitsSslmemJob,
  validateHistoryParams,
  validateLayersParams,
  validateUnitsParams,
} from './layersJob';

export interface JobDefinition<M extends MethodName> {
  /** Turns untrusted wire params into typed params, or throws BackendError('invalid-params'). */
  validate(params: Record<string, unknown>): ParamsOf<M>;
  run(params: ParamsOf<M>, ctx: JobContext<ProgressOf<M>>): Promise<ResultOf<M>>;
}

export type JobTable = { [M in MethodName]: JobDefinition<M> };

function defineJob<M extends MethodName>(validate: JobDefinition<M>['validate'], run: JobDefinition<M>['run']): JobDefinition<M> {
  return { validate, run };
}

function invalid(message: string): never {
  throw new BackendError(message, 'invalid-params');
}

/** An integer in [min, max] or the default; anything else is a caller bug worth reporting. */
function intParam(params: Record<string, unknown>, name: string, dflt: number, min: number, max: number): number {
  const v = params[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) invalid(`${name} must be an integer in [${min}, ${max}]`);
  return v;
}

/** Resolves after `ms`, or rejects with a 'cancelled' BackendError as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new BackendError('cancelled', 'cancelled'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BackendError('cancelled', 'cancelled'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const jobs: JobTable = {
  version: defineJob<'version'>(
    () => ({}),
    async () => versionInfo(),
  ),

  ping: defineJob<'ping'>(
    (p) => (p.echo === undefined || typeof p.echo === 'string' ? { echo: p.echo as string | undefined } : invalid('echo must be a string')),
    async (p) => ({ echo: p.echo, pid: process.pid, receivedAt: Date.now() }),
  ),

  // A self-check of the job machinery itself (progress, cancellation, errors across the process
  // boundary) — it computes nothing. It waits `stepMs` per step so cancellation mid-job can be observed.
  selfCheck: defineJob<'selfCheck'>(
    (p) => ({ steps: intParam(p, 'steps', 20, 1, 10_000), stepMs: intParam(p, 'stepMs', 100, 0, 60_000) }),
    async ({ steps, stepMs }, ctx) => {
      const start = Date.now();
      ctx.log('info', `self-check: ${steps} steps of ${stepMs} ms`);
      for (let step = 1; step <= steps; step++) {
        await sleep(stepMs, ctx.signal);
        ctx.progress({ step, steps, message: `step ${step}/${steps}` });
      }
      return { stepsDone: steps, elapsedMs: Date.now() - start, pid: process.pid };
    },
  ),

  runSslmem: defineJob<'runSslmem'>(validateRunParams, runSslmemJob),
  resumeSslmem: defineJob<'resumeSslmem'>(validateResumeParams, resumeSslmemJob),
  stageSslmem: defineJob<'stageSslmem'>(validateStageParams, stageSslmemJob),
  retrainSslmem: defineJob<'retrainSslmem'>(validateRetrainParams, retrainSslmemJob),
  scoreImported: defineJob<'scoreImported'>(validateScoreImportedParams, scoreImportedJob),
  layersSslmem: defineJob<'layersSslmem'>(validateLayersParams, layersSslmemJob),
  unitsSslmem: defineJob<'unitsSslmem'>(validateUnitsParams, unitsSslmemJob),
  historySslmem: defineJob<'historySslmem'>(validateHistoryParams, historySslmemJob),
};
