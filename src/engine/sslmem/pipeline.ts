// The SSLMem run, end to end and resumable: split -> train f -> train g -> score f -> score g -> report.
// Each stage records its progress in the run manifest and writes its outputs atomically; `resumeRun`
// re-enters at the first stage that is not done (a training stage continues from its last checkpoint).
// f trains on S_S ∪ S_C and g on S_S ∪ S_I with the same recipe and the same initial seed, so the two
// encoders differ only by the data (method spec §2).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadDataset, type LoadedDataset } from '../data';
import { createRun, openRun, type RunHandle } from '../runs';
import { readCheckpoint } from '../artifacts/checkpoint';
import { isProvider, type ProviderDecision, type ProviderSetting } from '../runtime/providers';
import { drawSplit, saveSplit, trainingIndices } from './split';
import { loadSplit } from './split-load';
import { scoredIndices, type Split } from '../runs/subsets';
import { checkSplitUsable } from './split-load';
import { noSamplesMessage } from './skipped-summary';
import { reopenDamagedReport } from './report/results-check';
import { assertFiniteLosses } from './finite';
import { averageSeedPairs, type PointLosses } from './scores';
import { writeReportStage } from './report/report-stage';
import { scoringSeedOf } from './view-batches';
import { loadLosses, saveLosses } from './losses-file';
import { resolvePreset } from './config';
import { type SslmemConfig } from './config-types';
import { trainEncoder } from './train-encoder';
import { assertProviderUsable } from '../runtime/session';
import { scoreEncoder } from './score-encoder';
import { IMPORTED_PRESET, resumeImportedRun } from './imported/import-encoders';
import { trustedManifestPath } from './manifest-paths';
import type { PipelineHooks, ResumeOptions, RunOutcome, RuntimeOptions } from './run-hooks';
import { confinedCacheDir } from '../runs/containment';
import { recordChosenPaths } from '../runs/chosen-paths';
import { datasetRelative, existingDatasetPath } from '../runs/dataset-path';

export interface RunRequest {
  data: string;
  preset: string;
  overrides?: Partial<SslmemConfig>;
  splitFile?: string;
  seed?: number;
  storeDir: string;
  cacheDir?: string;
}

/** What the manifest's `config` holds: enough to resume the run from its folder alone. */
interface StoredConfig { sslmem: SslmemConfig; data: string; seed: number; splitFile: string | null; cacheDir: string | null }

export async function startRun(req: RunRequest, runtime: RuntimeOptions, hooks: PipelineHooks = {}): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider); // an explicit provider that cannot run: fail before any work
  const sslmem = resolvePreset(req.preset, req.overrides);
  const seed = req.seed ?? 0;
  const stored: StoredConfig = { sslmem, data: resolve(req.data), seed, splitFile: req.splitFile ? resolve(req.splitFile) : null, cacheDir: req.cacheDir ?? null };
  const loaded = await loadFor(stored, hooks);
  // Every input is checked before the run folder exists: a bad split or an empty dataset leaves nothing behind.
  const split = await splitFor(stored, loaded);
  const pairs = Array.from({ length: sslmem.seedPairs }, (_, p) => ({ f: seed + p, g: seed + p }));
  const run = await createRun(req.storeDir, {
    preset: req.preset,
    dataset: { path: stored.data, relative: datasetRelative(req.storeDir, stored.data), kind: loaded.source.kind, fingerprint: loaded.fingerprint, n: loaded.dataset.n, skipped: loaded.dataset.skipped.length },
    config: stored as unknown as Record<string, unknown>,
    seeds: { split: seed, pairs },
    versions: { sslmemStudio: '0.1.0', onnxruntimeNode: ort.env.versions.node ?? 'unknown', node: process.versions.node },
    executionProvider: runtime.provider ?? 'auto',
  });
  recordChosenPaths(run.dir, [stored.data, stored.splitFile]);
  hooks.log?.(`run ${run.id} in ${run.dir}`);
  return execute(run, stored, loaded, runtime, hooks, split);
}

export async function resumeRun(runDir: string, runtime: RuntimeOptions, hooks: PipelineHooks = {}, options: ResumeOptions = {}): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider);
  const run = await openRun(runDir);
  if (run.manifest.preset === IMPORTED_PRESET) {
    if (await run.recoverIfStale()) hooks.log?.(`run ${run.id} was cut off (its process is gone); marked interrupted`);
    return resumeImportedRun(run, runtime, hooks, options);
  }
  const stored = trustedStoredConfig(run, options, hooks);
  // A killed process leaves 'running' behind; say so (and refuse a run a live process is still executing).
  if (await run.recoverIfStale()) hooks.log?.(`run ${run.id} was cut off (its process is gone); marked interrupted`);
  await reopenDamagedReport(run, 'report', hooks.log);
  const loaded = await loadFor(stored, hooks);
  if (run.manifest.dataset.fingerprint && loaded.fingerprint !== run.manifest.dataset.fingerprint) {
    throw new Error(`the dataset at ${stored.data} changed since this run started (fingerprint differs); start a new run`);
  }
  hooks.log?.(`resuming run ${run.id}: pending ${run.pendingStages().join(', ')}`);
  return execute(run, stored, loaded, runtime, hooks);
}

/** The manifest's config with every path it names checked (manifest-paths.ts) and the cache confined. */
function trustedStoredConfig(run: RunHandle, options: ResumeOptions, hooks: PipelineHooks): StoredConfig {
  const raw = run.manifest.config as unknown as Partial<StoredConfig>;
  if (typeof raw !== 'object' || raw === null || typeof raw.sslmem !== 'object' || raw.sslmem === null) {
    throw new Error(`${run.path('manifest.json')}: config.sslmem is missing; this run cannot be resumed`);
  }
  // A moved or cloned project: the recorded absolute path is gone, the workspace-relative one is there.
  const moved = typeof raw.data === 'string' && !existsSync(raw.data) ? existingDatasetPath(run.dir, run.manifest.dataset)?.path : undefined;
  const data = trustedManifestPath(run.dir, 'dataset', moved ?? raw.data, options.confirmed);
  const splitFile = raw.splitFile == null ? null : trustedManifestPath(run.dir, 'split file', raw.splitFile, options.confirmed);
  const cache = confinedCacheDir(run.dir, raw.cacheDir);
  if (cache.ignored) hooks.log?.(`manifest cacheDir ${cache.ignored} ignored: the decode cache stays in ${cache.dir}`);
  const seed = Number.isInteger(raw.seed) ? raw.seed! : 0;
  return { sslmem: raw.sslmem, data, seed, splitFile, cacheDir: cache.dir };
}

async function loadFor(stored: StoredConfig, hooks: PipelineHooks): Promise<LoadedDataset> {
  const loaded = await loadDataset(stored.data, stored.sslmem.decode, { cacheDir: stored.cacheDir ?? undefined });
  hooks.onEvent?.({ kind: 'dataset', n: loaded.dataset.n, skipped: loaded.dataset.skipped.length, cache: loaded.cache });
  for (const s of loaded.dataset.skipped) hooks.log?.(`skipped ${s.path}: ${s.reason}`);
  if (loaded.dataset.n === 0) throw new Error(noSamplesMessage(stored.data, loaded.dataset.skipped));
  return loaded;
}

/** The run's split (drawn or read), refused when unusable (checkSplitUsable). */
async function splitFor(stored: StoredConfig, loaded: LoadedDataset): Promise<Split> {
  const split = stored.splitFile ? await loadSplit(stored.splitFile, loaded.dataset) : drawSplit(loaded.dataset.n, { seed: stored.seed, sizes: stored.sslmem.split });
  checkSplitUsable(split);
  return split;
}

async function execute(run: RunHandle, stored: StoredConfig, loaded: LoadedDataset, runtime: RuntimeOptions, hooks: PipelineHooks,
  initialSplit: Split | null = null): Promise<RunOutcome> {
  const { dataset } = loaded;
  const config = stored.sslmem;
  const scoringSeed = scoringSeedOf(stored.seed);
  let split: Split | null = null;
  const splitPath = run.path('split.json');
  const readSplit = async () => (split ??= await loadSplit(splitPath, dataset));
  const pairs = run.manifest.seeds.pairs;

  for (const stage of run.manifest.stageOrder) {
    if (run.isDone(stage)) { hooks.onEvent?.({ kind: 'stage', stage, status: 'skip' }); continue; }
    if (hooks.signal?.aborted) {
      // Cancelled between stages: the manifest still says 'running' from the stage that just finished.
      await run.update((m) => { m.status = 'interrupted'; });
      return { runDir: run.dir, status: 'cancelled', reportFile: null };
    }
    hooks.onEvent?.({ kind: 'stage', stage, status: 'start' });
    await run.startStage(stage);
    try {
      const [name, pairText] = stage.split('#');
      const p = pairText ? Number(pairText) : 0;
      const suffix = pairText ? `-${p}` : '';
      if (name === 'split') {
        split = initialSplit ?? await splitFor(stored, loaded);
        await saveSplit(splitPath, split, { seed: stored.splitFile ? null : stored.seed, datasetFingerprint: loaded.fingerprint, paths: dataset.paths });
        await run.update((m) => { m.subsetSizes = { S_S: split!.S_S.length, S_C: split!.S_C.length, S_I: split!.S_I.length, S_E: split!.S_E.length }; });
        await run.finishStage(stage, { outputs: { split: 'split.json' } });
      } else if (name === 'train_f' || name === 'train_g') {
        const who = name === 'train_f' ? 'f' : 'g';
        const dir = run.path(`${who}${suffix}`);
        const checkpoint = `${who}${suffix}/checkpoint.bin`;
        let lastRecorded = 0;
        const result = await trainEncoder({
          config, dataset, indices: trainingIndices(await readSplit(), who), seed: pairs[p][who], dir,
          checkpointPath: run.path(checkpoint), ...runtime, signal: hooks.signal, log: hooks.log,
          onProvider: (decision) => hooks.onEvent?.({ kind: 'provider', stage, decision }), // the Trainer logged it
          onProgress: (ev) => {
            hooks.onEvent?.({ kind: 'train', stage, ...ev });
            if (ev.step - lastRecorded >= Math.max(1, Math.round(ev.total / 50))) {
              lastRecorded = ev.step;
              run.progressStage(stage, { done: ev.step, total: ev.total, unit: 'steps' }, checkpoint)
                .catch((e) => hooks.log?.(`could not record progress: ${(e as Error).message}`));
            }
          },
        });
        if (result.cancelled) {
          await run.update((m) => { m.status = 'interrupted'; m.stages[stage] = { ...m.stages[stage], status: 'pending', checkpoint, progress: { done: result.steps, total: m.stages[stage].progress?.total ?? 0, unit: 'steps' } }; });
          return { runDir: run.dir, status: 'cancelled', reportFile: null };
        }
        await run.update((m) => { m.executionProvider = result.provider; m.providerDecision = result.decision; });
        await run.finishStage(stage, { checkpoint, outputs: { artifacts: `${who}${suffix}/manifest.json` } });
      } else if (name === 'score_f' || name === 'score_g') {
        const who = name === 'score_f' ? 'f' : 'g';
        const rows = scoredIndices(await readSplit());
        const checkpoint = await readCheckpoint(run.path(`${who}${suffix}/checkpoint.bin`));
        const losses = await scoreEncoder({
          config, dataset, rows, checkpoint, seed: scoringSeed, ...runtime, provider: scoringProvider(runtime, run, hooks), signal: hooks.signal,
          onProgress: (done, total) => hooks.onEvent?.({ kind: 'score', stage, done, total }),
        });
        assertFiniteLosses(who, losses.mean, rows, dataset.paths);
        const file = `losses-${who}${suffix}.bin`;
        await saveLosses(run.path(file), losses, { encoder: who, K: config.scoring.pairs, normalise: config.scoring.normalise });
        await run.finishStage(stage, { outputs: { losses: file } });
      } else if (name === 'report') {
        const s = await readSplit();
        const perPair: PointLosses[] = [];
        for (let q = 0; q < pairs.length; q++) {
          const sfx = pairs.length > 1 ? `-${q}` : '';
          const f = await loadLosses(run.path(`losses-f${sfx}.bin`));
          const g = await loadLosses(run.path(`losses-g${sfx}.bin`));
          perPair.push({ lf: f.mean, lg: g.mean, lfStderr: f.stderr, lgStderr: g.stderr });
        }
        const losses = pairs.length > 1 ? averageSeedPairs(perPair) : perPair[0];
        await writeReportStage(run, stage, dataset, s, losses, config.scoring.normalisation);
      }
      hooks.onEvent?.({ kind: 'stage', stage, status: 'done' });
    } catch (e) {
      if ((e as Error).name === 'AbortError') {
        await run.update((m) => { m.status = 'interrupted'; m.stages[stage] = { ...m.stages[stage], status: 'pending' }; });
        return { runDir: run.dir, status: 'cancelled', reportFile: null };
      }
      await run.failStage(stage, e);
      throw e;
    }
  }
  const reportFile = run.path('report.json');
  return { runDir: run.dir, status: 'done', reportFile: existsSync(reportFile) ? reportFile : null };
}

/**
 * Scoring runs where training ran: `auto` takes the provider the train step chose (recorded in the manifest,
 * also by an earlier process of a resumed run); with no training recorded, `auto` means the CPU.
 */
function scoringProvider(runtime: RuntimeOptions, run: RunHandle, hooks: PipelineHooks): ProviderSetting {
  const setting = runtime.provider ?? 'auto';
  if (setting !== 'auto') return setting;
  const trained = run.manifest.executionProvider;
  if (isProvider(trained)) return trained;
  hooks.log?.('scoring on cpu: auto has no training measurement to follow in this run');
  return 'cpu';
}
