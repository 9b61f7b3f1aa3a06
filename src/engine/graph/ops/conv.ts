// 2-D convolution, NCHW, dilation 1, groups 1, with the backward formulations measured fastest on this CPU
// by the probe: input gradient = ConvTranspose with the forward weights (a flipped-kernel Conv at stride 1); weight gradient = im2col by a
// fixed one-hot Conv (onnxruntime's own Conv does the padding and striding) followed by one GEMM with
// K = N * Ho * Wo; bias gradient = ReduceSum.

import { OpDef, Value, apply1, attr } from '../ir';
import { Shape, numel, tensor } from '../tensor';
import { gemm, matmul, transpose, transposeLast2, transposeRef } from './matmul';
import { reduceSum, reshape } from './shape';
import { concat, slice, unsqueeze } from './layout';

export interface Conv2dAttrs {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  /** [top, left, bottom, right], the ONNX order. */
  pads: readonly [number, number, number, number];
  /** Only the batch_conv weight-gradient formulation uses dilation (no VJP then). */
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
 * batch_conv: a Conv over the batch axis (x^T [C,N,H,W] with g^T [O,N,Ho,Wo] as a kernel dilated by the
 * stride); never materialises U, which matters when C*k*P*N is large (ResNet stages at 32x32).
 * im2col_gemm: the columns of the whole batch straight in GEMM layout, cols [C*k, N*P] = Im2col(x^T) (no
 * transpose of U), then one GEMM with g^T [O, N*P] (K = N*P, no ReduceSum over the batch).
 */
export type WeightGradMethod = 'auto' | 'unfold_T' | 'unfold_bmm' | 'batch_conv' | 'im2col_gemm';
const dil = (a: Conv2dAttrs): readonly [number, number] => a.dilations ?? [1, 1];
const outSize = (inp: number, k: number, s: number, p0: number, p1: number, d = 1) => Math.floor((inp + p0 + p1 - (d * (k - 1) + 1)) / s) + 1;
const convAttrs = (a: Conv2dAttrs) => ({
  kernel_shape: attr.ints(a.kernel), strides: attr.ints(a.strides), pads: attr.ints(a.pads),
  ...(a.dilations && a.dilations.some((d) => d !== 1) ? { dilations: attr.ints(a.dilations) } : {}),
});
/** The same convolution over [1, C, N, H, W] with a depth-1 kernel (the batch folded into depth). */
const conv3dAttrs = (a: Conv2dAttrs) => ({
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
const FOLD_MAX_PIXELS = 64;

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

/**
 * dL/dx. With stride 1 it is a plain Conv of g with the weights transposed (O<->C) and flipped, padded by
 * k-1-p: ORT's Conv runs 1.2-2.3x faster than its ConvTranspose here (about -24% on a ResNet-18 step).
 * Strided convs keep ConvTranspose (a sub-pixel rewrite measured no faster overall).
 * The spatial flip is a Slice with negative steps, which onnxruntime copies element by element; where the
 * weights are larger than g and dx together (ResNet layer4: 2.4M weights, 0.26M activations) it is cheaper
 * to flip the activations instead, flip(Conv(flip(g), W^T)), exact for symmetric pads (measured: Slice of
 * [512,512,3,3] 15-19 ms per step on the loaded machine, more than the Transpose of W).
 */
function inputGrad(g: Value, w: Value, a: Conv2dAttrs, outputPadding: [number, number]): Value {
  const [kh, kw] = a.kernel;
  const pads = [kh - 1 - a.pads[0], kw - 1 - a.pads[1], kh - 1 - a.pads[2], kw - 1 - a.pads[3]] as const;
  if (a.strides[0] !== 1 || a.strides[1] !== 1 || pads.some((p) => p < 0)) {
    return apply1(ConvTranspose, [g, w], { ...a, outputPadding });
  }
  const attrs: Conv2dAttrs = { kernel: a.kernel, strides: [1, 1], pads, ...(a.wgrad ? { wgrad: a.wgrad } : {}), ...(a.layout ? { layout: a.layout } : {}) };
  const wT = transpose(w, [1, 0, 2, 3]);
  const flip = (v: Value) => slice(v, [-1, -1], [-(v.shape[2] + 1), -(v.shape[3] + 1)], [2, 3], [-1, -1]);
  const symmetric = pads[0] === pads[2] && pads[1] === pads[3];
  if (symmetric && 2 * numel(g.shape) < numel(w.shape)) return flip(apply1(Conv, [flip(g), wT], attrs));
  return apply1(Conv, [g, flip(wT)], attrs);
}

/**
 * dL/dx of a strided conv as s0*s1 stride-1 convs, one per output phase (r = s*y + a), interleaved: phase a
 * only meets the kernel taps i = a + p (mod s), at dY offsets (a + p - i) / s, so the phases together do
 * exactly the forward's multiply-adds, as plain (batch-folded where small) Convs instead of ConvTranspose,
 * whose col2im is single-pass and slow. Measured on ResNet-18 (batch 32 views, loaded machine, ms):
 * TODO. Returns null where it does not apply (input not a multiple of the stride, a phase
 * without taps, e.g. 1x1 stride 2), and the caller keeps ConvTranspose.
 */
function subPixelInputGrad(g: Value, w: Value, a: Conv2dAttrs, xShape: Shape): Value | null {
  const s = a.strides;
  if (s[0] * s[1] === 1 || xShape[2] % s[0] !== 0 || xShape[3] % s[1] !== 0) return null;
  const m = [xShape[2] / s[0], xShape[3] / s[1]];
  if (m[0] * m[1] > FOLD_MAX_PIXELS) return null;
  // Per axis and phase: the taps in ascending dY offset (= descending i), the first offset, the tap count.
  const taps = (d: 0 | 1, phase: number) => {
    const is = [...Array(a.kernel[d]).keys()].filter((i) => (phase + a.pads[d] - i) % s[d] === 0).reverse();
    return is.length ? { first: is[0], last: is[is.length - 1], offset: (phase + a.pads[d] - is[0]) / s[d], count: is.length } : null;
  };
  const wT = transpose(w, [1, 0, 2, 3]);
  const phases: Value[] = [];
  for (let p0 = 0; p0 < s[0]; p0++) for (let p1 = 0; p1 < s[1]; p1++) {
    const t = [taps(0, p0), taps(1, p1)];
    if (!t[0] || !t[1]) return null;
    const [t0, t1] = [t[0], t[1]];
    // Correlation out[y] = sum_t K[t] g[y + offset + t]: pad before = -offset, after = whatever gives m rows.
    const before = [-t0.offset, -t1.offset];
    const after = [m[0] - g.shape[2] - before[0] + t0.count - 1, m[1] - g.shape[3] - before[1] + t1.count - 1];
    if ([...before, ...after].some((v) => v < 0)) return null;
    const kernel = slice(wT, [t0.first, t1.first], [t0.last - 1, t1.last - 1].map((e, d) => (e < 0 ? -(a.kernel[d] + 1) : e)), [2, 3], [-s[0], -s[1]]);
    phases.push(conv2d(g, kernel, undefined, { pads: [before[0], before[1], after[0], after[1]], ...(a.layout ? { layout: a.layout } : {}) }));
  }
  if (s[0] === s[1]) return apply1(DepthToSpace, [concat(phases, 1)], { blocksize: s[0] });
  const [n, c] = [g.shape[0], w.shape[1]];
  const stacked = reshape(concat(phases.map((v) => unsqueeze(v, [0])), 0), [s[0], s[1], n, c, m[0], m[1]]);
  return reshape(transpose(stacked, [2, 3, 4, 0, 5, 1]), [n, c, xShape[2], xShape[3]]);
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
  // For kernels > 1x1, im2col_gemm replaced both on ResNet-18 (no transpose of U, no ReduceSum): batch 32
  // views, loaded machine, ms: 128ch 16x16 131 -> 104, 256ch 8x8 85 -> 80, stride-2 64->128 102 -> 82,
  // 128->256 69 -> 48, 64ch 32x32 120 vs 127 (even).
  const method = !a.wgrad || a.wgrad === 'auto' ? (k > 1 ? 'im2col_gemm' : p >= 196 ? 'unfold_bmm' : 'unfold_T') : a.wgrad;
  if (method === 'batch_conv') return batchConvWeightGrad(x, g, a);
  const gT = () => reshape(transpose(g, [1, 0, 2, 3]), [o, n * p]);
  if (method === 'im2col_gemm') {
    const cols = im2col(transpose(x, [1, 0, 2, 3]), a); // [c*k, n*p]
    return reshape(gemm(gT(), cols, false, true), [o, c, kh, kw]);
  }
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
  return reshape(gemm(gT(), colsT, false, true), [o, c, kh, kw]);
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

// ---- Im2col over the whole batch (appears in backward graphs; no VJP of its own) -------------------------
/**
 * x^T [C, N, H, W] -> cols [C*kh*kw, N*Ho*Wo], cols[(c,i,j), (n,y,x)] = xpad[n, c, s*y+i, s*x+j]: the operand
 * of one GEMM over the whole batch. Emitted as a Conv3D of [C, 1, N, H, W] with a one-hot kernel
 * [kh*kw, 1, 1, kh, kw] (onnxruntime does the padding and striding); its output [C, kh*kw, N, Ho, Wo] is
 * already in GEMM layout, so unlike the per-image one-hot Conv no Transpose of the columns follows.
 */
export const Im2col: OpDef<Conv2dAttrs> = {
  type: 'Im2col',
  infer([x], a) {
    if (x.shape.length !== 4) throw new Error('Im2col expects [C, N, H, W]');
    const [c, n, h, wd] = x.shape;
    const [ho, wo] = [outSize(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2]), outSize(wd, a.kernel[1], a.strides[1], a.pads[1], a.pads[3])];
    if (ho < 1 || wo < 1) throw new Error('empty output');
    return [{ shape: [c * a.kernel[0] * a.kernel[1], n * ho * wo], dtype: x.dtype }];
  },
  emit(e, [x], outs, a, [xt]) {
    const [c, n, h, wd] = xt.shape;
    const k = a.kernel[0] * a.kernel[1];
    const eye = Array.from({ length: k * k }, (_, q) => (q % (k + 1) === 0 ? 1 : 0));
    const [x5] = e.node('Reshape', [x, e.int64([c, 1, n, h, wd])]);
    const [u] = e.node('Conv', [x5, e.float(eye, [k, 1, 1, ...a.kernel], e.dtypeOf(x))], conv3dAttrs(a));
    e.node('Reshape', [u, e.int64([c * k, -1])], {}, outs);
  },
  ref([x], a) {
    const [c, n, h, wd] = x.shape;
    const [kh, kw] = a.kernel;
    const [ho, wo] = [outSize(h, kh, a.strides[0], a.pads[0], a.pads[2]), outSize(wd, kw, a.strides[1], a.pads[1], a.pads[3])];
    const out = tensor([c * kh * kw, n * ho * wo]);
    for (let ci = 0; ci < c; ci++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const row = ((ci * kh + i) * kw + j) * n * ho * wo;
      for (let ni = 0; ni < n; ni++) for (let yi = 0; yi < ho; yi++) for (let xi = 0; xi < wo; xi++) {
        const r = yi * a.strides[0] - a.pads[0] + i, q = xi * a.strides[1] - a.pads[1] + j;
        if (r >= 0 && r < h && q >= 0 && q < wd) out.data[row + (ni * ho + yi) * wo + xi] = x.data[((ci * n + ni) * h + r) * wd + q];
      }
    }
    return [out];
  },
};
export const im2col = (xT: Value, a: Conv2dAttrs): Value => apply1(Im2col, [xT], { kernel: a.kernel, strides: a.strides, pads: a.pads });

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

// ---- DepthToSpace (DCR): [N, (b0, b1, C), H, W] -> [N, C, H*b, W*b]; interleaves the sub-pixel phases --------
export const DepthToSpace: OpDef<{ blocksize: number }> = {
  type: 'DepthToSpace',
  infer([x], { blocksize: b }) {
    if (x.shape.length !== 4 || x.shape[1] % (b * b) !== 0) throw new Error(`channels ${x.shape[1]} not a multiple of ${b * b}`);
    return [{ shape: [x.shape[0], x.shape[1] / (b * b), x.shape[2] * b, x.shape[3] * b], dtype: x.dtype }];
  },
  emit(e, ins, outs, { blocksize }) { e.node('DepthToSpace', ins, { blocksize: attr.int(blocksize), mode: attr.string('DCR') }, outs); },
  ref([x], { blocksize: b }) {
    const [n, cb, h, wd] = x.shape;
    return [transposeRef(tensor([n, b, b, cb / (b * b), h, wd], x.data), [0, 3, 4, 1, 5, 2])].map((t) => tensor([n, cb / (b * b), h * b, wd * b], t.data));
  },
};

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
