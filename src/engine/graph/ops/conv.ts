// 2-D convolution, NCHW, dilation 1, groups 1, with the backward formulations measured fastest on this CPU
// by the probe: input gradient = ConvTranspose with the forward weights (a flipped-kernel Conv at stride 1); weight gradient = im2col by a
// fixed one-hot Conv (onnxruntime's own Conv does the padding and striding) followed by one GEMM with
// K = N * Ho * Wo; bias gradient = ReduceSum.

import { OpDef, Value, apply1, attr } from '../ir';
import { tensor } from '../tensor';
import { gemm, matmul, transpose, transposeLast2 } from './matmul';
import { reduceSum, reshape } from './shape';
import { slice } from './layout';

export interface Conv2dAttrs {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  /** [top, left, bottom, right], the ONNX order. */
  pads: readonly [number, number, number, number];
  /** Only the batch_conv weight-gradient formulation uses dilation (no VJP then). */
  dilations?: readonly [number, number];
  /** Weight-gradient formulation; default 'auto' (see convWeightGrad). */
  wgrad?: WeightGradMethod;
}
/**
 * unfold_T: one-hot Conv im2col U [N, C*k, P] -> Transpose to [C*k, N*P] -> one GEMM with K = N*P.
 * unfold_bmm: same U, batched GEMM per image [O,P] x [P,C*k], then ReduceSum over the batch (no transpose of U).
 * batch_conv: a Conv over the batch axis (x^T [C,N,H,W] with g^T [O,N,Ho,Wo] as a kernel dilated by the
 * stride); never materialises U, which matters when C*k*P*N is large (ResNet stages at 32x32).
 */
export type WeightGradMethod = 'auto' | 'unfold_T' | 'unfold_bmm' | 'batch_conv';
const dil = (a: Conv2dAttrs): readonly [number, number] => a.dilations ?? [1, 1];
const outSize = (inp: number, k: number, s: number, p0: number, p1: number, d = 1) => Math.floor((inp + p0 + p1 - (d * (k - 1) + 1)) / s) + 1;
const convAttrs = (a: Conv2dAttrs) => ({
  kernel_shape: attr.ints(a.kernel), strides: attr.ints(a.strides), pads: attr.ints(a.pads),
  ...(a.dilations && a.dilations.some((d) => d !== 1) ? { dilations: attr.ints(a.dilations) } : {}),
});

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
  emit(e, ins, outs, a) { e.node('Conv', ins, convAttrs(a), outs); },
  ref([x, w, b], a) {
    const [n, c, h, wd] = x.shape;
    const [o, , kh, kw] = w.shape;
    const [dh, dw] = dil(a);
    const ho = outSize(h, kh, a.strides[0], a.pads[0], a.pads[2], dh);
    const wo = outSize(wd, kw, a.strides[1], a.pads[1], a.pads[3], dw);
    const y = tensor([n, o, ho, wo]);
    for (let ni = 0; ni < n; ni++) for (let oi = 0; oi < o; oi++) for (let yi = 0; yi < ho; yi++) for (let xi = 0; xi < wo; xi++) {
      let s = b ? b.data[oi] : 0;
      for (let ci = 0; ci < c; ci++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const r = yi * a.strides[0] - a.pads[0] + i * dh, q = xi * a.strides[1] - a.pads[1] + j * dw;
        if (r >= 0 && r < h && q >= 0 && q < wd) s += x.data[((ni * c + ci) * h + r) * wd + q] * w.data[((oi * c + ci) * kh + i) * kw + j];
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
    const gx = inputGrad(g, w, a, outputPadding);
    const gw = convWeightGrad(x, g, a);
    return b ? [gx, gw, reduceSum(g, [0, 2, 3])] : [gx, gw];
  },
};

/**
 * dL/dx. With stride 1 it is a plain Conv of g with the weights transposed (O<->C) and flipped, padded by
 * k-1-p: ORT's Conv runs 1.2-2.3x faster than its ConvTranspose here (about -24% on a ResNet-18 step).
 * Strided convs keep ConvTranspose (a sub-pixel rewrite measured no faster overall).
 */
function inputGrad(g: Value, w: Value, a: Conv2dAttrs, outputPadding: [number, number]): Value {
  const [kh, kw] = a.kernel;
  const pads = [kh - 1 - a.pads[0], kw - 1 - a.pads[1], kh - 1 - a.pads[2], kw - 1 - a.pads[3]] as const;
  if (a.strides[0] !== 1 || a.strides[1] !== 1 || pads.some((p) => p < 0)) {
    return apply1(ConvTranspose, [g, w], { ...a, outputPadding });
  }
  const flipped = slice(transpose(w, [1, 0, 2, 3]), [-1, -1], [-(kh + 1), -(kw + 1)], [2, 3], [-1, -1]);
  return apply1(Conv, [g, flipped], { kernel: a.kernel, strides: [1, 1], pads, ...(a.wgrad ? { wgrad: a.wgrad } : {}) });
}

/** dW[o,c,i,j] = sum_{n,y,x} g[n,o,y,x] * xpad[n,c,s*y+i,s*x+j]. */
function convWeightGrad(x: Value, g: Value, a: Conv2dAttrs): Value {
  const [n, c, h, wd] = x.shape;
  const [, o, ho, wo] = g.shape;
  const [kh, kw] = a.kernel;
  const k = kh * kw;
  const p = ho * wo;
  // 'auto' follows the probe's measurements on the small CNN: the batched GEMM wins while the per-image
  // GEMM is large (P >= 196), the single big GEMM below that.
  const method = !a.wgrad || a.wgrad === 'auto' ? (p >= 196 ? 'unfold_bmm' : 'unfold_T') : a.wgrad;
  if (method === 'batch_conv') return batchConvWeightGrad(x, g, a);
  let cols: Value; // [n, c*k, p]
  if (k === 1 && a.pads.every((v) => v === 0)) {
    // 1x1 convolution: the "columns" are the (strided) input itself.
    const strided = ho === h && wo === wd ? x : slice(x, [0, 0], [(ho - 1) * a.strides[0] + 1, (wo - 1) * a.strides[1] + 1], [2, 3], a.strides);
    cols = reshape(strided, [n, c, p]);
  } else {
    const eye = tensor([k, 1, kh, kw]);
    for (let q = 0; q < k; q++) eye.data[q * k + q] = 1;
    const unfold = apply1(Conv, [reshape(x, [n * c, 1, h, wd]), x.graph.constant(eye, x.dtype)], { kernel: a.kernel, strides: a.strides, pads: a.pads });
    cols = reshape(unfold, [n, c * k, p]);
  }
  if (method === 'unfold_bmm') {
    const perImage = matmul(reshape(g, [n, o, p]), transposeLast2(cols)); // [n, o, c*k]
    return reshape(reduceSum(perImage, [0]), [o, c, kh, kw]);
  }
  const colsT = reshape(transpose(cols, [1, 0, 2]), [c * k, n * p]);
  const gT = reshape(transpose(g, [1, 0, 2, 3]), [o, n * p]);
  return reshape(gemm(gT, colsT, false, true), [o, c, kh, kw]);
}

/** Conv of x^T [C,N,H,W] with g^T [O,N,Ho,Wo] (dilated by the stride) -> [C,O,kh,kw] -> transposed. */
function batchConvWeightGrad(x: Value, g: Value, a: Conv2dAttrs): Value {
  const [, , ho, wo] = g.shape;
  // End pads that make the output exactly kh x kw; a negative one means trailing input rows are unused.
  const endPad = (d: 0 | 1) => a.kernel[d] + (g.shape[2 + d] - 1) * a.strides[d] - x.shape[2 + d] - a.pads[d];
  let xT = transpose(x, [1, 0, 2, 3]);
  const [eh, ew] = [endPad(0), endPad(1)];
  if (eh < 0 || ew < 0) xT = slice(xT, [0, 0], [x.shape[2] + Math.min(0, eh), x.shape[3] + Math.min(0, ew)], [2, 3]);
  const r = apply1(Conv, [xT, transpose(g, [1, 0, 2, 3])], {
    kernel: [ho, wo], strides: [1, 1], pads: [a.pads[0], a.pads[1], Math.max(0, eh), Math.max(0, ew)], dilations: a.strides,
  });
  return transpose(r, [1, 0, 2, 3]);
}

/** Conv2d; `pads` may be one number (all sides) or [top, left, bottom, right]; stride one number or a pair. */
export function conv2d(x: Value, w: Value, b: Value | undefined,
  opts: { strides?: number | readonly [number, number]; pads?: number | readonly [number, number, number, number]; wgrad?: WeightGradMethod } = {}): Value {
  const s = opts.strides ?? 1;
  const p = opts.pads ?? 0;
  const attrs: Conv2dAttrs = {
    kernel: [w.shape[2], w.shape[3]],
    strides: typeof s === 'number' ? [s, s] : s,
    pads: typeof p === 'number' ? [p, p, p, p] : p,
    ...(opts.wgrad ? { wgrad: opts.wgrad } : {}),
  };
  return apply1(Conv, b ? [x, w, b] : [x, w], attrs);
}

// ---- ConvTranspose (appears in backward graphs; it has no VJP of its own) -----------------------------
interface ConvTransposeAttrs extends Conv2dAttrs { outputPadding: readonly [number, number] }
export const ConvTranspose: OpDef<ConvTransposeAttrs> = {
  type: 'ConvTranspose',
  infer([g, w], a) {
    if (g.shape[1] !== w.shape[0]) throw new Error(`input has ${g.shape[1]} channels, weights expect ${w.shape[0]}`);
    const size = (d: 0 | 1) => a.strides[d] * (g.shape[2 + d] - 1) + a.outputPadding[d] + a.kernel[d] - a.pads[d] - a.pads[d + 2];
    return [{ shape: [g.shape[0], w.shape[1], size(0), size(1)], dtype: g.dtype }];
  },
  emit(e, ins, outs, a) { e.node('ConvTranspose', ins, { ...convAttrs(a), output_padding: attr.ints(a.outputPadding) }, outs); },
  ref([g, w], a) {
    const [n, o, ho, wo] = g.shape;
    const [, c, kh, kw] = w.shape;
    const h = a.strides[0] * (ho - 1) + a.outputPadding[0] + kh - a.pads[0] - a.pads[2];
    const wd = a.strides[1] * (wo - 1) + a.outputPadding[1] + kw - a.pads[1] - a.pads[3];
    const out = tensor([n, c, h, wd]);
    for (let ni = 0; ni < n; ni++) for (let oi = 0; oi < o; oi++) for (let yi = 0; yi < ho; yi++) for (let xi = 0; xi < wo; xi++) {
      const gv = g.data[((ni * o + oi) * ho + yi) * wo + xi];
      for (let ci = 0; ci < c; ci++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const r = yi * a.strides[0] - a.pads[0] + i, q = xi * a.strides[1] - a.pads[1] + j;
        if (r >= 0 && r < h && q >= 0 && q < wd) out.data[((ni * c + ci) * h + r) * wd + q] += gv * w.data[((oi * c + ci) * kh + i) * kw + j];
      }
    }
    return [out];
  },
};
