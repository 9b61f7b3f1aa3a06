// The SSLMem jobs of the backend: validate untrusted wire params, then hand over to the engine's pipeline.
// This file is the only place the backend knows about SSLMem; the engine knows nothing of the protocol.
import * as path from 'node:path';
import { BackendError, type ExecutorSetting, type ResumeSslmemParams, type RunSslmemParams, type RunProgress, type RunResult, type RuntimeParams, type StageSslmemParams } from '../protocol/backend';
import { resumeRun, runStage, startRun } from '../engine/sslmem/pipeline';
import { slurmOptionsProblem, type SlurmOptions } from '../engine/sslmem/cluster/slurm-options';
import type { RuntimeOptions } from '../engine/sslmem/run-hooks';
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
  model: (v) => typeof v === 'object' && v !== null && isModelKind((v as { kind?: unknown }).kind) && numericOptions((v as { options?: unknown }).options),
  method: (v) => typeof v === 'object' && v !== null && isMethodKind((v as { kind?: unknown }).kind) && numericOptions((v as { options?: unknown }).options),
  augment: (v) => RECIPE_NAMES.includes(v as RecipeName),
  snapshots: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1000,
};

/** Model and method options are numbers only (widths, sizes); the model builders check their ranges. */
function numericOptions(o: unknown): boolean {
  return o === undefined || (typeof o === 'object' && o !== null && Object.values(o).every((x) => typeof x === 'number' && Number.isFinite(x)));
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
  if (threads !== undefined && (!Number.isInteger(threads) || (threads as number) < 0 || (threads as number) > 256)) invalid('threads must be an integer in [0, 256]');
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
function runtimeOf(p: RuntimeParams & { executor?: ExecutorSetting }): RuntimeOptions {
  const runtime = { provider: p.provider, threads: p.threads };
  if (p.executor?.kind !== 'slurm') return runtime;
  const { kind: _kind, ...options } = p.executor;
  return { ...runtime, executor: { kind: 'slurm', options, command: [process.execPath, path.join(__dirname, 'cli.js')] } };
}

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
  try { resolvePreset(preset, overrides as Partial<SslmemConfig>); } catch (e) { invalid((e as Error).message); }
  return {
    data: str(p, 'data')!, preset, storeDir: str(p, 'storeDir')!, seed: seed as number | undefined,
    splitFile: str(p, 'splitFile', false), cacheDir: str(p, 'cacheDir', false), overrides: overrides as Record<string, unknown>,
    ...runtimeParams(p), executor: executorParam(p),
  };
}

export function validateResumeParams(p: Record<string, unknown>): ResumeSslmemParams {
  const confirmed = p.confirmed ?? [];
  if (!Array.isArray(confirmed) || !confirmed.every((c) => typeof c === 'string' && c.length > 0)) invalid('confirmed must be a list of paths');
  return { runDir: str(p, 'runDir')!, confirmed: confirmed as string[], ...runtimeParams(p), executor: executorParam(p) };
}

export function validateStageParams(p: Record<string, unknown>): StageSslmemParams {
  const { executor: _executor, ...resume } = validateResumeParams({ ...p, executor: undefined });
  return { ...resume, stage: str(p, 'stage')! };
}

export function hooks(ctx: JobContext<RunProgress>) {
  return { signal: ctx.signal, log: (m: string) => ctx.log('info', m), onEvent: (e: RunProgress) => ctx.progress(e) };
}

export function runSslmemJob(p: RunSslmemParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  const { provider, threads, overrides, executor, ...request } = p;
  return startRun({ ...request, overrides: overrides as Partial<SslmemConfig> }, runtimeOf({ provider, threads, executor }), hooks(ctx));
}

export function resumeSslmemJob(p: ResumeSslmemParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  return resumeRun(p.runDir, runtimeOf(p), hooks(ctx), { confirmed: p.confirmed });
}

export function stageSslmemJob(p: StageSslmemParams, ctx: JobContext<RunProgress>): Promise<RunResult> {
  return runStage(p.runDir, p.stage, { provider: p.provider, threads: p.threads }, hooks(ctx), { confirmed: p.confirmed });
}
