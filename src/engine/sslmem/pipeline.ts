// The SSLMem run, end to end and resumable: split -> train f -> train g -> score f -> score g -> report.
// Each stage records its progress in the run manifest and writes its outputs atomically; `resumeRun`
// re-enters at the first stage that is not done (a training stage continues from its last checkpoint).
// f trains on S_S ∪ S_C and g on S_S ∪ S_I with the same recipe and the same initial seed, so the two
// encoders differ only by the data (method spec §2).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoadedDataset } from '../data';
import { createRun, openRun, runStages, manifestStageStore, isTrainingStage, type RunHandle, type StageResult } from '../runs';
import { readCheckpoint } from '../artifacts/checkpoint';
import { drawSplit, trainingIndices } from './split';
import { loadSplit, checkSplitUsable } from './split-load';
import { scoredIndices, type Split } from '../runs/subsets';
import { reopenDamagedReport } from './report/results-check';
import { assertFiniteLosses } from './finite';
import { scoringSeedOf } from './view-batches';
import { saveLosses } from './losses-file';
import { resolvePreset } from './config';
import { type SslmemConfig } from './config-types';
import { assertProviderUsable } from '../runtime/session';
import { scoreEncoder } from './score-encoder';
import { resumeImportedRun } from './imported/import-encoders';
import { resumeWholeRun } from './whole/whole-run';
import { IMPORTED_PRESET, RUN_CONFIG_VERSION, runConfigOf, trainedRunConfigOf, type TrainedRunConfig } from './run-config';
import { loadRunDataset, lossesFile, reportStage, scoringProvider, splitStage, trainStage } from './run-stages';
import { trustedManifestPath } from './manifest-paths';
import { assertSameDataset, trustedDataSource } from './resume-checks';
import type { PipelineHooks, ResumeOptions, RunOutcome, RuntimeOptions } from './run-hooks';
import { runRunStages, type TrainingLane } from './concurrent-training';
import { decideTrainProvider } from './train-encoder';
import { recordChosenPaths } from '../runs/chosen-paths';
import { datasetRelative } from '../runs/dataset-path';
import { trainOnSlurm } from './cluster/slurm-executor';
import { resumeExecutor } from './cluster/resume-executor';

export interface RunRequest {
  data: string;
  preset: string;
  overrides?: Partial<SslmemConfig>;
  splitFile?: string;
  seed?: number;
  storeDir: string;
  cacheDir?: string;
}

export async function startRun(req: RunRequest, runtime: RuntimeOptions, hooks: PipelineHooks = {}): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider); // an explicit provider that cannot run: fail before any work
  const sslmem = resolvePreset(req.preset, req.overrides);
  const seed = req.seed ?? 0;
  const stored: TrainedRunConfig = {
    kind: 'trained',
    version: RUN_CONFIG_VERSION,
    sslmem,
    data: resolve(req.data),
    seed,
    splitFile: req.splitFile ? resolve(req.splitFile) : null,
    cacheDir: req.cacheDir ?? null,
  };
  const loaded = await loadRunDataset({ ...stored, decode: sslmem.decode }, hooks);
  // Every input is checked before the run folder exists: a bad split or an empty dataset leaves nothing behind.
  const split = await splitFor(stored, loaded);
  const pairs = Array.from({ length: sslmem.seedPairs }, (_, p) => ({ f: seed + p, g: seed + p }));
  const run = await createRun(req.storeDir, {
    preset: req.preset,
    dataset: {
      path: stored.data,
      relative: datasetRelative(req.storeDir, stored.data),
      kind: loaded.source.kind,
      fingerprint: loaded.fingerprint,
      n: loaded.dataset.n,
      skipped: loaded.dataset.skipped.length,
    },
    config: stored as unknown as Record<string, unknown>,
    seeds: { split: seed, pairs },
    versions: { sslmemStudio: '0.1.0', onnxruntimeNode: ort.env.versions.node ?? 'unknown', node: process.versions.node },
    executionProvider: runtime.provider ?? 'auto',
    // Stored from the start: a resume without --executor (even of a run cut off before its array was submitted) uses it.
    ...(runtime.executor ? { executor: { kind: 'slurm' as const, options: runtime.executor.options, tasks: {} } } : {}),
  });
  recordChosenPaths(run.dir, [stored.data, stored.splitFile]);
  hooks.log?.(`run ${run.id} in ${run.dir}`);
  return execute(run, stored, loaded, runtime, hooks, split);
}

export async function resumeRun(
  runDir: string,
  runtime: RuntimeOptions,
  hooks: PipelineHooks = {},
  options: ResumeOptions = {},
): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider);
  const run = await openRun(runDir);
  const choice = resumeExecutor(run.manifest.executor, runtime.executor ?? options.executor, options.taskCommand);
  if (choice.notice) {
    hooks.log?.(choice.notice);
    hooks.onEvent?.({ kind: 'executor', message: choice.notice });
  }
  runtime = { ...runtime, executor: choice.executor };
  // A killed process leaves 'running' behind; say so (and refuse a run a live process is still executing).
  try {
    if (await run.recoverIfStale()) hooks.log?.(`run ${run.id} was cut off (its process is gone); marked interrupted`);
  } catch (err) {
    // The live writer may be one of this run's Slurm tasks (on this node): a Slurm resume follows them (each
    // stage's lock keeps two processes off one stage), anything else waits.
    if (!(runtime.executor && run.manifest.executor)) throw err;
    hooks.log?.(`${(err as Error).message}: following the run's Slurm tasks`);
  }
  if (run.manifest.preset === IMPORTED_PRESET) return resumeImportedRun(run, runtime, hooks, options);
  if (runConfigOf(run.manifest.config, run.manifest.preset, run.path('manifest.json')).kind === 'whole')
    return resumeWholeRun(run, runtime, hooks, options);
  const stored = trustedStoredConfig(run, options, hooks);
  await reopenDamagedReport(run, 'report', hooks.log);
  const loaded = await loadRunDataset({ ...stored, decode: stored.sslmem.decode }, hooks);
  assertSameDataset(run, loaded, stored.data);
  hooks.log?.(`resuming run ${run.id}: pending ${run.pendingStages().join(', ')}`);
  return execute(run, stored, loaded, runtime, hooks);
}

/**
 * Exactly one stage of an existing run, in this process (what a Slurm array task runs): resumable from its
 * checkpoint, refused while another live process holds the stage's lock, refused when what it needs is not done.
 */
export async function runStage(
  runDir: string,
  stage: string,
  runtime: RuntimeOptions,
  hooks: PipelineHooks = {},
  options: ResumeOptions = {},
): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider);
  const run = await openRun(runDir);
  // No run-level recoverIfStale: other stages of this run may be executing in other processes right now.
  if (run.manifest.preset === IMPORTED_PRESET)
    throw new Error(`run ${run.id} scores imported encoders; resume it instead (it has no training stages)`);
  if (!run.manifest.stageOrder.includes(stage)) throw new Error(`unknown stage "${stage}" (stages: ${run.manifest.stageOrder.join(', ')})`);
  const stored = trustedStoredConfig(run, options, hooks);
  const loaded = await loadRunDataset({ ...stored, decode: stored.sslmem.decode }, hooks);
  assertSameDataset(run, loaded, stored.data);
  return execute(run, stored, loaded, runtime, hooks, null, [stage]);
}

/** A training stage needs what precedes the first training stage, not the other training stages. */
function stageRequirements(order: readonly string[]): (stage: string) => readonly string[] {
  const firstTraining = order.findIndex(isTrainingStage);
  return (stage) => order.slice(0, isTrainingStage(stage) && firstTraining >= 0 ? firstTraining : order.indexOf(stage));
}

/** The manifest's config with every path it names checked (manifest-paths.ts) and the cache confined. */
function trustedStoredConfig(run: RunHandle, options: ResumeOptions, hooks: PipelineHooks): TrainedRunConfig {
  const raw = trainedRunConfigOf(run.manifest.config, run.manifest.preset, run.path('manifest.json'), 'resuming');
  const splitFile = raw.splitFile == null ? null : trustedManifestPath(run.dir, 'split file', raw.splitFile, options.confirmed);
  return { ...raw, ...trustedDataSource(run, raw, options, hooks), splitFile };
}

/** The run's split (drawn or read), refused when unusable (checkSplitUsable). */
async function splitFor(stored: TrainedRunConfig, loaded: LoadedDataset): Promise<Split> {
  const split = stored.splitFile
    ? await loadSplit(stored.splitFile, loaded.dataset)
    : drawSplit(loaded.dataset.n, { seed: stored.seed, sizes: stored.sslmem.split });
  checkSplitUsable(split);
  return split;
}

async function execute(
  run: RunHandle,
  stored: TrainedRunConfig,
  loaded: LoadedDataset,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
  initialSplit: Split | null = null,
  only?: readonly string[],
): Promise<RunOutcome> {
  const { dataset } = loaded;
  const config = stored.sslmem;
  let split: Split | null = null;
  const readSplit = async () => (split ??= await loadSplit(run.path('split.json'), dataset));
  const pairs = run.manifest.seeds.pairs;

  // A lane: this stage trains at the same time as others (concurrent-training.ts), with the lane's threads and signal.
  const train = (stage: string, who: 'f' | 'g', p: number, suffix: string, lane?: TrainingLane): Promise<StageResult> =>
    trainStage(
      run,
      stage,
      { config, dataset, indices: trainingIndices(split!, who), seed: pairs[p][who], folder: `${who}${suffix}`, decided: lane?.decided },
      lane?.runtime ?? runtime,
      lane ? { ...hooks, signal: lane.signal } : hooks,
    );

  const score = async (stage: string, who: 'f' | 'g', p: number, suffix: string): Promise<StageResult> => {
    const rows = scoredIndices(await readSplit());
    const checkpoint = await readCheckpoint(run.path(`${who}${suffix}/checkpoint.bin`));
    const losses = await scoreEncoder({
      config,
      dataset,
      rows,
      checkpoint,
      seed: scoringSeedOf(stored.seed),
      ...runtime,
      provider: scoringProvider(runtime, run, hooks),
      signal: hooks.signal,
      onProgress: (done, total) => hooks.onEvent?.({ kind: 'score', stage, done, total }),
    });
    assertFiniteLosses(who, losses.mean, rows, dataset.paths);
    const file = lossesFile(who, p, pairs.length);
    await saveLosses(run.path(file), losses, { encoder: who, K: config.scoring.pairs, normalise: config.scoring.normalise });
    return { outputs: { losses: file } };
  };

  const work = async (stage: string, lane?: TrainingLane): Promise<StageResult> => {
    // Stage names: split, train_f, score_g#1, …, report (runs/manifest.ts pipelineStages).
    const [name, pairText] = stage.split('#');
    const p = pairText ? Number(pairText) : 0;
    const suffix = pairText ? `-${p}` : '';
    switch (name) {
      case 'split':
        split = initialSplit ?? (await splitFor(stored, loaded));
        return splitStage(run, split, loaded, stored.splitFile ? null : stored.seed);
      case 'train_f':
      case 'train_g':
        await readSplit();
        return train(stage, name === 'train_f' ? 'f' : 'g', p, suffix, lane);
      case 'score_f':
      case 'score_g':
        return score(stage, name === 'score_f' ? 'f' : 'g', p, suffix);
      case 'report':
        return reportStage(run, loaded, await readSplit(), pairs.length, config.scoring.normalisation);
      default:
        throw new Error(`unknown stage "${stage}"`);
    }
  };

  const order = run.manifest.stageOrder;
  if (runtime.executor && !only) {
    const trained = await trainAsJobs(run, stored, runtime, hooks, (before) =>
      runStages(order, manifestStageStore(run), work, { signal: hooks.signal, onEvent: hooks.onEvent, only: { stages: before } }),
    );
    if (trained === 'cancelled') return { runDir: run.dir, status: 'cancelled', reportFile: null };
  }
  const status =
    only || runtime.executor
      ? await runStages(order, manifestStageStore(run), (stage) => work(stage), {
          signal: hooks.signal,
          onEvent: hooks.onEvent,
          ...(only ? { only: { stages: only, requires: stageRequirements(order) } } : {}),
        })
      : await runRunStages(run, runtime, hooks, work, (threads) => decideTrainProvider(config, threads, hooks.log));
  if (status === 'cancelled') return { runDir: run.dir, status, reportFile: null };
  if (only) return { runDir: run.dir, status: 'done', reportFile: null };
  const reportFile = run.path('report.json');
  return { runDir: run.dir, status: 'done', reportFile: existsSync(reportFile) ? reportFile : null };
}

/**
 * The cluster executor: the stages before training run here (`runBefore`), the training stages as one Slurm
 * array whose tasks run `sslmem stage` with this run's provider, threads and confirmed paths; then the caller
 * runs the rest here (training stages done by then are skipped).
 */
async function trainAsJobs(
  run: RunHandle,
  stored: TrainedRunConfig,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
  runBefore: (stages: string[]) => Promise<'done' | 'cancelled'>,
): Promise<'done' | 'cancelled'> {
  const order = run.manifest.stageOrder;
  const first = order.findIndex(isTrainingStage);
  if (first < 0 || !runtime.executor) return 'done';
  if ((await runBefore(order.slice(0, first))) === 'cancelled') return 'cancelled';
  const flags = [
    '--ep',
    runtime.provider ?? 'auto',
    ...(runtime.threads !== undefined ? ['--threads', String(runtime.threads)] : []),
    // The controller already trusts these paths (trustedStoredConfig); each task confirms them the same way.
    '--data',
    stored.data,
    ...(stored.splitFile ? ['--split', stored.splitFile] : []),
  ];
  const status = await trainOnSlurm(run, {
    options: runtime.executor.options,
    command: runtime.executor.command,
    flags,
    signal: hooks.signal,
    // Logged too: progress stops reaching the caller once it cancelled, and the scancel is worth a trace.
    notify: (message) => {
      hooks.log?.(message);
      hooks.onEvent?.({ kind: 'executor', message });
    },
    onTask: (e) => hooks.onEvent?.({ kind: 'task', ...e }),
  });
  if (status === 'cancelled')
    await run.update((m) => {
      m.status = 'interrupted';
    });
  return status;
}
