// End to end on real data: smallCnn + SimCLR (M's model and method), in-graph augmentation, Adam, the
// Trainer and the deterministic batch source. A few dozen steps on 320 Fashion-MNIST images must lower
// the NT-Xent loss (at initialisation it sits near log(2B - 1)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer } from '../../../src/engine/runtime/trainer';
import { datasetBatchSource } from '../../../src/engine/runtime/batches';
import { smallCnn } from '../../../src/engine/models/small-cnn';
import { simclr } from '../../../src/engine/methods/simclr';
import { fashionMnistRecipe } from '../../../src/engine/augment/config';
import { fashionMnist } from './fixtures';

test('training smallCnn + SimCLR on Fashion-MNIST lowers the loss', async () => {
  const B = 32,
    steps = 40;
  const problem = simclr(smallCnn({ inChannels: 1, imageSize: 28 }), { projDim: 64, temperature: 0.5 });
  const trainer = await Trainer.create({
    problem,
    batch: B,
    augment: fashionMnistRecipe([28, 28]),
    provider: 'cpu',
    threads: 2,
    optimizer: { kind: 'adam' },
    learningRate: { base: 2e-3, warmup: 5, total: steps },
  });
  trainer.init(0);
  const losses: number[] = [];
  await trainer.train({ steps, batchSource: datasetBatchSource(fashionMnist(320), B, 0), onProgress: (p) => losses.push(p.loss) });
  await trainer.release();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Per-batch losses scatter by about ±0.15 (different images and views each step), so compare means. The
  // run is fully seeded, so on one machine the numbers repeat; measured drop ≈ 0.3 (4.10 -> 3.80).
  const first = mean(losses.slice(0, 5)),
    last = mean(losses.slice(-10));
  assert.ok(Math.abs(losses[0] - Math.log(2 * B - 1)) < 0.2, `initial loss ${losses[0]} should be near log(2B-1) = ${Math.log(2 * B - 1)}`);
  assert.ok(last < first - 0.15, `loss went from ${first.toFixed(3)} (first 5 steps) to ${last.toFixed(3)} (last 10)`);
});
