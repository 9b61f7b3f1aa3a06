// The removal experiment's inputs for a whole-dataset run (sslmem/whole/). No encoder of such a run trained
// on every non-control image, so the experiment retrains on the run's training pool — every image except the
// controls — minus the k highest-scoring images, or minus k random ones; the control set, which no encoder of
// the run nor any retraining ever sees, is the probe-test set, and the pool is the probe-train set.
// Rows and scores come from the run's scores.bin (the report stage's table, labelled S_C = scored, S_E =
// control; runs/subsets.ts WHOLE_SUBSETS), so the ranking is the one the run's report and panel show. It
// reads the run's files directly: removal/ and whole/ do not import each other.
import { loadDataset } from '../../data';
import { trainingsSideBySide, type RunHandle } from '../../runs';
import { openScoresBin } from '../../runs/scores-bin-reader';
import { WHOLE_SUBSETS, type SubsetName } from '../../runs/subsets';
import { RESULT_FILES } from '../report/write-results';
import { probeSetOf } from '../probes/evaluate';
import { runConfigOf, RunConfigError } from '../run-config';
import { stepsFor } from '../train-encoder';
import { assertFinished, type RemovalInputs } from './inputs';

export const WHOLE_PROBE_TRAIN_DESCRIPTION = 'the scored images (labeled; the training pool the removals come from)';
export const WHOLE_PROBE_TEST_DESCRIPTION =
  'the control set (labeled images that no encoder of the run and no retrained encoder trained on)';

export interface WholeScoreRow {
  index: number;
  subset: SubsetName;
  normalised: number;
}

/**
 * The pool (scored images, ascending), the controls (ascending) and the score by dataset index (NaN for
 * controls: the memorized removal never takes one). Every image must be a row exactly once, scored or
 * control: a damaged table must not pass for the run's ranking.
 */
export function wholeRemovalSets(
  rows: readonly WholeScoreRow[],
  n: number,
): { pool: Int32Array; control: Int32Array; scoreByIndex: Float64Array } {
  if (rows.length !== n) throw new Error(`the whole run's score table has ${rows.length} rows for ${n} images`);
  const scoreByIndex = new Float64Array(n).fill(NaN);
  const seen = new Uint8Array(n);
  const pool: number[] = [],
    control: number[] = [];
  for (const r of rows) {
    if (!Number.isInteger(r.index) || r.index < 0 || r.index >= n || seen[r.index]) throw new Error(`bad or repeated row index ${r.index}`);
    seen[r.index] = 1;
    if (r.subset === WHOLE_SUBSETS.control) control.push(r.index);
    else if (r.subset === WHOLE_SUBSETS.scored) {
      pool.push(r.index);
      scoreByIndex[r.index] = r.normalised;
    } else throw new Error(`row ${r.index} is in ${r.subset}, not scored or control`);
  }
  if (control.length === 0) throw new Error('the whole run has no control set');
  return { pool: Int32Array.from(pool).sort(), control: Int32Array.from(control).sort(), scoreByIndex };
}

export async function readWholeRemovalInputs(run: RunHandle, log?: (m: string) => void): Promise<RemovalInputs> {
  assertFinished(run);
  const m = run.manifest;
  const stored = runConfigOf(m.config, m.preset, run.path('manifest.json'));
  if (stored.kind !== 'whole') throw new RunConfigError(`${run.path('manifest.json')}: not a whole-dataset run`);
  const loaded = await loadDataset(stored.data, stored.sslmem.decode, { cacheDir: stored.cacheDir ?? undefined });
  if (m.dataset.fingerprint && loaded.fingerprint !== m.dataset.fingerprint) {
    throw new Error(`the dataset at ${stored.data} changed since run ${m.id} (fingerprint differs)`);
  }
  log?.(`dataset ${stored.data}: ${loaded.dataset.n} images (cache ${loaded.cache})`);
  const bin = await openScoresBin(run.path(RESULT_FILES.bin));
  let rows: WholeScoreRow[];
  try {
    if (bin.header.mode !== 'whole') throw new Error(`${run.path(RESULT_FILES.bin)} is not a whole-dataset score table`);
    const [index, subset, normalised] = await Promise.all(['index', 'subset', 'normalised'].map((c) => bin.readColumn(c)));
    rows = Array.from(index, (i, r) => ({ index: i, subset: bin.header.subsets[subset[r]], normalised: normalised[r] }));
  } finally {
    await bin.close();
  }
  const { pool, control, scoreByIndex } = wholeRemovalSets(rows, loaded.dataset.n);
  const probe = probeSetOf(loaded.dataset, pool, control, ['the scored images', 'the control set']);
  return {
    mode: 'whole',
    run,
    sslmem: stored.sslmem,
    seed: stored.seed,
    cacheDir: stored.cacheDir,
    loaded,
    pool,
    scoreByIndex,
    trainSeed: stored.seed,
    probe: { ...probe, trainDescription: WHOLE_PROBE_TRAIN_DESCRIPTION, testDescription: WHOLE_PROBE_TEST_DESCRIPTION },
    original: null,
    // Each of the run's encoders trained on half of the pool (whole/design.ts): train#0's time per step.
    timing: {
      seconds: m.timings['train#0'],
      steps: stepsFor(stored.sslmem, Math.floor(pool.length / 2)),
      sideBySide: trainingsSideBySide(m, 'train#0'),
    },
  };
}
