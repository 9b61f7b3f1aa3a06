// Pooling, NCHW: MaxPool (VJP: scatter-add of the gradient to the argmax positions that MaxPool's own
// Indices output gives), GlobalAveragePool (VJP: the gradient / (H*W), broadcast back by Expand).

import { OpDef, Value, apply1, attr } from '../ir';
import { tensor } from '../tensor';
import { mul } from './elementwise';
import { scatterAdd, zerosLike } from './gather';
import { expand, reshape } from './shape';

export interface Pool2dAttrs {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  pads: readonly [number, number, number, number];
}
const outSize = (inp: number, k: number, s: number, p0: number, p1: number) => Math.floor((inp + p0 + p1 - k) / s) + 1;

// Outputs [y, indices]; indices are flat positions in the whole N*C*H*W input (the ONNX definition).
// Ties pick the first maximum in row-major window order, as onnxruntime does.
export const MaxPool: OpDef<Pool2dAttrs> = {
  type: 'MaxPool',
  infer([x], a) {
    if (x.shape.length !== 4) throw new Error('MaxPool expects NCHW');
    if (a.pads[0] >= a.kernel[0] || a.pads[1] >= a.kernel[1]) throw new Error('pads must be smaller than the kernel');
    const ho = outSize(x.shape[2], a.kernel[0], a.strides[0], a.pads[0], a.pads[2]);
    const wo = outSize(x.shape[3], a.kernel[1], a.strides[1], a.pads[1], a.pads[3]);
    const shape = [x.shape[0], x.shape[1], ho, wo];
    return [
      { shape, dtype: x.dtype },
      { shape, dtype: 'int64' },
    ];
  },
  emit(e, ins, outs, a) {
    e.node('MaxPool', ins, { kernel_shape: attr.ints(a.kernel), strides: attr.ints(a.strides), pads: attr.ints(a.pads) }, outs);
  },
  ref([x], a) {
    const [n, c, h, w] = x.shape;
    const ho = outSize(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2]);
    const wo = outSize(w, a.kernel[1], a.strides[1], a.pads[1], a.pads[3]);
    const y = tensor([n, c, ho, wo]);
    const idx = tensor([n, c, ho, wo]);
    for (let plane = 0; plane < n * c; plane++)
      for (let yi = 0; yi < ho; yi++)
        for (let xi = 0; xi < wo; xi++) {
          let best = -Infinity,
            at = -1;
          for (let i = 0; i < a.kernel[0]; i++)
            for (let j = 0; j < a.kernel[1]; j++) {
              const r = yi * a.strides[0] - a.pads[0] + i,
                q = xi * a.strides[1] - a.pads[1] + j;
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              const pos = (plane * h + r) * w + q;
              if (x.data[pos] > best) {
                best = x.data[pos];
                at = pos;
              }
            }
          const o = (plane * ho + yi) * wo + xi;
          y.data[o] = best;
          idx.data[o] = at;
        }
    return [y, idx];
  },
  vjp({ inputs: [x], outputs: [, indices], gradOutputs: [g] }) {
    const flat = scatterAdd(zerosLike(x, [x.shape.reduce((p, d) => p * d, 1)]), reshape(indices, [-1]), reshape(g!, [-1]), 0);
    return [reshape(flat, x.shape)];
  },
};
export function maxPool2d(
  x: Value,
  kernel: number | readonly [number, number],
  opts: { strides?: number | readonly [number, number]; pads?: number | readonly [number, number, number, number] } = {},
): Value {
  const k: [number, number] = typeof kernel === 'number' ? [kernel, kernel] : [kernel[0], kernel[1]];
  const s = opts.strides ?? k;
  const p = opts.pads ?? 0;
  return x.graph.apply(MaxPool, [x], {
    kernel: k,
    strides: typeof s === 'number' ? [s, s] : s,
    pads: typeof p === 'number' ? [p, p, p, p] : p,
  })[0];
}

// ---- GlobalAveragePool --------------------------------------------------------------------------------
export const GlobalAveragePool: OpDef<null> = {
  type: 'GlobalAveragePool',
  infer([x]) {
    if (x.shape.length < 3) throw new Error('expects [N, C, spatial...]');
    return [{ shape: x.shape.map((d, i) => (i < 2 ? d : 1)), dtype: x.dtype }];
  },
  emit(e, ins, outs) {
    e.node('GlobalAveragePool', ins, {}, outs);
  },
  ref([x]) {
    const planes = x.shape[0] * x.shape[1];
    const size = x.data.length / planes;
    const y = tensor(x.shape.map((d, i) => (i < 2 ? d : 1)));
    for (let p = 0; p < planes; p++) {
      let s = 0;
      for (let i = 0; i < size; i++) s += x.data[p * size + i];
      y.data[p] = s / size;
    }
    return [y];
  },
  // Scale the small [N,C,1,1] gradient first, then broadcast it once.
  vjp: ({ inputs: [x], gradOutputs: [g] }) => [expand(mul(g!, 1 / x.shape.slice(2).reduce((p, d) => p * d, 1)), x.shape)],
};
export const globalAveragePool = (x: Value): Value => apply1(GlobalAveragePool, [x], null);
