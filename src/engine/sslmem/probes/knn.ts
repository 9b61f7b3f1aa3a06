// kNN accuracy on frozen features (the usual SSL monitor): cosine similarity between L2-normalised
// features; the k most similar probe-train points vote for their label.
//   'weighted' (default): each neighbour adds its cosine similarity to its class (ties are then rare);
//   'majority': each neighbour adds 1.
// Remaining ties go to the class whose nearest voting neighbour is the most similar (deterministic).
import type { Features } from './features';

export interface KnnOptions {
  k?: number;
  vote?: 'weighted' | 'majority';
}

function normalisedRows(f: Features): Float32Array {
  const out = new Float32Array(f.data.length);
  for (let r = 0; r < f.n; r++) {
    let ss = 0;
    for (let d = 0; d < f.dim; d++) ss += f.data[r * f.dim + d] ** 2;
    const inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
    for (let d = 0; d < f.dim; d++) out[r * f.dim + d] = f.data[r * f.dim + d] * inv;
  }
  return out;
}

/** Predicted class of every test row. Labels < 0 in the training set are ignored. */
export function knnPredict(train: Features, trainLabels: ArrayLike<number>, test: Features, options: KnnOptions = {}): Int32Array {
  if (train.dim !== test.dim) throw new Error(`feature sizes differ: ${train.dim} vs ${test.dim}`);
  const vote = options.vote ?? 'weighted';
  const usable = Array.from({ length: train.n }, (_, i) => i).filter((i) => trainLabels[i] >= 0);
  const k = Math.min(options.k ?? 20, usable.length);
  if (k < 1) throw new Error('kNN needs at least one labeled training point');
  const a = normalisedRows(train),
    b = normalisedRows(test);
  const dim = train.dim;
  const classes = Math.max(...usable.map((i) => trainLabels[i])) + 1;
  const predictions = new Int32Array(test.n);
  const sims = new Float64Array(usable.length);
  for (let t = 0; t < test.n; t++) {
    for (let u = 0; u < usable.length; u++) {
      const r = usable[u];
      let s = 0;
      for (let d = 0; d < dim; d++) s += a[r * dim + d] * b[t * dim + d];
      sims[u] = s;
    }
    // Order by similarity, then by training position so equal similarities resolve the same way each time.
    const order = Array.from({ length: usable.length }, (_, u) => u)
      .sort((x, y) => sims[y] - sims[x] || x - y)
      .slice(0, k);
    const score = new Float64Array(classes);
    const best = new Float64Array(classes).fill(-Infinity);
    for (const u of order) {
      const c = trainLabels[usable[u]];
      score[c] += vote === 'weighted' ? sims[u] : 1;
      best[c] = Math.max(best[c], sims[u]);
    }
    let winner = -1;
    for (let c = 0; c < classes; c++) {
      if (best[c] === -Infinity) continue;
      if (winner < 0 || score[c] > score[winner] || (score[c] === score[winner] && best[c] > best[winner])) winner = c;
    }
    predictions[t] = winner;
  }
  return predictions;
}

/** Fraction of test rows whose kNN prediction equals their label (rows with label < 0 are not counted). */
export function knnAccuracy(
  train: Features,
  trainLabels: ArrayLike<number>,
  test: Features,
  testLabels: ArrayLike<number>,
  options: KnnOptions = {},
): number {
  return accuracy(knnPredict(train, trainLabels, test, options), testLabels);
}

export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let right = 0,
    counted = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    counted++;
    if (predicted[i] === labels[i]) right++;
  }
  return counted ? right / counted : NaN;
}
