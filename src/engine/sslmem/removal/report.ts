// The readable side of retrain.json: per-k comparison of memorized vs random removal, and the honest
// verdict. "Hurt more" asks whether the memorized-removal accuracy M lies outside what random removal
// gives: with n random seeds of mean R and std s (s holds both the choice of points and the training
// noise), t = (R − M) / (s·√(1 + 1/n)) is Student-t with n − 1 degrees of freedom if M were one more random
// removal (a prediction-interval test). With one seed, or seeds that agree exactly, s is replaced by the
// binomial standard error of an accuracy on the probe-test set (normal approximation). Two-sided p < 0.05
// decides the verdict; anything else is reported as not distinguishable, whatever the sign of R − M.
import type { RunManifest } from '../../runs/manifest';
import { studentTTwoSidedP } from '../report/special';
import type { RetrainResults, RetrainRow } from './types';

export interface Spread {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

export function spreadOf(values: number[]): Spread {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, std, min: Math.min(...values), max: Math.max(...values), n };
}

type Metric = 'linearProbeAccuracy' | 'knnAccuracy';
export interface KComparison {
  k: number;
  metric: Metric;
  memorized: number;
  random: Spread;
  reference: number;
  /** mean(random) − memorized: > 0 means removing memorized points hurt more. */
  difference: number;
  /** Scale the difference is compared with (s·√(1 + 1/n), or the binomial standard error). */
  noise: number;
  t: number;
  df: number;
  p: number;
  noiseSource: 'seeds' | 'binomial';
  verdict: 'memorized-hurt-more' | 'not-distinguishable' | 'random-hurt-more';
}

/** The reference encoder: the full-data retraining when there is one (different recipe), else the original f. */
export function referenceRow(rows: RetrainRow[]): RetrainRow | undefined {
  return rows.find((r) => r.removal === 'none' && r.encoder === 'retrained') ?? rows.find((r) => r.removal === 'none');
}

export function compareAt(results: RetrainResults, k: number, metric: Metric): KComparison | null {
  const mem = results.rows.find((r) => r.removal === 'memorized' && r.k === k);
  const random = spreadOf(results.rows.filter((r) => r.removal === 'random' && r.k === k).map((r) => r[metric]));
  const ref = referenceRow(results.rows);
  if (!mem || random.n === 0) return null;
  const acc = random.mean;
  const fromSeeds = random.n > 1 && random.std > 0;
  const noise = fromSeeds
    ? random.std * Math.sqrt(1 + 1 / random.n)
    : Math.sqrt(Math.max(acc * (1 - acc), 1e-6) / results.protocol.probeTestSize);
  const df = fromSeeds ? random.n - 1 : 1e6;
  const difference = random.mean - mem[metric];
  const t = difference / noise;
  const p = studentTTwoSidedP(t, df);
  const verdict = p >= 0.05 ? 'not-distinguishable' : difference > 0 ? 'memorized-hurt-more' : 'random-hurt-more';
  return {
    k,
    metric,
    memorized: mem[metric],
    random,
    reference: ref ? ref[metric] : NaN,
    difference,
    noise,
    t,
    df,
    p,
    noiseSource: fromSeeds ? 'seeds' : 'binomial',
    verdict,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const pp = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '' : '−'}${Math.abs(100 * x).toFixed(1)} pp` : '–');
const metricName = (m: Metric) => (m === 'linearProbeAccuracy' ? 'linear probe' : 'kNN');

/** What the pool is called in sentences: f's training data, or a whole run's training pool. */
const poolName = (results: Pick<RetrainResults, 'mode'>) => (results.mode === 'whole' ? 'the training pool' : "f's training data");

function sentence(c: KComparison, poolSize: number, pool: string): string {
  const test =
    c.noiseSource === 'seeds'
      ? `against the spread of random removal over ${c.random.n} seeds: t = ${c.t.toFixed(2)}, df = ${c.df}, p = ${c.p.toPrecision(2)}`
      : `against the probe-test standard error ${pp(c.noise)}: z = ${c.t.toFixed(2)}, p = ${c.p.toPrecision(2)}`;
  const head =
    `k = ${c.k} (${pct(c.k / poolSize)} of ${pool}), ${metricName(c.metric)}: memorized removal ${pct(c.memorized)}, ` +
    `random removal ${pct(c.random.mean)}${c.random.n > 1 ? ` ± ${pp(c.random.std)}` : ''} (n = ${c.random.n}), full data ${pct(c.reference)}.`;
  const tail =
    c.verdict === 'memorized-hurt-more'
      ? ` Removing the most memorized points hurt more than random removal, by ${pp(c.difference)} (${test}).`
      : c.verdict === 'random-hurt-more'
        ? ` Removing the most memorized points did NOT hurt more: random removal was worse by ${pp(-c.difference)} (${test}).`
        : ` Random − memorized = ${pp(c.difference)}, not significant (${test}): at this scale, removing the most memorized points did not measurably hurt more than removing random ones.`;
  return head + tail;
}

export function conclusionLines(results: RetrainResults): string[] {
  const lines: string[] = [];
  const sig = results.runSignal;
  const whole = results.mode === 'whole';
  if (sig) {
    const strong = sig.p < 0.01 && sig.meanDifference > 0;
    lines.push(
      `The run's own memorization signal: mean score of ${whole ? 'scored − control images' : 'S_C − S_S'} = ${sig.meanDifference.toPrecision(3)} (Welch t = ${sig.t.toFixed(2)}, p = ${sig.p.toPrecision(2)}). ` +
        (strong
          ? `${whole ? 'The encoders do memorize their training images' : 'f does memorize its candidates'}, so the ranking that picks the removed points is meaningful.`
          : `${whole ? 'The scored images score no higher than the controls' : 'f shows no significant memorization of its candidates'} in this run, so the "most memorized" ranking is mostly noise and removing those points is not expected to differ from random removal.`),
    );
  }
  for (const metric of ['linearProbeAccuracy', 'knnAccuracy'] as const) {
    for (const k of results.kResolved) {
      const c = compareAt(results, k, metric);
      if (c) lines.push(sentence(c, results.poolSize, poolName(results)));
    }
  }
  return lines;
}

function rowTable(rows: RetrainRow[]): string[] {
  const transfer = rows.some((r) => r.transferLinearProbeAccuracy !== undefined);
  const out = [
    `| encoder | k | removal | seed | training size | linear probe | kNN |${transfer ? ' transfer linear | transfer kNN |' : ''} epochs | steps | train s |`,
    `|---|---|---|---|---|---|---|${transfer ? '---|---|' : ''}---|---|---|`,
  ];
  for (const r of rows) {
    out.push(
      `| ${r.dir} | ${r.k} | ${r.removal} | ${r.seed} | ${r.trainingSize} | ${pct(r.linearProbeAccuracy)} | ${pct(r.knnAccuracy)} |` +
        `${transfer ? ` ${pct(r.transferLinearProbeAccuracy ?? NaN)} | ${pct(r.transferKnnAccuracy ?? NaN)} |` : ''} ${r.epochs} | ${r.steps} | ${r.trainSeconds.toFixed(0)} |`,
    );
  }
  return out;
}

/** `epochsOverride`: the retrainings used other epochs than the run (their own full-data reference). */
export function renderRetrainMarkdown(
  results: RetrainResults,
  manifest: Pick<RunManifest, 'id' | 'dataset' | 'preset'>,
  epochsOverride: boolean,
): string {
  const p = results.protocol;
  const whole = results.mode === 'whole';
  const retrainedEpochs = results.rows.find((r) => r.encoder === 'retrained')?.epochs;
  const lines = [
    `# Retrain after removal — run ${manifest.id}`,
    '',
    `Dataset ${manifest.dataset.path} (preset ${manifest.preset ?? 'custom'}). ` +
      (whole
        ? `Whole-dataset run: its training pool (every image but the control set) = ${results.poolSize} points; `
        : `f trained on S_S ∪ S_C = ${results.poolSize} points; `) +
      `k = ${results.kResolved.join(', ')} removed from that pool (asked: ${results.kRequested.join(', ')}); ${results.seeds} random seed(s) per k.`,
    '',
    '## Verdict',
    '',
    ...results.conclusion.map((l) => `- ${l}`),
    '',
    '## Comparison per k',
    '',
    '| k | metric | memorized | random mean ± std (min–max) | full data | random − memorized | p | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const metric of ['linearProbeAccuracy', 'knnAccuracy'] as const) {
    for (const k of results.kResolved) {
      const c = compareAt(results, k, metric);
      if (!c) continue;
      lines.push(
        `| ${k} | ${metricName(metric)} | ${pct(c.memorized)} | ${pct(c.random.mean)} ± ${pp(c.random.std)} (${pct(c.random.min)}–${pct(c.random.max)}) | ${pct(c.reference)} | ${pp(c.difference)} | ${c.p.toPrecision(2)} | ${c.verdict} |`,
      );
    }
  }
  lines.push(
    '',
    '## Every encoder',
    '',
    ...rowTable(results.rows),
    '',
    '## Protocol',
    '',
    whole
      ? `- Removal pool: the run's training pool, every image except the control set (each of the run's encoders trained on half of it). Memorized removal: the k scored images with the highest normalised score of this run (ties by dataset index; never a control image); it is deterministic, so one retraining per k. Random removal: k images of the same pool drawn uniformly, one draw per seed.`
      : `- Removal pool: f's training data S_S ∪ S_C. Memorized removal: the k points of the pool with the highest normalised score of this run (ties by dataset index); it is deterministic, so one retraining per k. Random removal: k points of the same pool drawn uniformly, one draw per seed.`,
    (whole
      ? `- Retraining: the run's recipe (model, method, augmentation, optimizer, schedule, batch) and its encoders' training seed, on the pool minus the removed images; only the data differ. No encoder of the run trained on the whole pool, so a full-pool encoder was retrained with the same recipe${epochsOverride ? ` (${retrainedEpochs} epochs)` : ''} and is the reference ("full data").`
      : `- Retraining: the run's recipe (model, method, augmentation, optimizer, schedule, batch) and f's training seed; only the data differ.`) +
      ' Same epochs means fewer steps when fewer points remain.' +
      (epochsOverride && !whole
        ? ` The retrainings use ${retrainedEpochs} epochs instead of the run's ${results.rows.find((r) => r.encoder === 'original')?.epochs} (time budget), so a full-data encoder was retrained with the same epochs and is the reference ("full data"); the original f is listed for completeness.`
        : ''),
    `- Encoders are frozen for evaluation (eval mode, no augmentation, weights embedded as constants). Probe-train: ${p.probeTrain}, ${p.probeTrainSize} points. Probe-test: ${p.probeTest}, ${p.probeTestSize} points.`,
    `- kNN: cosine similarity, k = ${p.knn.k}, ${p.knn.vote === 'weighted' ? 'similarity-weighted vote' : 'majority vote'}. Linear probe: multinomial logistic regression on standardised features, trained as an ONNX graph (${p.linear.optimizer}, lr ${p.linear.learningRate} with cosine decay, ${p.linear.epochs} epochs, batch ${p.linear.batch}, L2 ${p.linear.weightDecay}).`,
    ...(p.transfer
      ? [
          `- Transfer: ${p.transfer.data}, ${p.transfer.trainSize} probe-train / ${p.transfer.testSize} probe-test points (seeded 80/20 split).`,
        ]
      : []),
    `- Noise: an accuracy on ${p.probeTestSize} test points has a standard error of about ${pp(Math.sqrt(0.25 / p.probeTestSize))} at worst; the memorized retraining is a single training, so its own training noise is only visible through the random seeds' spread.`,
    ...(results.scoreDiffFile
      ? [`- Per-sample score differences (re-scored retrained f against the same g): ${results.scoreDiffFile}.`]
      : []),
    '',
  );
  return lines.join('\n');
}
