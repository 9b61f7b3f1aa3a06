// Stage bodies that trained and imported runs share: load the dataset (and say what was skipped), record
// the split, read the per-pair losses, write the report. Each returns what the stage runner records.
import { loadDataset, type LoadedDataset } from '../data';
import type { RunHandle, StageDone } from '../runs';
import type { Split } from '../runs/subsets';
import { saveSplit } from './split';
import { noSamplesMessage } from './skipped-summary';
import { loadLosses } from './losses-file';
import { averageSeedPairs, type PointLosses } from './scores';
import { writeReportStage } from './report/report-stage';
import type { Normalisation } from '../runs/subsets';
import type { PipelineHooks } from './run-hooks';
import type { ViewSettings } from './run-config';
import type { SslmemConfig } from './config-types';
import type { Dataset } from '../data/types';
import type { StageResult } from '../runs';
import type { RuntimeOptions } from './run-hooks';
import { isProvider, type ProviderDecision, type ProviderSetting } from '../runtime/providers';
import { trainEncoder, type TrainEncoderJob } from './train-encoder';
import { trainEncoderInWorker } from './train-in-worker';

/** The run's dataset, decoded (cached); refused when no image is usable. */
export async function loadRunDataset(
  settings: Pick<ViewSettings, 'data' | 'decode' | 'cacheDir'>,
  hooks: PipelineHooks,
): Promise<LoadedDataset> {
  const loaded = await loadDataset(settings.data, settings.decode, { cacheDir: settings.cacheDir ?? undefined });
  hooks.onEvent?.({ kind: 'dataset', n: loaded.dataset.n, skipped: loaded.dataset.skipped.length, cache: loaded.cache });
  for (const s of loaded.dataset.skipped) hooks.log?.(`skipped ${s.path}: ${s.reason}`);
  if (loaded.dataset.n === 0) throw new Error(noSamplesMessage(settings.data, loaded.dataset.skipped));
  return loaded;
}

/** The split stage: split.json (with the seed it was drawn with, or null when read from a file) and the sizes. */
export async function splitStage(run: RunHandle, split: Split, loaded: LoadedDataset, seed: number | null): Promise<StageDone> {
  await saveSplit(run.path('split.json'), split, { seed, datasetFingerprint: loaded.fingerprint, paths: loaded.dataset.paths });
  await run.update((m) => {
    m.subsetSizes = { S_S: split.S_S.length, S_C: split.S_C.length, S_I: split.S_I.length, S_E: split.S_E.length };
  });
  return { outputs: { split: 'split.json' } };
}

/** The file a scoring stage writes: losses-f.bin, or losses-f-<pair>.bin with several seed pairs. */
export const lossesFile = (who: 'f' | 'g', pair: number, pairs: number) => (pairs > 1 ? `losses-${who}-${pair}.bin` : `losses-${who}.bin`);

/** L_f and L_g per scored point, averaged over the seed pairs (the expectation over training runs). */
export async function readRunLosses(run: RunHandle, pairs: number): Promise<PointLosses> {
  const perPair = await readPairLosses(run, pairs);
  return pairs > 1 ? averageSeedPairs(perPair) : perPair[0];
}

/** Each (f, g) pair's L_f and L_g per scored point: their spread is the score's honest uncertainty. */
export async function readPairLosses(run: RunHandle, pairs: number): Promise<PointLosses[]> {
  const perPair: PointLosses[] = [];
  for (let q = 0; q < pairs; q++) {
    const f = await loadLosses(run.path(lossesFile('f', q, pairs)));
    const g = await loadLosses(run.path(lossesFile('g', q, pairs)));
    perPair.push({ lf: f.mean, lg: g.mean, lfStderr: f.stderr, lgStderr: g.stderr });
  }
  return perPair;
}

/** The report stage: losses → scores → scores.csv / scores.bin / report.json / report.md. */
export async function reportStage(
  run: RunHandle,
  loaded: LoadedDataset,
  split: Split,
  pairs: number,
  normalisation: Normalisation,
): Promise<StageDone> {
  return writeReportStage(run, loaded.dataset, split, await readPairLosses(run, pairs), normalisation);
}

/** One encoder to train: its recipe, its training indices, its seed and its folder inside the run. */
export interface TrainStageJob {
  config: SslmemConfig;
  dataset: Dataset;
  indices: Int32Array;
  seed: number;
  folder: string;
  /** `auto`'s choice made before several encoders started training at once (concurrent-training.ts). */
  decided?: ProviderDecision;
}

/**
 * A training stage (train_f, train#2, …): trains one encoder resumably from `<folder>/checkpoint.bin`, records
 * progress in the manifest about 50 times, and on cancel records the resume point and returns 'cancelled'.
 */
export async function trainStage(
  run: RunHandle,
  stage: string,
  job: TrainStageJob,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
): Promise<StageResult> {
  const checkpoint = `${job.folder}/checkpoint.bin`;
  let lastRecorded = 0;
  const concurrent = runtime.concurrentTraining;
  const train = concurrent ? (j: TrainEncoderJob) => trainEncoderInWorker(concurrent.workerFile, j) : trainEncoder;
  const result = await train({
    config: job.config,
    dataset: job.dataset,
    indices: job.indices,
    seed: job.seed,
    dir: run.path(job.folder),
    checkpointPath: run.path(checkpoint),
    provider: runtime.provider,
    threads: runtime.threads,
    decided: job.decided,
    signal: hooks.signal,
    log: hooks.log,
    onProvider: (decision) => hooks.onEvent?.({ kind: 'provider', stage, decision }), // the Trainer logged it
    onProgress: (ev) => {
      hooks.onEvent?.({ kind: 'train', stage, ...ev });
      if (ev.step - lastRecorded >= Math.max(1, Math.round(ev.total / 50))) {
        lastRecorded = ev.step;
        run
          .progressStage(stage, { done: ev.step, total: ev.total, unit: 'steps' }, checkpoint)
          .catch((e) => hooks.log?.(`could not record progress: ${(e as Error).message}`));
      }
    },
  });
  if (result.cancelled) {
    // The resume point: the runner leaves the stage pending, the next resume continues from this checkpoint.
    await run.progressStage(
      stage,
      { done: result.steps, total: run.manifest.stages[stage].progress?.total ?? 0, unit: 'steps' },
      checkpoint,
    );
    return 'cancelled';
  }
  await run.update((m) => {
    m.executionProvider = result.provider;
    m.providerDecision = result.decision;
  });
  return { checkpoint, outputs: { artifacts: `${job.folder}/manifest.json` } };
}

/**
 * Scoring runs where training ran: `auto` takes the provider the train step chose (recorded in the manifest,
 * also by an earlier process of a resumed run); with no training recorded, `auto` means the CPU.
 */
export function scoringProvider(runtime: RuntimeOptions, run: RunHandle, hooks: PipelineHooks): ProviderSetting {
  const setting = runtime.provider ?? 'auto';
  if (setting !== 'auto') return setting;
  const trained = run.manifest.executionProvider;
  if (isProvider(trained)) return trained;
  hooks.log?.('scoring on cpu: auto has no training measurement to follow in this run');
  return 'cpu';
}
