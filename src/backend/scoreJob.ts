// The backend's `scoreImported` job: validate untrusted wire params, then score with imported ONNX encoders
// (src/engine/sslmem/imported/import-encoders.ts). Paths are the caller's; the engine reports missing or bad files.
import { BackendError, type RunProgress, type RunResult, type ScoreImportedParams } from '../protocol/backend';
import { startImportedRun } from '../engine/sslmem/imported/import-encoders';
import { RECIPE_NAMES } from '../engine/augment/config';
import type { JobContext } from './job-context';
import { hooks, runtimeParams, str } from './sslmemJobs';

const AUGMENTS = RECIPE_NAMES;

function invalid(message: string): never {
  throw new BackendError(message, 'invalid-params');
}

function optionalInt(p: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) invalid(`${name} must be an integer in [${min}, ${max}]`);
  return v as number;
}

export function validateScoreImportedParams(p: Record<string, unknown>): ScoreImportedParams {
  const augment = p.augment;
  if (augment !== undefined && !AUGMENTS.includes(augment as (typeof AUGMENTS)[number]))
    invalid(`augment must be one of ${AUGMENTS.join(', ')}`);
  return {
    f: str(p, 'f')!,
    g: str(p, 'g')!,
    data: str(p, 'data')!,
    splitFile: str(p, 'splitFile')!,
    storeDir: str(p, 'storeDir')!,
    cacheDir: str(p, 'cacheDir', false),
    pairs: optionalInt(p, 'pairs', 1, 1000),
    seed: optionalInt(p, 'seed', 0, 2 ** 32 - 1),
    augment: augment as ScoreImportedParams['augment'],
    batch: optionalInt(p, 'batch', 1, 65_536),
    ...runtimeParams(p),
  };
}

export function scoreImportedJob(p: ScoreImportedParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  const { provider, threads, ...request } = p;
  return startImportedRun(request, { provider, threads }, hooks(ctx));
}
