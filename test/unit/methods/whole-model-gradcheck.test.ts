// Float64 check of the generated backward pass of whole (tiny) models + losses, independent of PyTorch:
// the reference evaluator computes L(p + eps d) and L(p - eps d) for a random direction d over ALL
// parameters at once, and the central difference must equal <dL/dp, d> from autodiff. (SimSiam is left
// out on purpose: its stop-gradient makes the update direction differ from the loss's true gradient.)
// eps = 1e-6: a larger step lets some ReLU input cross zero between L(p+) and L(p-) (seen with 1e-5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, Tensor, Value, evaluate, gradients, tensor } from '../../../src/engine/graph';
import { smallCnn } from '../../../src/engine/models/small-cnn';
import { resnet18 } from '../../../src/engine/models/resnet18';
import { vitTiny } from '../../../src/engine/models/vit';
import { simclr } from '../../../src/engine/methods/simclr';
import { mae } from '../../../src/engine/methods/mae';
import { BuildContext, SslProblem } from '../../../src/engine/models/types';
import { randomTensor } from '../../helpers/gradcheck';
import { fashionMnistViews, testValues } from './oracle-harness';

function directionalCheck(problem: SslProblem, batch: number, seed: number, eps = 1e-6): { fd: number; ad: number } {
  const g = new Graph('check');
  const pv = problem.params.map((p) => g.input(p.name, p.shape));
  const bv = new Map(problem.buffers.map((b) => [b.name, g.input(`buffer.${b.name}`, b.shape)]));
  const ctx: BuildContext = {
    param: (n) => pv[problem.params.findIndex((p) => p.name === n)],
    buffer: (n) => bv.get(n)!,
    setBuffer: () => {},
    training: true,
  };
  const views = Array.from({ length: problem.viewsPerImage }, (_, i) => g.input(`view${i}`, [batch, ...problem.inputShape]));
  const extraData = problem.sampleExtra?.(seed, 0, batch) ?? {};
  const extra: Record<string, Value> = {};
  for (const [n, shape] of Object.entries(problem.extraInputs ?? {}))
    extra[n] = g.input(
      `extra.${n}`,
      shape.map((d) => (d === -1 ? batch : d)),
    );
  const loss = problem.loss(ctx, views, extra);
  const grads = gradients(loss, pv);

  const { params, buffers } = testValues(problem, seed);
  const feeds: Record<string, Tensor> = {};
  for (const b of problem.buffers) feeds[`buffer.${b.name}`] = tensor(b.shape, buffers[b.name].data);
  fashionMnistViews(batch, problem.inputShape, problem.viewsPerImage, seed).forEach((v, i) => {
    feeds[`view${i}`] = tensor(v.shape, v.data);
  });
  for (const [n, v] of Object.entries(extra)) feeds[`extra.${n}`] = tensor(v.shape, extraData[n]);
  const dirs = problem.params.map((p, k) => randomTensor(p.shape, seed + 3 * k + 1));
  const at = (s: number) => {
    const f = { ...feeds };
    problem.params.forEach((p, k) => {
      f[p.name] = tensor(
        p.shape,
        params[p.name].data.map((v, i) => v + s * dirs[k].data[i]),
      );
    });
    return f;
  };
  const lp = evaluate(g, [loss], at(eps))[0].data[0];
  const lm = evaluate(g, [loss], at(-eps))[0].data[0];
  const gs = evaluate(g, grads, at(0));
  const ad = gs.reduce((s, gk, k) => s + gk.data.reduce((t, v, i) => t + v * dirs[k].data[i], 0), 0);
  return { fd: (lp - lm) / (2 * eps), ad };
}

const cases: [string, () => SslProblem, number][] = [
  ['smallCnn + SimCLR', () => simclr(smallCnn({ inChannels: 1, imageSize: 8 }), { projDim: 8, hiddenDim: 16 }), 3],
  [
    'ResNet-18 (width 2) + SimCLR, BatchNorm in training mode',
    () => simclr(resnet18({ inChannels: 3, imageSize: 8, width: 2 }), { projDim: 8, hiddenDim: 8 }),
    2,
  ],
  [
    'ViT + MAE',
    () =>
      mae(vitTiny({ inChannels: 1, imageSize: 4, patch: 2, dim: 8, depth: 1, heads: 2 }), {
        maskRatio: 0.5,
        decoderDim: 4,
        decoderDepth: 1,
        decoderHeads: 2,
      }),
    2,
  ],
];
for (const [name, make, batch] of cases) {
  test(`${name}: autodiff gradient matches a float64 central difference along a random direction`, (t) => {
    const { fd, ad } = directionalCheck(make(), batch, 5);
    t.diagnostic(`fd ${fd} ad ${ad} rel ${Math.abs(fd - ad) / Math.abs(fd)}`);
    assert.ok(Math.abs(ad) > 1e-6, 'directional derivative is not degenerate');
    assert.ok(Math.abs(fd - ad) <= 1e-6 * Math.abs(fd), `${name}: fd ${fd} vs autodiff ${ad}`);
  });
}
