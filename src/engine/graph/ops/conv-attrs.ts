// Conv's attributes and the shape helpers its forward op and its gradients (conv-grad.ts) share; apart from
// both so neither imports the other's module for them.
import { attr } from '../ir';
import type { Shape } from '../tensor';

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
export const outSize = (inp: number, k: number, s: number, p0: number, p1: number, d = 1) =>
  Math.floor((inp + p0 + p1 - (d * (k - 1) + 1)) / s) + 1;
export const convAttrs = (a: Conv2dAttrs) => ({
  kernel_shape: attr.ints(a.kernel),
  strides: attr.ints(a.strides),
  pads: attr.ints(a.pads),
  ...(a.dilations && a.dilations.some((d) => d !== 1) ? { dilations: attr.ints(a.dilations) } : {}),
});
/** The same convolution over [1, C, N, H, W] with a depth-1 kernel (the batch folded into depth). */
export const conv3dAttrs = (a: Conv2dAttrs) => ({
  kernel_shape: attr.ints([1, ...a.kernel]),
  strides: attr.ints([1, ...a.strides]),
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
