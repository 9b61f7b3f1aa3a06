// 2-D convolution, NCHW, dilation 1, groups 1: the op (shape rule, ONNX emission, float64 reference, VJP)
// and its builder. The gradient formulations the VJP emits live in conv-grad.ts: input gradient = a Conv of
// g with the flipped, transposed weights at stride 1, sub-pixel phase Convs or ConvTranspose when strided;
// weight gradient = im2col + one GEMM over the whole batch; bias gradient = ReduceSum. Measurements behind
// each choice: docs/benchmarks.md.

import { OpDef, Value, apply1, attr } from '../ir';
import { Shape, tensor } from '../tensor';
import { reduceSum } from './shape';
import { convWeightGrad, inputGrad, subPixelInputGrad } from './conv-grad';

export interface Conv2dAttrs {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  /** [top, left, bottom, right], the ONNX order. */
  pads: readonly [number, number, number, number];
  /** Forward only (the float64 reference and emission support it; the VJP does not). */
  dilations?: readonly [number, number];
  /** Weight-gradient formulation; default 'auto' (see convWeightGrad). */
  wgrad?: WeightGradMethod;
  /** How the Conv (and the ConvTranspose of its input gradient) is emitted; default 'auto' (see foldsBatch). */
  layout?: ConvLayout;
}
/**
 * perImage: one NCHW Conv node; onnxruntime runs one im2col + GEMM per image, with N = Ho*Wo columns.
 * batchFolded: the batch becomes a depth axis, x^T [1, C, N, H, W] with kernel [1, kh, kw]: one Conv3D
 * whose single GEMM has N*Ho*Wo columns (two small activation Transposes around it). Same arithmetic.
 */
export type ConvLayout = 'auto' | 'perImage' | 'batchFolded';
/**
 * unfold_T: one-hot Conv im2col U [N, C*k, P] -> Transpose to [C*k, N*P] -> one GEMM with K = N*P.
 * unfold_bmm: same U, batched GEMM per image [O,P] x [P,C*k], then ReduceSum over the batch (no transpose of U).
 * im2col_gemm: the columns of the whole batch straight in GEMM layout, cols [C*k, N*P] = Im2col(x^T) (no
 * transpose of U), then one GEMM with g^T [O, N*P] (K = N*P, no ReduceSum over the batch).
 */
export type WeightGradMethod = 'auto' | 'unfold_T' | 'unfold_bmm' | 'im2col_gemm';
export const dil = (a: Conv2dAttrs): readonly [number, number] => a.dilations ?? [1, 1];
export const outSize = (inp: number, k: number, s: number, p0: number, p1: number, d = 1) => Math.floor((inp + p0 + p1 - (d * (k - 1) + 1)) / s) + 1;
export const convAttrs = (a: Conv2dAttrs) => ({
  kernel_shape: attr.ints(a.kernel), strides: attr.ints(a.strides), pads: attr.ints(a.pads),
  ...(a.dilations && a.dilations.some((d) => d !== 1) ? { dilations: attr.ints(a.dilations) } : {}),
});
/** The same convolution over [1, C, N, H, W] with a depth-1 kernel (the batch folded into depth). */
export const conv3dAttrs = (a: Conv2dAttrs) => ({
  kernel_shape: attr.ints([1, ...a.kernel]), strides: attr.ints([1, ...a.strides]),
  pads: attr.ints([0, a.pads[0], a.pads[1], 0, a.pads[2], a.pads[3]]),
  ...(a.dilations && a.dilations.some((d) => d !== 1) ? { dilations: attr.ints([1, ...a.dilations]) } : {}),
});

/**
 * Whether a Conv / ConvTranspose is emitted batch-folded. 'auto' folds 3x3-type convs (kernel > 1x1, no
 * dilation) whose output has at most 64 pixels per image: ResNet-18's layer3/layer4 at 32x32 input
 * (8x8, 4x4), where a per-image GEMM with 64 or 16 columns runs far below the machine's GEMM rate. Measured
 * (onnxruntime-node 1.30, 2 threads, batch 32 views, interleaved, loaded machine, ms): forward 512ch 4x4
 * 87 -> 60, 256ch 8x8 112 -> 75, stride 2 256->512 8x8 57 -> 38, 128->256 16x16 46 -> 30; at 16x16 and
 * 32x32 outputs no faster (74 vs 72, 89 vs 82), and not for 1x1 kernels (no im2col to batch).
 * ConvTranspose is never folded: its 3-D col2im ran slower than the 2-D one on every ResNet shape.
 */
export function foldsBatch(x: Shape, w: Shape, a: Conv2dAttrs): boolean {
  if (a.layout === 'batchFolded' || a.layout === 'perImage') return a.layout === 'batchFolded';
  if (dil(a).some((d) => d !== 1) || a.kernel[0] * a.kernel[1] === 1) return false;
  const ho = outSize(x[2], w[2], a.strides[0], a.pads[0], a.pads[2]);
  const wo = outSize(x[3], w[3], a.strides[1], a.pads[1], a.pads[3]);
  return ho * wo <= FOLD_MAX_PIXELS;
}
export const FOLD_MAX_PIXELS = 64;

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
    if (!foldsBatch(x.shape, w.shape, a)) { e.node('Conv', ins, convAttrs(a), outs); return; }
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
    const gx = subPixelInputGrad(g, w, a, x.shape) ?? inputGrad(g, w, a, outputPadding);
    const gw = convWeightGrad(x, g, a);
    return b ? [gx, gw, reduceSum(g, [0, 2, 3])] : [gx, gw];
  },
};

/** Conv2d; `pads` may be one number (all sides) or [top, left, bottom, right]; stride one number or a pair. */
export function conv2d(x: Value, w: Value, b: Value | undefined,
  opts: { strides?: number | readonly [number, number]; pads?: number | readonly [number, number, number, number]; wgrad?: WeightGradMethod; layout?: ConvLayout } = {}): Value {
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
