// The SSLMem jobs of the backend: validate untrusted wire params, then hand over to the engine's pipeline.
// This file is the only place the backend knows about SSLMem; the engine knows nothing of the protocol.
import * as path from 'node:path';
import {
  BackendError,
  type ExecutorSetting,
  type ResumeSslmemParams,
  type RunSslmemParams,
  type RunProgress,
  type RunResult,
  type RuntimeParams,
  type StageSslmemParams,
} from '../protocol/backend';
import { resumeRun, runStage, startRun } from '../engine/sslmem/pipeline';
import { slurmOptionsProblem, type SlurmOptions } from '../engine/sslmem/cluster/slurm-options';
import type { RuntimeOptions } from '../engine/sslmem/run-hooks';
import { startWholeRun } from '../engine/sslmem/whole/whole-run';
import { MAX_ENCODERS, MIN_ENCODERS } from '../engine/sslmem/whole/design';
import { resolvePreset } from '../engine/sslmem/config';
import { PRESET_NAMES, isPresetName } from '../engine/sslmem/presets';
import { type SslmemConfig } from '../engine/sslmem/config-types';
import { RECIPE_NAMES, type RecipeName } from '../engine/augment/config';
import type { JobContext } from './job-context';
import { isModelKind } from '../engine/models/registry';
import { isMethodKind } from '../engine/methods/registry';
import { PROVIDER_SETTINGS as PROVIDERS, isProviderSetting } from '../engine/runtime/providers';

/** Preset fields a caller may override, with their checks. */
const OVERRIDABLE: Record<string, (v: unknown) => boolean> = {
  epochs: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10_000,
  batch: (v) => Number.isInteger(v) && (v as number) >= 2 && (v as number) <= 4096,
  learningRate: (v) => typeof v === 'number' && v > 0 && v < 10,
  seedPairs: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 16,
  scoring: (v) => typeof v === 'object' && v !== null,
  split: (v) => typeof v === 'object' && v !== null,
  model: (v) =>
    typeof v === 'object' &&
    v !== null &&
    isModelKind((v as { kind?: unknown }).kind) &&
    numericOptions((v as { options?: unknown }).options),
  method: (v) =>
    typeof v === 'object' &&
    v !== null &&
    isMethodKind((v as { kind?: unknown }).kind) &&
    numericOptions((v as { options?: unknown }).options),
  augment: (v) => RECIPE_NAMES.includes(v as RecipeName),
  snapshots: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1000,
};

/** Model and method options are numbers only (widths, sizes); the model builders check their ranges. */
function numericOptions(o: unknown): boolean {
  return (
    o === undefined || (typeof o === 'object' && o !== null && Object.values(o).every((x) => typeof x === 'number' && Number.isFinite(x)))
  );
}

function invalid(message: string): never {
  throw new BackendError(message, 'invalid-params');
}
export const str = (p: Record<string, unknown>, name: string, required = true): string | undefined => {
  const v = p[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0) invalid(`${name} must be a non-empty string`);
  return v;
};

export function runtimeParams(p: Record<string, unknown>): RuntimeParams {
  const provider = p.provider ?? 'auto';
  if (!isProviderSetting(provider)) invalid(`provider must be one of ${PROVIDERS.join(', ')}`);
  const threads = p.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || (threads as number) < 0 || (threads as number) > 256))
    invalid('threads must be an integer in [0, 256]');
  return { provider, threads: threads as number | undefined };
}

const SLURM_KEYS = ['kind', 'partition', 'account', 'time', 'gres', 'cpusPerTask', 'template'];

export function executorParam(p: Record<string, unknown>): ExecutorSetting | undefined {
  const e = p.executor;
  if (e === undefined) return undefined;
  if (typeof e !== 'object' || e === null) invalid('executor must be an object');
  const x = e as Record<string, unknown>;
  if (x.kind === 'local') return { kind: 'local' };
  if (x.kind !== 'slurm') invalid("executor.kind must be 'local' or 'slurm'");
  const extra = Object.keys(x).filter((k) => !SLURM_KEYS.includes(k));
  if (extra.length) invalid(`unknown executor field ${extra.join(', ')}`);
  const problem = slurmOptionsProblem(x as SlurmOptions);
  if (problem) invalid(problem);
  return x as ExecutorSetting;
}

/**
 * The engine's runtime: the executor gets the command each Slurm task runs, this same bundle's CLI (dist/cli.js
 * next to dist/backend.js, or this very file when the CLI runs the backend in its process) under this node.
 */
function runtimeOf(p: RuntimeParams & { executor?: ExecutorSetting; concurrentTraining?: number }): RuntimeOptions {
  const runtime: RuntimeOptions = { provider: p.provider, threads: p.threads };
  if ((p.concurrentTraining ?? 1) > 1) runtime.concurrentTraining = { stages: p.concurrentTraining!, workerFile: trainWorkerFile() };
  if (p.executor?.kind !== 'slurm') return runtime;
  const { kind: _kind, ...options } = p.executor;
  return { ...runtime, executor: { kind: 'slurm', options, command: taskCommand() } };
}

const taskCommand = (): string[] => [process.execPath, path.join(__dirname, 'cli.js')];
/** The worker thread that trains one encoder (concurrent training): this bundle's sibling train-worker.js. */
export const trainWorkerFile = (): string => path.join(__dirname, 'train-worker.js');

export function validateRunParams(p: Record<string, unknown>): RunSslmemParams {
  const preset = str(p, 'preset')!;
  if (!isPresetName(preset)) invalid(`unknown preset '${preset}' (known: ${PRESET_NAMES.join(', ')})`);
  const overrides = p.overrides ?? {};
  if (typeof overrides !== 'object' || overrides === null) invalid('overrides must be an object');
  for (const [k, v] of Object.entries(overrides)) {
    // Own keys only: 'toString', 'constructor', '__proto__' are not settings (Object.prototype would answer).
    if (!Object.hasOwn(OVERRIDABLE, k)) invalid(`cannot override '${k}' (allowed: ${Object.keys(OVERRIDABLE).join(', ')})`);
    if (!OVERRIDABLE[k](v)) invalid(`invalid value for '${k}': ${JSON.stringify(v)}`);
  }
  const seed = p.seed;
  if (seed !== undefined && (!Number.isInteger(seed) || (seed as number) < 0)) invalid('seed must be a non-negative integer');
  // The merged config's full check (scoring fields, split sizes, model options and size) answers here, before a job starts.
  try {
    resolvePreset(preset, overrides as Partial<SslmemConfig>);
  } catch (e) {
    invalid((e as Error).message);
  }
  return {
    data: str(p, 'data')!,
    preset,
    storeDir: str(p, 'storeDir')!,
    seed: seed as number | undefined,
    splitFile: str(p, 'splitFile', false),
    cacheDir: str(p, 'cacheDir', false),
    overrides: overrides as Record<string, unknown>,
    ...wholeParams(p),
    ...runtimeParams(p),
    executor: executorParam(p),
    concurrentTraining: concurrentParam(p),
  };
}

export const MAX_CONCURRENT_TRAINING = 16;
export function concurrentParam(p: Record<string, unknown>): number | undefined {
  const k = p.concurrentTraining;
  if (k !== undefined && (!Number.isInteger(k) || (k as number) < 1 || (k as number) > MAX_CONCURRENT_TRAINING))
    invalid(`concurrentTraining must be a whole number from 1 to ${MAX_CONCURRENT_TRAINING}`);
  return k as number | undefined;
}

/** The whole-dataset fields: only with mode 'whole', and never with a split file (that run has no split). */
function wholeParams(p: Record<string, unknown>): Pick<RunSslmemParams, 'mode' | 'encoders' | 'control' | 'fdr'> {
  const mode = p.mode ?? 'paper';
  if (mode !== 'paper' && mode !== 'whole') invalid(`mode must be 'paper' or 'whole', got ${JSON.stringify(mode)}`);
  const { encoders, control, fdr } = p;
  if (mode === 'paper') {
    if (encoders !== undefined || control !== undefined || fdr !== undefined) invalid("encoders, control and fdr belong to mode 'whole'");
    return { mode };
  }
  if (p.splitFile !== undefined) invalid('a whole-dataset run draws its own design; it takes no split file');
  if (
    encoders !== undefined &&
    (!Number.isInteger(encoders) ||
      (encoders as number) < MIN_ENCODERS ||
      (encoders as number) > MAX_ENCODERS ||
      (encoders as number) % 2 !== 0)
  ) {
    invalid(`encoders must be an even number from ${MIN_ENCODERS} to ${MAX_ENCODERS}`);
  }
  if (control !== undefined && (!Number.isInteger(control) || (control as number) < 2)) invalid('control must be a whole number >= 2');
  if (fdr !== undefined && !(typeof fdr === 'number' && fdr > 0 && fdr < 1)) invalid('fdr must be a number in (0, 1)');
  return { mode, encoders: encoders as number | undefined, control: control as number | undefined, fdr: fdr as number | undefined };
}

export function validateResumeParams(p: Record<string, unknown>): ResumeSslmemParams {
  const confirmed = p.confirmed ?? [];
  if (!Array.isArray(confirmed) || !confirmed.every((c) => typeof c === 'string' && c.length > 0))
    invalid('confirmed must be a list of paths');
  return {
    runDir: str(p, 'runDir')!,
    confirmed: confirmed as string[],
    ...runtimeParams(p),
    executor: executorParam(p),
    concurrentTraining: concurrentParam(p),
  };
}

export function validateStageParams(p: Record<string, unknown>): StageSslmemParams {
  const {
    executor: _executor,
    concurrentTraining: _concurrent,
    ...resume
  } = validateResumeParams({ ...p, executor: undefined, concurrentTraining: undefined });
  return { ...resume, stage: str(p, 'stage')! };
}

export function hooks(ctx: JobContext<RunProgress>) {
  return { signal: ctx.signal, log: (m: string) => ctx.log('info', m), onEvent: (e: RunProgress) => ctx.progress(e) };
}

export function runSslmemJob(p: RunSslmemParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  const { provider, threads, overrides, executor, concurrentTraining, mode, encoders, control, fdr, ...request } = p;
  if (mode === 'whole') {
    // Whole-dataset runs train their m encoders here; the Slurm executor knows the paper protocol's stages only.
    if (executor?.kind === 'slurm')
      throw new BackendError('the Slurm executor runs paper-mode runs only (for now); run whole-dataset mode locally', 'invalid-params');
    return startWholeRun(
      { ...request, overrides: overrides as Partial<SslmemConfig>, encoders, control, fdr },
      runtimeOf({ provider, threads, concurrentTraining }),
      hooks(ctx),
    );
  }
  return startRun(
    { ...request, overrides: overrides as Partial<SslmemConfig> },
    runtimeOf({ provider, threads, executor, concurrentTraining }),
    hooks(ctx),
  );
}

export function resumeSslmemJob(p: ResumeSslmemParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  // No executor given: the one the run was created with (its manifest); 'local' said explicitly: train here.
  return resumeRun(p.runDir, runtimeOf(p), hooks(ctx), {
    confirmed: p.confirmed,
    executor: p.executor?.kind === 'local' ? 'local' : undefined,
    taskCommand: taskCommand(),
  });
}

export function stageSslmemJob(p: StageSslmemParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  return runStage(p.runDir, p.stage, { provider: p.provider, threads: p.threads }, hooks(ctx), { confirmed: p.confirmed });
}
