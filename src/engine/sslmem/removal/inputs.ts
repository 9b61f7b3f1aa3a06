// What the retrain-after-removal experiment reads from a finished run: its stored config, the dataset (same
// fingerprint), the split, and the run's scores per dataset index — recomputed from the saved losses in
// float64 exactly as the report stage computed them, so the ranking is the run's ranking.
import { existsSync } from 'node:fs';
import { loadDataset, type LoadedDataset } from '../../data';
import { openRun, trainingsSideBySide, type RunHandle } from '../../runs';
import { loadLosses } from '../losses-file';
import { computeScores } from '../scores';
import { trainedRunConfigOf, type TrainedRunConfig } from '../run-config';
import { readRunLosses } from '../run-stages';
import { loadSplit } from '../split-load';
import { scoredIndices, type Split } from '../../runs/subsets';
import { scoringSeedOf } from '../view-batches';
import type { RunMode } from '../../runs/subsets';
import type { SslmemConfig } from '../config-types';
import { trainingIndices } from '../split';
import { stepsFor } from '../train-encoder';
import { runProbeSet, PROBE_TEST_DESCRIPTION, PROBE_TRAIN_DESCRIPTION } from '../probes/evaluate';

export interface RunInputs {
  run: RunHandle;
  stored: TrainedRunConfig;
  loaded: LoadedDataset;
  split: Split;
  /** Normalised score by dataset index (NaN for samples in no subset). */
  scoreByIndex: Float64Array;
  /** Seed f was trained with (first seed pair). */
  fSeed: number;
  /** The seed the pipeline made scoring views with (so a re-scored encoder sees the same views). */
  scoringSeed: number;
}

/**
 * What the removal experiment needs of a run of either kind (experiment.ts): where removals come from, how
 * points rank, which seed the retrainings train with, the probe sets, and the reference encoder.
 */
export interface RemovalInputs {
  mode: RunMode;
  run: RunHandle;
  sslmem: SslmemConfig;
  /** The run's seed (keys the transfer probe's split). */
  seed: number;
  cacheDir: string | null;
  loaded: LoadedDataset;
  /** The points a retraining removes from and trains on the rest of: f's S_S ∪ S_C, or a whole run's non-control images. */
  pool: Int32Array;
  /** Normalised score by dataset index; NaN = never chosen by the memorized removal (controls, unscored points). */
  scoreByIndex: Float64Array;
  /** The training seed of every retraining (f's; a whole run's encoders all share the run's seed). */
  trainSeed: number;
  probe: { train: Int32Array; test: Int32Array; trainDescription: string; testDescription: string };
  /** Checkpoint (relative to the run) of the run's encoder trained on the whole pool, the reference; null for a
   *  whole run, whose encoders each trained on half of it (a full-pool retraining is the reference then). */
  original: string | null;
  /** One of the run's trainings (seconds, steps, how many trained side by side with it), for the time estimate. */
  timing: { seconds: number | undefined; steps: number; sideBySide: number };
  /** A paper run's own inputs (re-scoring against g needs them); absent for whole runs, which have no g. */
  paper?: RunInputs;
}

/** A paper run's inputs in the experiment's terms: pool S_S ∪ S_C, probe S_S → S_E ∪ S_I, reference f. */
export function paperRemovalInputs(inputs: RunInputs): RemovalInputs {
  const { run, stored, loaded, split } = inputs;
  const pool = trainingIndices(split, 'f');
  return {
    mode: 'paper',
    run,
    sslmem: stored.sslmem,
    seed: stored.seed,
    cacheDir: stored.cacheDir,
    loaded,
    pool,
    scoreByIndex: inputs.scoreByIndex,
    trainSeed: inputs.fSeed,
    probe: { ...runProbeSet(loaded.dataset, split), trainDescription: PROBE_TRAIN_DESCRIPTION, testDescription: PROBE_TEST_DESCRIPTION },
    original: 'f/checkpoint.bin',
    timing: {
      seconds: run.manifest.timings.train_f,
      steps: stepsFor(stored.sslmem, pool.length),
      sideBySide: trainingsSideBySide(run.manifest, 'train_f'),
    },
    paper: inputs,
  };
}

/** Throws unless the run finished (its report stage done). */
export function assertFinished(run: RunHandle): void {
  const m = run.manifest;
  if (m.status !== 'done' || !run.isDone('report')) {
    throw new Error(`run ${m.id} is not finished (status ${m.status}); finish it first (sslmem resume ${run.dir})`);
  }
}

export async function readRunInputs(runDir: string, log?: (m: string) => void, purpose = 'this analysis'): Promise<RunInputs> {
  const run = await openRun(runDir);
  const m = run.manifest;
  assertFinished(run);
  const stored = trainedRunConfigOf(m.config, m.preset, run.path('manifest.json'), purpose);
  const loaded = await loadDataset(stored.data, stored.sslmem.decode, { cacheDir: stored.cacheDir ?? undefined });
  if (m.dataset.fingerprint && loaded.fingerprint !== m.dataset.fingerprint) {
    throw new Error(`the dataset at ${stored.data} changed since run ${m.id} (fingerprint differs)`);
  }
  log?.(`dataset ${stored.data}: ${loaded.dataset.n} images (cache ${loaded.cache})`);
  const split = await loadSplit(run.path('split.json'), loaded.dataset);
  const pairs = m.seeds.pairs.length || 1;
  const scores = computeScores(await readRunLosses(run, pairs), stored.sslmem.scoring.normalisation);
  const rows = scoredIndices(split);
  const scoreByIndex = new Float64Array(loaded.dataset.n).fill(NaN);
  rows.forEach((index, r) => {
    scoreByIndex[index] = scores.normalised[r];
  });
  return {
    run,
    stored,
    loaded,
    split,
    scoreByIndex,
    fSeed: m.seeds.pairs[0]?.f ?? stored.seed,
    scoringSeed: scoringSeedOf(stored.seed),
  };
}

/** The run's g losses (single seed pair only), for re-scoring a retrained f against the same g. */
export async function gLossesOf(inputs: RunInputs): Promise<Float64Array | null> {
  if ((inputs.run.manifest.seeds.pairs.length || 1) !== 1) return null;
  const file = inputs.run.path('losses-g.bin');
  return existsSync(file) ? (await loadLosses(file)).mean : null;
}
