// What the retrain-after-removal experiment reads from a finished run: its stored config, the dataset (same
// fingerprint), the split, and the run's scores per dataset index — recomputed from the saved losses in
// float64 exactly as the report stage computed them, so the ranking is the run's ranking.
import { existsSync } from 'node:fs';
import { loadDataset, type LoadedDataset } from '../../data';
import { openRun, type RunHandle } from '../../runs';
import { loadLosses } from '../losses-file';
import { computeScores } from '../scores';
import { trainedRunConfigOf, type TrainedRunConfig } from '../run-config';
import { readRunLosses } from '../run-stages';
import { loadSplit } from '../split-load';
import { scoredIndices, type Split } from '../../runs/subsets';
import { scoringSeedOf } from '../view-batches';

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

export async function readRunInputs(runDir: string, log?: (m: string) => void, purpose = 'this analysis'): Promise<RunInputs> {
  const run = await openRun(runDir);
  const m = run.manifest;
  if (m.status !== 'done' || !run.isDone('report')) {
    throw new Error(`run ${m.id} is not finished (status ${m.status}); finish it first (sslmem resume ${runDir})`);
  }
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
