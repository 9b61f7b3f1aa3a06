// The `layersSslmem`, `unitsSslmem` and `historySslmem` backend jobs (issue 16): validate untrusted wire params, then run the
// engine's layer analyses (src/engine/layers/) with progress events and cancellation.
import {
  BackendError,
  type AnalysisProgress,
  type AnalysisResult,
  type HistorySslmemParams,
  type LayersSslmemParams,
  type UnitsSslmemParams,
} from '../protocol/backend';
import { computeLayerMem, computeOverTraining, computeUnitMem, parsePointSet } from '../engine/layers';
import type { JobContext } from './job-context';
import { runtimeParams, str } from './sslmemJobs';

function invalid(message: string): never {
  throw new BackendError(message, 'invalid-params');
}

function oneOf<T extends string>(p: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) invalid(`${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function pointSet(p: Record<string, unknown>): string | undefined {
  const set = str(p, 'set', false);
  if (set !== undefined) {
    try {
      parsePointSet(set);
    } catch (e) {
      invalid((e as Error).message);
    }
  }
  return set;
}

export function validateLayersParams(p: Record<string, unknown>): LayersSslmemParams {
  return { runDir: str(p, 'runDir')!, set: pointSet(p), reduce: oneOf(p, 'reduce', ['flatten', 'mean'] as const), ...runtimeParams(p) };
}

export function validateUnitsParams(p: Record<string, unknown>): UnitsSslmemParams {
  const a = p.augmentations;
  if (a !== undefined && (!Number.isInteger(a) || (a as number) < 1 || (a as number) > 1000))
    invalid('augmentations must be an integer in [1, 1000]');
  return {
    runDir: str(p, 'runDir')!,
    encoder: str(p, 'encoder', false),
    set: pointSet(p),
    augmentations: a as number | undefined,
    rest: oneOf(p, 'rest', ['mean', 'median'] as const),
    negative: oneOf(p, 'negative', ['exclude', 'shift'] as const),
    ...runtimeParams(p),
  };
}

export function validateHistoryParams(p: Record<string, unknown>): HistorySslmemParams {
  return { runDir: str(p, 'runDir')!, ...runtimeParams(p) };
}

const hooks = (ctx: JobContext<AnalysisProgress>) => ({
  signal: ctx.signal,
  log: (m: string) => ctx.log('info', m),
  onProgress: (stage: string, done: number, total: number) => ctx.progress({ stage, done, total }),
});

export function layersSslmemJob(p: LayersSslmemParams, ctx: JobContext<AnalysisProgress>): Promise<AnalysisResult> {
  return computeLayerMem(
    { runDir: p.runDir, set: p.set ? parsePointSet(p.set) : undefined, reduce: p.reduce },
    { provider: p.provider, threads: p.threads },
    hooks(ctx),
  );
}

export function unitsSslmemJob(p: UnitsSslmemParams, ctx: JobContext<AnalysisProgress>): Promise<AnalysisResult> {
  return computeUnitMem(
    {
      runDir: p.runDir,
      encoder: p.encoder,
      set: p.set ? parsePointSet(p.set) : undefined,
      augmentations: p.augmentations,
      rest: p.rest,
      negative: p.negative,
    },
    { provider: p.provider, threads: p.threads },
    hooks(ctx),
  );
}

export function historySslmemJob(p: HistorySslmemParams, ctx: JobContext<AnalysisProgress>): Promise<AnalysisResult> {
  return computeOverTraining({ runDir: p.runDir }, { provider: p.provider, threads: p.threads }, hooks(ctx));
}
