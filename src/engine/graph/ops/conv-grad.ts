// The gradient formulations of Conv (ops/conv.ts), emitted by its VJP: the input gradient (a stride-1 Conv
// with flipped, transposed weights; sub-pixel phase Convs or ConvTranspose for strided convs), the weight
// gradient (im2col of the whole batch + one GEMM), and the ops that only appear in backward graphs
// (Im2col, DepthToSpace, ConvTranspose; none has a VJP). Measurements behind each choice: docs/benchmarks.md.

import { OpDef, Value, apply1, attr } from '../ir';
import { Shape, numel, tensor } from '../tensor';
import { gemm, matmul, transpose, transposeLast2, transposeRef } from './matmul';
import { reduceSum, reshape } from './shape';
import { concat, slice, unsqueeze } from './layout';
import { type Conv2dAttrs, FOLD_MAX_PIXELS, conv3dAttrs, convAttrs, outSize } from './conv-attrs';

// Each formulation takes the Conv op (ops/conv.ts) as `conv`: the op's VJP passes itself in, so the gradient
// module does not import the op's module back (no import cycle).
type ConvOp = OpDef<Conv2dAttrs>;

/**
 * dL/dx. With stride 1 it is a plain Conv of g with the weights transposed (O<->C) and flipped, padded by
 * k-1-p: ORT's Conv runs 1.2-2.3x faster than its ConvTranspose here (about -24% on a ResNet-18 step).
 * Strided convs keep ConvTranspose (a sub-pixel rewrite measured no faster overall).
 * The spatial flip is a Slice with negative steps, which onnxruntime copies element by element; where the
 * weights are larger than g and dx together (ResNet layer4: 2.4M weights, 0.26M activations) it is cheaper
 * to flip the activations instead, flip(Conv(flip(g), W^T)), exact for symmetric pads (measured: Slice of
 * [512,512,3,3] 15-19 ms per step on the loaded machine, more than the Transpose of W).
 */
export function inputGrad(conv: ConvOp, g: Value, w: Value, a: Conv2dAttrs, outputPadding: [number, number]): Value {
  const [kh, kw] = a.kernel;
  const pads = [kh - 1 - a.pads[0], kw - 1 - a.pads[1], kh - 1 - a.pads[2], kw - 1 - a.pads[3]] as const;
  if (a.strides[0] !== 1 || a.strides[1] !== 1 || pads.some((p) => p < 0)) {
    return apply1(ConvTranspose, [g, w], { ...a, outputPadding });
  }
  const attrs: Conv2dAttrs = {
    kernel: a.kernel,
    strides: [1, 1],
    pads,
    ...(a.wgrad ? { wgrad: a.wgrad } : {}),
    ...(a.layout ? { layout: a.layout } : {}),
  };
  const wT = transpose(w, [1, 0, 2, 3]);
  const flip = (v: Value) => slice(v, [-1, -1], [-(v.shape[2] + 1), -(v.shape[3] + 1)], [2, 3], [-1, -1]);
  const symmetric = pads[0] === pads[2] && pads[1] === pads[3];
  if (symmetric && 2 * numel(g.shape) < numel(w.shape)) return flip(apply1(conv, [flip(g), wT], attrs));
  return apply1(conv, [g, flip(wT)], attrs);
}

/**
 * dL/dx of a strided conv as s0*s1 stride-1 convs, one per output phase (r = s*y + a), interleaved: phase a
 * only meets the kernel taps i = a + p (mod s), at dY offsets (a + p - i) / s, so the phases together do
 * exactly the forward's multiply-adds, as plain (batch-folded where small) Convs instead of ConvTranspose,
 * whose col2im is single-pass and slow. Used only where the phases are small (input/stride at most
 * FOLD_MAX_PIXELS pixels: ResNet-18 layer3/layer4 and the small CNN's conv3), where the phase convs fold the
 * batch; larger strided convs keep ConvTranspose (an earlier 2x2-Conv + DepthToSpace variant was no faster
 * there: docs/benchmarks.md). Returns null where it does not apply (input not a multiple of the stride, a
 * phase without taps, e.g. 1x1 stride 2), and the caller keeps ConvTranspose.
 */
export function subPixelInputGrad(conv: ConvOp, g: Value, w: Value, a: Conv2dAttrs, xShape: Shape): Value | null {
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
  for (let p0 = 0; p0 < s[0]; p0++)
    for (let p1 = 0; p1 < s[1]; p1++) {
      const t = [taps(0, p0), taps(1, p1)];
      if (!t[0] || !t[1]) return null;
      const [t0, t1] = [t[0], t[1]];
      // Correlation out[y] = sum_t K[t] g[y + offset + t]: pad before = -offset, after = whatever gives m rows.
      const before = [-t0.offset, -t1.offset];
      const after = [m[0] - g.shape[2] - before[0] + t0.count - 1, m[1] - g.shape[3] - before[1] + t1.count - 1];
      if ([...before, ...after].some((v) => v < 0)) return null;
      const kernel = slice(
        wT,
        [t0.first, t1.first],
        [t0.last - 1, t1.last - 1].map((e, d) => (e < 0 ? -(a.kernel[d] + 1) : e)),
        [2, 3],
        [-s[0], -s[1]],
      );
      phases.push(
        apply1(conv, [g, kernel], {
          kernel: [kernel.shape[2], kernel.shape[3]],
          strides: [1, 1],
          pads: [before[0], before[1], after[0], after[1]],
          ...(a.layout ? { layout: a.layout } : {}),
        }),
      );
    }
  if (s[0] === s[1]) return apply1(DepthToSpace, [concat(phases, 1)], { blocksize: s[0] });
  const [n, c] = [g.shape[0], w.shape[1]];
  const stacked = reshape(
    concat(
      phases.map((v) => unsqueeze(v, [0])),
      0,
    ),
    [s[0], s[1], n, c, m[0], m[1]],
  );
  return reshape(transpose(stacked, [2, 3, 4, 0, 5, 1]), [n, c, xShape[2], xShape[3]]);
}

/** dW[o,c,i,j] = sum_{n,y,x} g[n,o,y,x] * xpad[n,c,s*y+i,s*x+j]. */
export function convWeightGrad(conv: ConvOp, x: Value, g: Value, a: Conv2dAttrs): Value {
  const [n, c, h, wd] = x.shape;
  const [, o, ho, wo] = g.shape;
  const [kh, kw] = a.kernel;
  const k = kh * kw;
  const p = ho * wo;
  // 'auto': im2col_gemm for kernels > 1x1; for 1x1 kernels (the columns are the strided input itself)
  // unfold_bmm while the per-image GEMM is large (P >= 196), unfold_T below that. Timings: docs/benchmarks.md.
  const method = !a.wgrad || a.wgrad === 'auto' ? (k > 1 ? 'im2col_gemm' : p >= 196 ? 'unfold_bmm' : 'unfold_T') : a.wgrad;
  const gT = () => reshape(transpose(g, [1, 0, 2, 3]), [o, n * p]);
  if (method === 'im2col_gemm') {
    const cols = im2col(transpose(x, [1, 0, 2, 3]), a); // [c*k, n*p]
    return reshape(gemm(gT(), cols, false, true), [o, c, kh, kw]);
  }
  let cols: Value; // [n, c*k, p]
  if (k === 1 && a.pads.every((v) => v === 0)) {
    // 1x1 convolution: the "columns" are the (strided) input itself.
    const strided =
      ho === h && wo === wd ? x : slice(x, [0, 0], [(ho - 1) * a.strides[0] + 1, (wo - 1) * a.strides[1] + 1], [2, 3], a.strides);
    cols = reshape(strided, [n, c, p]);
  } else {
    const eye = tensor([k, 1, kh, kw]);
    for (let q = 0; q < k; q++) eye.data[q * k + q] = 1;
    const unfold = apply1(conv, [reshape(x, [n * c, 1, h, wd]), x.graph.constant(eye, x.dtype)], {
      kernel: a.kernel,
      strides: a.strides,
      pads: a.pads,
    });
    cols = reshape(unfold, [n, c * k, p]);
  }
  if (method === 'unfold_bmm') {
    const perImage = matmul(reshape(g, [n, o, p]), transposeLast2(cols)); // [n, o, c*k]
    return reshape(reduceSum(perImage, [0]), [o, c, kh, kw]);
  }
  const colsT = reshape(transpose(cols, [1, 0, 2]), [c * k, n * p]);
  return reshape(gemm(gT(), colsT, false, true), [o, c, kh, kw]);
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
    const [ho, wo] = [
      outSize(h, a.kernel[0], a.strides[0], a.pads[0], a.pads[2]),
      outSize(wd, a.kernel[1], a.strides[1], a.pads[1], a.pads[3]),
    ];
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
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const row = ((ci * kh + i) * kw + j) * n * ho * wo;
          for (let ni = 0; ni < n; ni++)
            for (let yi = 0; yi < ho; yi++)
              for (let xi = 0; xi < wo; xi++) {
                const r = yi * a.strides[0] - a.pads[0] + i,
                  q = xi * a.strides[1] - a.pads[1] + j;
                if (r >= 0 && r < h && q >= 0 && q < wd)
                  out.data[row + (ni * ho + yi) * wo + xi] = x.data[((ci * n + ni) * h + r) * wd + q];
              }
        }
    return [out];
  },
};
export const im2col = (xT: Value, a: Conv2dAttrs): Value => apply1(Im2col, [xT], { kernel: a.kernel, strides: a.strides, pads: a.pads });

// ---- DepthToSpace (DCR): [N, (b0, b1, C), H, W] -> [N, C, H*b, W*b]; interleaves the sub-pixel phases --------
export const DepthToSpace: OpDef<{ blocksize: number }> = {
  type: 'DepthToSpace',
  infer([x], { blocksize: b }) {
    if (x.shape.length !== 4 || x.shape[1] % (b * b) !== 0) throw new Error(`channels ${x.shape[1]} not a multiple of ${b * b}`);
    return [{ shape: [x.shape[0], x.shape[1] / (b * b), x.shape[2] * b, x.shape[3] * b], dtype: x.dtype }];
  },
  emit(e, ins, outs, { blocksize }) {
    e.node('DepthToSpace', ins, { blocksize: attr.int(blocksize), mode: attr.string('DCR') }, outs);
  },
  ref([x], { blocksize: b }) {
    const [n, cb, h, wd] = x.shape;
    return [transposeRef(tensor([n, b, b, cb / (b * b), h, wd], x.data), [0, 3, 4, 1, 5, 2])].map((t) =>
      tensor([n, cb / (b * b), h * b, wd * b], t.data),
    );
  },
};

// ---- ConvTranspose (appears in backward graphs; it has no VJP of its own) -----------------------------
interface ConvTransposeAttrs extends Conv2dAttrs {
  outputPadding: readonly [number, number];
}
export const ConvTranspose: OpDef<ConvTransposeAttrs> = {
  type: 'ConvTranspose',
  infer([g, w], a) {
    if (g.shape[1] !== w.shape[0]) throw new Error(`input has ${g.shape[1]} channels, weights expect ${w.shape[0]}`);
    const size = (d: 0 | 1) => a.strides[d] * (g.shape[2 + d] - 1) + a.outputPadding[d] + a.kernel[d] - a.pads[d] - a.pads[d + 2];
    return [{ shape: [g.shape[0], w.shape[1], size(0), size(1)], dtype: g.dtype }];
  },
  emit(e, ins, outs, a) {
    e.node('ConvTranspose', ins, { ...convAttrs(a), output_padding: attr.ints(a.outputPadding) }, outs);
  },
  ref([g, w], a) {
    const [n, o, ho, wo] = g.shape;
    const [, c, kh, kw] = w.shape;
    const h = a.strides[0] * (ho - 1) + a.outputPadding[0] + kh - a.pads[0] - a.pads[2];
    const wd = a.strides[1] * (wo - 1) + a.outputPadding[1] + kw - a.pads[1] - a.pads[3];
    const out = tensor([n, c, h, wd]);
    for (let ni = 0; ni < n; ni++)
      for (let oi = 0; oi < o; oi++)
        for (let yi = 0; yi < ho; yi++)
          for (let xi = 0; xi < wo; xi++) {
            const gv = g.data[((ni * o + oi) * ho + yi) * wo + xi];
            for (let ci = 0; ci < c; ci++)
              for (let i = 0; i < kh; i++)
                for (let j = 0; j < kw; j++) {
                  const r = yi * a.strides[0] - a.pads[0] + i,
                    q = xi * a.strides[1] - a.pads[1] + j;
                  if (r >= 0 && r < h && q >= 0 && q < wd)
                    out.data[((ni * c + ci) * h + r) * wd + q] += gv * w.data[((oi * c + ci) * kh + i) * kw + j];
                }
          }
    return [out];
  },
};
