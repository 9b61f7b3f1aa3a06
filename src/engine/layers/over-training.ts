// Memorization over training (issue 16 item 3; the SSLMem paper's Fig. 2b): a fixed sample of points — all of
// S_C and a seeded sample of S_S of the same size — scored at every snapshot pair of f and g (the same
// training step; `snapshots: N` makes training save them, sslmem/snapshots.ts), next to the training loss at
// those steps and the kNN accuracy of f's and g's frozen representation. Does the score keep rising while
// the loss plateaus?
//
// Scores: the run's scoring views (seed, K, keyed by dataset index) through the same code as the score stage
// (scoreEncoder), normalised per point as (L_g − L_f)/(L_g + L_f); so a snapshot at the final step reproduces
// the run's own score. Loss: the mean of the per-step training losses since the previous snapshot (one step's
// loss is one batch of random views: too noisy to read alone). kNN: probes/knn.ts on plain images, probe-train
// S_S; probe-test S_E ∪ S_I for f and S_E ∪ S_C for g (points the encoder never trained on).
import * as path from 'node:path';
import { readCheckpoint } from '../artifacts/checkpoint';
import { writeJsonAtomic } from '../util/atomic';
import { Rng } from '../util/prng';
import type { Dataset } from '../data/types';
import type { Split } from '../runs/subsets';
import { readRunInputs, type RunInputs } from '../sslmem/removal/inputs';
import { averageSeedPairs, computeScores, type PointLosses } from '../sslmem/scores';
import { scoreEncoder } from '../sslmem/score-encoder';
import { stepsFor } from '../sslmem/train-encoder';
import { trainingIndices } from '../sslmem/split';
import { encodeFeatures } from '../sslmem/probes/features';
import { knnAccuracy } from '../sslmem/probes/knn';
import { listSnapshots, snapshotFile } from '../sslmem/snapshots';
import { LOSS_HISTORY_FILE, readLossArray } from '../runs/loss-history';
import type { AnalysisHooks, AnalysisOutcome, AnalysisRuntime } from './analysis';
import { refuseImportedRun } from './imported-run';
import { meanStderr } from './math';
import { overTrainingMarkdown } from './markdown';
import { writeReportSection } from './report-section';
import { OVER_TRAINING_FILE, type OverTrainingFile, type OverTrainingRow, type SubsetMean } from './types';

export interface OverTrainingRequest {
  runDir: string;
}

const KNN_K = 20;
/** Seeds the S_S sample (xor'd with the run seed): fixed per run, independent of the split's own draw. */
const SAMPLE_SALT = 0x0f7e7a1d;
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** All of S_C plus min(|S_C|, |S_S|) points of S_S drawn with a seeded shuffle; dataset index order. */
export function fixedSample(split: Split, seed: number): { index: Int32Array; subset: ('S_C' | 'S_S')[] } {
  const ss = new Rng((seed ^ SAMPLE_SALT) >>> 0).shuffle(Int32Array.from(split.S_S)).slice(0, split.S_C.length);
  const sc = new Set(split.S_C);
  const index = Int32Array.from([...split.S_C, ...ss]).sort();
  return { index, subset: Array.from(index, (i) => (sc.has(i) ? 'S_C' : 'S_S')) };
}

/** Snapshot steps present for every encoder of the run (f and g of every seed pair). */
async function commonSteps(inputs: RunInputs, folders: string[]): Promise<number[]> {
  const lists = await Promise.all(folders.map((f) => listSnapshots(inputs.run.path(f))));
  return lists[0].filter((s) => lists.every((l) => l.includes(s)));
}

function subsetMean(score: Float64Array, subset: ('S_C' | 'S_S')[], which: 'S_C' | 'S_S'): SubsetMean {
  const values = Float64Array.from(Array.from(score).filter((_, i) => subset[i] === which && Number.isFinite(score[i])));
  const m = meanStderr(values);
  return { mean: m.mean, stderr: m.stderr, n: values.length };
}

/** Mean training loss over steps (from, to] of a loss history (NaN steps skipped); null when none recorded. */
function windowLoss(losses: Float32Array, from: number, to: number): number | null {
  let sum = 0,
    n = 0;
  for (let s = from + 1; s <= to; s++)
    if (Number.isFinite(losses[s - 1])) {
      sum += losses[s - 1];
      n++;
    }
  return n ? sum / n : null;
}

interface Probe {
  train: Int32Array;
  test: Int32Array;
}
function probes(dataset: Dataset, split: Split): { f: Probe; g: Probe } | null {
  const labels = dataset.labels;
  if (!labels) return null;
  const labeled = (xs: Iterable<number>) => Int32Array.from([...xs].filter((i) => labels[i] >= 0)).sort();
  const train = labeled(split.S_S);
  const f = { train, test: labeled([...split.S_E, ...split.S_I]) },
    g = { train, test: labeled([...split.S_E, ...split.S_C]) };
  return train.length && f.test.length && g.test.length ? { f, g } : null;
}

export async function computeOverTraining(
  req: OverTrainingRequest,
  runtime: AnalysisRuntime = {},
  hooks: AnalysisHooks = {},
): Promise<AnalysisOutcome> {
  await refuseImportedRun(req.runDir, 'nothing was trained, so there are no training snapshots to score');
  const inputs = await readRunInputs(req.runDir, hooks.log);
  const config = inputs.stored.sslmem;
  const dataset = inputs.loaded.dataset;
  const seedPairs = inputs.run.manifest.seeds.pairs.length || 1;
  const sfx = (q: number) => (seedPairs > 1 ? `-${q}` : '');
  const folders = Array.from({ length: seedPairs }, (_, q) => [`f${sfx(q)}`, `g${sfx(q)}`]).flat();
  const steps = await commonSteps(inputs, folders);
  if (!steps.length) {
    throw new Error(
      `run ${inputs.run.manifest.id} has no training snapshots of f and g; start a run with snapshots (sslmem run … --snapshots 10, or "snapshots" in --set)`,
    );
  }
  const stepsPerEpoch = Math.max(1, Math.floor(trainingIndices(inputs.split, 'f').length / config.batch));
  const totalSteps = stepsFor(config, trainingIndices(inputs.split, 'f').length);
  const sample = fixedSample(inputs.split, inputs.run.manifest.seeds.split);
  const probe = probes(dataset, inputs.split);
  const histories = await Promise.all(folders.map((f) => readLossArray(path.join(inputs.run.path(f), LOSS_HISTORY_FILE), totalSteps)));
  hooks.log?.(`scores of ${sample.index.length} points (S_C and as many of S_S) at ${steps.length} snapshot steps: ${steps.join(', ')}`);
  const rows: OverTrainingRow[] = [];
  try {
    for (const [i, step] of steps.entries()) {
      const perPair: PointLosses[] = [];
      const knn = { f: [] as number[], g: [] as number[] };
      for (let q = 0; q < seedPairs; q++) {
        const losses: Record<'f' | 'g', Float64Array> = { f: new Float64Array(), g: new Float64Array() };
        for (const who of ['f', 'g'] as const) {
          const checkpoint = await readCheckpoint(snapshotFile(inputs.run.path(`${who}${sfx(q)}`), step));
          const r = await scoreEncoder({
            config,
            dataset,
            rows: sample.index,
            checkpoint,
            seed: inputs.scoringSeed,
            ...runtime,
            signal: hooks.signal,
            onProgress: (done, total) => hooks.onProgress?.(`step ${step} ${who}`, done, total),
          });
          losses[who] = r.mean;
          if (probe) {
            const p = probe[who];
            const [train, test] = await encodeFeatures({
              config,
              checkpoint,
              sets: [
                { dataset, indices: p.train },
                { dataset, indices: p.test },
              ],
              ...runtime,
              signal: hooks.signal,
            });
            knn[who].push(
              knnAccuracy(
                train,
                Int32Array.from(p.train, (j) => dataset.labels![j]),
                test,
                Int32Array.from(p.test, (j) => dataset.labels![j]),
                { k: KNN_K },
              ),
            );
          }
        }
        perPair.push({ lf: losses.f, lg: losses.g });
      }
      const avg = seedPairs > 1 ? averageSeedPairs(perPair) : perPair[0];
      const score = computeScores(avg, 'symmetric').symmetric;
      const mean = (xs: (number | null)[]) =>
        xs.some((x) => x === null) || !xs.length ? null : (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
      const prev = i ? steps[i - 1] : 0;
      rows.push({
        step,
        epoch: step / stepsPerEpoch,
        lossF: mean(histories.filter((_, j) => j % 2 === 0).map((h) => windowLoss(h, prev, step))),
        lossG: mean(histories.filter((_, j) => j % 2 === 1).map((h) => windowLoss(h, prev, step))),
        knnF: probe ? mean(knn.f) : null,
        knnG: probe ? mean(knn.g) : null,
        scoreSC: subsetMean(score, sample.subset, 'S_C'),
        scoreSS: subsetMean(score, sample.subset, 'S_S'),
        score: Array.from(score, finite),
        lf: Array.from(avg.lf),
        lg: Array.from(avg.lg),
      });
      hooks.log?.(`step ${step}: mean score S_C ${rows[i].scoreSC.mean.toFixed(4)}, S_S ${rows[i].scoreSS.mean.toFixed(4)}`);
    }
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') return { runDir: inputs.run.dir, status: 'cancelled', file: null };
    throw e;
  }
  const result: OverTrainingFile = {
    version: 1,
    kind: 'over-training',
    run: inputs.run.manifest.id,
    createdAt: new Date().toISOString(),
    model: config.model.kind,
    totalSteps,
    stepsPerEpoch,
    pairs: config.scoring.pairs,
    seed: inputs.scoringSeed,
    seedPairs,
    sample: {
      index: Array.from(sample.index),
      subset: sample.subset,
      path: Array.from(sample.index, (r) => dataset.paths[r]),
      sampleSeed: inputs.run.manifest.seeds.split,
      normalisation: config.scoring.normalisation,
      runScore: Array.from(sample.index, (r) => finite(inputs.scoreByIndex[r])),
    },
    knn: probe ? { k: KNN_K, train: 'S_S (labeled)', testF: 'S_E ∪ S_I (labeled)', testG: 'S_E ∪ S_C (labeled)' } : null,
    rows,
  };
  const file = inputs.run.path(OVER_TRAINING_FILE);
  await writeJsonAtomic(file, result);
  await writeReportSection(inputs.run.path('report.md'), 'over-training', overTrainingMarkdown(result));
  return { runDir: inputs.run.dir, status: 'done', file };
}
