// 2-D convolution, NCHW, dilation 1, groups 1: the op (shape rule, ONNX emission, float64 reference, VJP)
// and its builder. The gradient formulations the VJP emits live in conv-grad.ts: input gradient = a Conv of
// g with the flipped, transposed weights at stride 1, sub-pixel phase Convs or ConvTranspose when strided;
// weight gradient = im2col + one GEMM over the whole batch; bias gradient = ReduceSum. Measurements behind
// each choice: docs/benchmarks.md.

import { OpDef, Value, apply1, attr } from '../ir';
import { tensor } from '../tensor';
import { reduceSum } from './shape';
import { convWeightGrad, inputGrad, subPixelInputGrad } from './conv-grad';
import { conv3dAttrs, convAttrs, dil, foldsBatch, outSize, type Conv2dAttrs, type ConvLayout, type WeightGradMethod } from './conv-attrs';
export * from './conv-attrs';

export const Conv: OpDef<Conv2dAttrs> = {
  type: 'Conv',
  infer([x, w, b], a) {
    if (x.shape.length !== 4 || w.shape.length !== 4) throw new Error('Conv expects NCHW input and OIHW weights');
    if (x.shape[1] !== w.shape[1]) throw new Error(`input has ${x.shape[1]} channels, weights expect ${w.shape[1]}`);
    if (w.shape[2] !== a.kernel[0] || w.shape[3] !== a.kernel[1]) throw new Error(`kernel [${a.kernel}] != weight [${w.shape.slice(2)}]`);
    if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[0])) throw new Error(`bias must be [${w.shape[0]}]`);
    const ho = outSize(x.shape[2], a.kernel[0], a.strides[0], a.pads[0], a.pads[2], dil(a)[0]);
    const wo = outSize(x.shape[3], a.kernel[1], a.strides[1], a.pads[1], a.pads[3], dil(a)[1]);
    if (ho < 1 || wo < 1) throw new Error('empty output');
    return [{ shape: [x.shape[0], w.shape[0], ho, wo], dtype: x.dtype }];
  },
  emit(e, ins, outs, a, [x, w]) {
    if (!foldsBatch(x.shape, w.shape, a)) {
      e.node('Conv', ins, convAttrs(a), outs);
      return;
    }
    const [n, c, h, wd] = x.shape;
    const [o, , kh, kw] = w.shape;
    const [ho, wo] = [outSize(h, kh, a.strides[0], a.pads[0], a.pads[2]), outSize(wd, kw, a.strides[1], a.pads[1], a.pads[3])];
    const [xT] = e.node('Transpose', [ins[0]], { perm: attr.ints([1, 0, 2, 3]) });
    const [x5] = e.node('Reshape', [xT, e.int64([1, c, n, h, wd])]);
    const [w5] = e.node('Reshape', [ins[1], e.int64([o, c, 1, kh, kw])]);
    const [y5] = e.node('Conv', [x5, w5, ...ins.slice(2)], conv3dAttrs(a));
    const [yT] = e.node('Reshape', [y5, e.int64([o, n, ho, wo])]);
    e.node('Transpose', [yT], { perm: attr.ints([1, 0, 2, 3]) }, outs);
  },
  ref([x, w, b], a) {
    const [n, c, h, wd] = x.shape;
    const [o, , kh, kw] = w.shape;
    const [dh, dw] = dil(a);
    const ho = outSize(h, kh, a.strides[0], a.pads[0], a.pads[2], dh);
    const wo = outSize(wd, kw, a.strides[1], a.pads[1], a.pads[3], dw);
    const y = tensor([n, o, ho, wo]);
    for (let ni = 0; ni < n; ni++)
      for (let oi = 0; oi < o; oi++)
        for (let yi = 0; yi < ho; yi++)
          for (let xi = 0; xi < wo; xi++) {
            let s = b ? b.data[oi] : 0;
            for (let ci = 0; ci < c; ci++)
              for (let i = 0; i < kh; i++)
                for (let j = 0; j < kw; j++) {
                  const r = yi * a.strides[0] - a.pads[0] + i * dh,
                    q = xi * a.strides[1] - a.pads[1] + j * dw;
                  if (r >= 0 && r < h && q >= 0 && q < wd)
                    s += x.data[((ni * c + ci) * h + r) * wd + q] * w.data[((oi * c + ci) * kh + i) * kw + j];
                }
            y.data[((ni * o + oi) * ho + yi) * wo + xi] = s;
          }
    return [y];
  },
  vjp({ inputs: [x, w, b], attrs: a, gradOutputs: [g0] }) {
    if (dil(a).some((d) => d !== 1)) throw new Error('Conv VJP: dilation is not supported');
    const g = g0!;
    const [h, wd] = [x.shape[2], x.shape[3]];
    const [ho, wo] = [g.shape[2], g.shape[3]];
    // output_padding restores the rows/columns that the forward stride dropped (always < stride).
    const outputPadding: [number, number] = [
      h + a.pads[0] + a.pads[2] - a.kernel[0] - (ho - 1) * a.strides[0],
      wd + a.pads[1] + a.pads[3] - a.kernel[1] - (wo - 1) * a.strides[1],
    ];
    const gx = subPixelInputGrad(Conv, g, w, a, x.shape) ?? inputGrad(Conv, g, w, a, outputPadding);
    const gw = convWeightGrad(Conv, x, g, a);
    return b ? [gx, gw, reduceSum(g, [0, 2, 3])] : [gx, gw];
  },
};

/** Conv2d; `pads` may be one number (all sides) or [top, left, bottom, right]; stride one number or a pair. */
export function conv2d(
  x: Value,
  w: Value,
  b: Value | undefined,
  opts: {
    strides?: number | readonly [number, number];
    pads?: number | readonly [number, number, number, number];
    wgrad?: WeightGradMethod;
    layout?: ConvLayout;
  } = {},
): Value {
  const s = opts.strides ?? 1;
  const p = opts.pads ?? 0;
  const attrs: Conv2dAttrs = {
    kernel: [w.shape[2], w.shape[3]],
    strides: typeof s === 'number' ? [s, s] : s,
    pads: typeof p === 'number' ? [p, p, p, p] : p,
    ...(opts.wgrad ? { wgrad: opts.wgrad } : {}),
    ...(opts.layout ? { layout: opts.layout } : {}),
  };
  return apply1(Conv, b ? [x, w, b] : [x, w], attrs);
}
