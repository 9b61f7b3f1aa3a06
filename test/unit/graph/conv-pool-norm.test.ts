import { checkOps } from './check';
import { conv2d } from '../../../src/engine/graph/ops/conv';
import { globalAveragePool, maxPool2d } from '../../../src/engine/graph/ops/pool';
import { batchNorm, layerNorm } from '../../../src/engine/graph/ops/norm';
import { add, mul } from '../../../src/engine/graph/ops/elementwise';
import { randomTensor } from '../../helpers/gradcheck';

const bn = (x: any, training: boolean) => batchNorm(x.x, { gamma: x.g, beta: x.b, runningMean: x.rm, runningVar: x.rv }, { training });
const bnInputs = (shape: number[]) => ({ x: shape, g: [shape[1]], b: [shape[1]], rm: [shape[1]], rv: [shape[1]] });

// Every convolution shape is checked with each weight-gradient formulation.
type ConvOpts = Parameters<typeof conv2d>[3];
const CONVS: Record<string, { x: number[]; w: number[]; bias?: boolean; opts: ConvOpts }> = {
  '3x3 pad 1 stride 1 + bias': { x: [2, 2, 5, 5], w: [3, 2, 3, 3], bias: true, opts: { pads: 1 } },
  '3x3 pad 1 stride 2 (even input)': { x: [1, 2, 6, 6], w: [2, 2, 3, 3], opts: { pads: 1, strides: 2 } },
  '2x3 asymmetric pads, strides 2/1': { x: [2, 1, 5, 4], w: [2, 1, 2, 3], opts: { pads: [1, 0, 0, 2], strides: [2, 1] } },
  '3x3 stride 2 no pad, odd leftover row': { x: [1, 2, 6, 5], w: [2, 2, 3, 3], opts: { strides: 2 } },
  '1x1 stride 2 (downsample)': { x: [2, 3, 5, 5], w: [2, 3, 1, 1], opts: { strides: 2 } },
  '1x1 stride 1 + bias': { x: [2, 3, 3, 3], w: [2, 3, 1, 1], bias: true, opts: {} },
  '4x4 stride 4 (patchify) + bias': { x: [1, 2, 8, 8], w: [3, 2, 4, 4], bias: true, opts: { strides: 4 } },
  // Strided input gradients by sub-pixel phases (input a multiple of the stride), incl. a stride-1 axis.
  '3x3 pad 1 stride 2, 8x4 input, 2 images': { x: [2, 3, 8, 4], w: [2, 3, 3, 3], opts: { pads: 1, strides: 2 } },
  '3x2 pads [1,0,1,1], strides 2/1': { x: [2, 2, 6, 3], w: [3, 2, 3, 2], opts: { pads: [1, 0, 1, 1], strides: [2, 1] } },
  '2x2 stride 2 no pad': { x: [1, 2, 4, 6], w: [3, 2, 2, 2], opts: { strides: 2 } },
  // Weights larger than g and dx together: the stride-1 input gradient flips the activations, not W.
  '3x3 pad 1 stride 1, few pixels (flips activations)': { x: [1, 4, 2, 2], w: [4, 4, 3, 3], opts: { pads: 1 } },
  '3x3 pad 1 stride 1, 3x2 input, 2 images (flips activations)': { x: [2, 5, 3, 2], w: [3, 5, 3, 3], opts: { pads: 1 } },
};
for (const wgrad of ['unfold_T', 'unfold_bmm', 'im2col_gemm'] as const) {
  checkOps(
    Object.fromEntries(
      Object.entries(CONVS).map(([name, c]) => [
        `Conv ${name} [${wgrad}]`,
        {
          inputs: (c.bias ? { x: c.x, w: c.w, b: [c.w[0]] } : { x: c.x, w: c.w }) as Record<string, number[]>,
          build: (v: any) => conv2d(v.x, v.w, v.b, { ...c.opts, wgrad }),
        },
      ]),
    ),
  );
}
// Both emissions of every shape (forward Conv and the stride-1 input-gradient Conv), checked in onnxruntime
// against the float64 reference; 'auto' picks per shape (see foldsBatch).
for (const layout of ['perImage', 'batchFolded'] as const) {
  checkOps(
    Object.fromEntries(
      Object.entries(CONVS).map(([name, c]) => [
        `Conv ${name} [layout ${layout}]`,
        {
          inputs: (c.bias ? { x: c.x, w: c.w, b: [c.w[0]] } : { x: c.x, w: c.w }) as Record<string, number[]>,
          build: (v: any) => conv2d(v.x, v.w, v.b, { ...c.opts, layout }),
        },
      ]),
    ),
  );
}

checkOps({
  'MaxPool 2x2': { inputs: { x: [2, 2, 4, 4] }, build: (x) => maxPool2d(x.x, 2) },
  'MaxPool 3x3 stride 2 pad 1 (overlapping)': { inputs: { x: [1, 2, 5, 5] }, build: (x) => maxPool2d(x.x, 3, { strides: 2, pads: 1 }) },
  GlobalAveragePool: { inputs: { x: [2, 3, 3, 2] }, build: (x) => globalAveragePool(x.x) },
  'BatchNorm train (NCHW) + running stats': {
    inputs: bnInputs([3, 2, 2, 3]),
    values: { x: randomTensor([3, 2, 2, 3], 9, 0.5, 2.5), rv: randomTensor([2], 4, 0.5, 1.5) },
    build: (x) => {
      const r = bn(x, true);
      return [r.y, r.runningMean, r.runningVar];
    },
  },
  'BatchNorm train [N, C] (BatchNorm1d)': { inputs: bnInputs([4, 3]), build: (x) => bn(x, true).y, wrt: ['x', 'g', 'b'] },
  'BatchNorm eval': {
    inputs: bnInputs([2, 3, 2, 2]),
    values: { rv: randomTensor([3], 4, 0.5, 1.5) },
    build: (x) => bn(x, false).y,
    wrt: ['x', 'g', 'b'],
  },
  'LayerNorm last axis + bias': { inputs: { x: [2, 3, 4], s: [4], b: [4] }, build: (x) => layerNorm(mul(x.x, 2), x.s, x.b) },
  'LayerNorm last two axes, no bias': {
    inputs: { x: [2, 3, 4], s: [3, 4] },
    build: (x) => add(layerNorm(x.x, x.s, undefined, { axis: 1, eps: 1e-3 }), 0),
  },
});
