import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { knnAccuracy, knnPredict } from '../../../src/engine/sslmem/probes/knn';
import { linearProbeAccuracy, predictLinear, trainLinearProbe } from '../../../src/engine/sslmem/probes/linear';
import type { Features } from '../../../src/engine/sslmem/probes/features';
import { Rng } from '../../../src/engine/util/prng';

const feats = (rows: number[][]): Features => ({ data: Float32Array.from(rows.flat()), n: rows.length, dim: rows[0].length });

/** Gaussian blobs: class c centred at `centres[c]`, isotropic noise `sigma`. */
function blobs(centres: number[][], perClass: number, sigma: number, seed: number): { f: Features; labels: Int32Array } {
  const rng = new Rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const rows: number[][] = [],
    labels: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) {
      rows.push(c.map((v) => v + sigma * gauss()));
      labels.push(k);
    }
  });
  return { f: feats(rows), labels: Int32Array.from(labels) };
}

describe('kNN on frozen features', () => {
  // Test point (1, 0). Cosine similarities: A (1, 0.1) 0.995 [class 0]; B (1, 1.8) 0.486 and C (1, 2) 0.447
  // [class 1]; D (0, 1) 0 and E (-1, 0) -1 [class 0]. With k = 3 the neighbours are A, B, C:
  // majority vote -> class 1 (two votes to one); similarity-weighted -> class 0 (0.995 > 0.486 + 0.447).
  const train = feats([
    [1, 0.1],
    [1, 1.8],
    [1, 2],
    [0, 1],
    [-1, 0],
  ]);
  const labels = [0, 1, 1, 0, 0];
  const query = feats([[1, 0]]);

  test('hand-computed neighbours: majority and weighted votes differ as computed', () => {
    assert.deepEqual(Array.from(knnPredict(train, labels, query, { k: 3, vote: 'majority' })), [1]);
    assert.deepEqual(Array.from(knnPredict(train, labels, query, { k: 3, vote: 'weighted' })), [0]);
    // k = 1: the nearest point alone decides; k = 5 majority: three class-0 votes.
    assert.deepEqual(Array.from(knnPredict(train, labels, query, { k: 1, vote: 'majority' })), [0]);
    assert.deepEqual(Array.from(knnPredict(train, labels, query, { k: 5, vote: 'majority' })), [0]);
  });

  test('cosine: scaling a feature vector does not change its neighbours; accuracy counts labeled rows', () => {
    const scaled = feats([
      [10, 1],
      [0.1, 0.18],
      [5, 10],
      [0, 7],
      [-3, 0],
    ]);
    assert.deepEqual(Array.from(knnPredict(scaled, labels, feats([[2, 0]]), { k: 3, vote: 'weighted' })), [0]);
    assert.equal(
      knnAccuracy(
        train,
        labels,
        feats([
          [1, 0],
          [1, 0],
          [0, 1],
        ]),
        [0, 1, -1],
        { k: 3, vote: 'weighted' },
      ),
      0.5,
    );
  });
});

describe('linear probe (ONNX logistic regression on frozen features)', () => {
  test('one full-batch SGD step from zero equals the closed form W1 = lr (Y - 1/C)ᵀ X / n', async () => {
    const { f, labels } = blobs(
      [
        [1, 0, 2],
        [0, 1, -1],
        [-1, -1, 0],
      ],
      4,
      0.5,
      7,
    );
    const lr = 0.3;
    const model = await trainLinearProbe(f, labels, {
      epochs: 1,
      batch: 1000,
      optimizer: 'sgd',
      momentum: 0,
      learningRate: lr,
      constantLearningRate: true,
      weightDecay: 0,
      standardise: false,
    });
    const C = 3,
      D = 3,
      n = f.n;
    for (let c = 0; c < C; c++) {
      let bExpected = 0;
      for (let r = 0; r < n; r++) bExpected += (lr * ((labels[r] === c ? 1 : 0) - 1 / C)) / n;
      assert.ok(Math.abs(model.b[c] - bExpected) < 1e-6, `b[${c}] ${model.b[c]} vs ${bExpected}`);
      for (let d = 0; d < D; d++) {
        let w = 0;
        for (let r = 0; r < n; r++) w += (lr * ((labels[r] === c ? 1 : 0) - 1 / C) * f.data[r * D + d]) / n;
        assert.ok(Math.abs(model.W[c * D + d] - w) < 1e-6, `W[${c},${d}] ${model.W[c * D + d]} vs ${w}`);
      }
    }
  });

  test('twenty full-batch gradient-descent steps match a float64 host implementation', async () => {
    const { f, labels } = blobs(
      [
        [2, 0],
        [0, 2],
        [-1, -1],
      ],
      10,
      1,
      3,
    );
    const lr = 0.5,
      steps = 20,
      C = 3,
      D = 2,
      n = f.n;
    const model = await trainLinearProbe(f, labels, {
      epochs: steps,
      batch: n,
      optimizer: 'sgd',
      momentum: 0,
      learningRate: lr,
      constantLearningRate: true,
      weightDecay: 0,
      standardise: false,
    });
    const W = new Float64Array(C * D),
      b = new Float64Array(C);
    for (let s = 0; s < steps; s++) {
      const gW = new Float64Array(C * D),
        gb = new Float64Array(C);
      for (let r = 0; r < n; r++) {
        const z = Array.from({ length: C }, (_, c) => b[c] + W[c * D] * f.data[r * D] + W[c * D + 1] * f.data[r * D + 1]);
        const m = Math.max(...z),
          e = z.map((v) => Math.exp(v - m)),
          sum = e.reduce((a, v) => a + v, 0);
        for (let c = 0; c < C; c++) {
          const delta = (e[c] / sum - (labels[r] === c ? 1 : 0)) / n;
          gb[c] += delta;
          for (let d = 0; d < D; d++) gW[c * D + d] += delta * f.data[r * D + d];
        }
      }
      for (let i = 0; i < C * D; i++) W[i] -= lr * gW[i];
      for (let c = 0; c < C; c++) b[c] -= lr * gb[c];
    }
    for (let i = 0; i < C * D; i++) assert.ok(Math.abs(model.W[i] - W[i]) < 1e-4, `W[${i}] ${model.W[i]} vs ${W[i]}`);
    for (let c = 0; c < C; c++) assert.ok(Math.abs(model.b[c] - b[c]) < 1e-4, `b[${c}]`);
    assert.ok(model.epochLosses[steps - 1] < model.epochLosses[0], 'loss decreases');
  });

  test('2-class linearly separable toy set: 100% on held-out points', async () => {
    const train = blobs(
      [
        [3, 3, 0, 0, 1],
        [-3, -3, 0, 0, 1],
      ],
      50,
      0.7,
      11,
    );
    const test_ = blobs(
      [
        [3, 3, 0, 0, 1],
        [-3, -3, 0, 0, 1],
      ],
      50,
      0.7,
      12,
    );
    const acc = await linearProbeAccuracy(train.f, train.labels, test_.f, test_.labels, { epochs: 30, batch: 32 });
    assert.equal(acc, 1);
  });

  test('noisy 4-class problem: far above chance (25%), and mini-batch shuffling is seeded', async () => {
    const centres = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ];
    const train = blobs(centres, 60, 0.35, 21),
      test_ = blobs(centres, 60, 0.35, 22);
    const acc = await linearProbeAccuracy(train.f, train.labels, test_.f, test_.labels, { epochs: 40, batch: 50 });
    assert.ok(acc > 0.8, `accuracy ${acc}`);
    const a = await trainLinearProbe(train.f, train.labels, { epochs: 3, batch: 50, seed: 5 });
    const b = await trainLinearProbe(train.f, train.labels, { epochs: 3, batch: 50, seed: 5 });
    const c = await trainLinearProbe(train.f, train.labels, { epochs: 3, batch: 50, seed: 6 });
    assert.deepEqual(a.W, b.W);
    assert.notDeepEqual(a.W, c.W);
    assert.deepEqual(Array.from(predictLinear(a, test_.f)), Array.from(predictLinear(b, test_.f)));
  });
});
