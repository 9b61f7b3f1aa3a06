// The augmentation as graph: images [B,C,H,W] in [0,1] + per-image parameters [B,P] (sampled on the host,
// see sample.ts) -> views [B,C,H',W']. Standard ONNX ops only (opset 17), no random ops, and only ops that
// onnxruntime's WebGPU provider implements too (no GridSample, no elementwise Max/Min), so the views can
// be made on the GPU next to the model.
//
// Order (torchvision's SimCLR pipeline): resized crop + flip (two MatMuls), colour jitter in the fixed
// order brightness, contrast, saturation, hue (torchvision permutes these randomly per image; we do not),
// random grayscale, normalisation. Each jitter step clamps to [0, 1] as torchvision's `_blend` does.

import {
  Value,
  add,
  div,
  equal,
  gather,
  matmul,
  mul,
  reduceMax,
  reduceMean,
  reduceMin,
  relu,
  reshape,
  split,
  sub,
  tensor,
  where,
} from '../graph';
import { AugConfig, outputSizeOf, validateAugConfig } from './config';
import { PARAM, PARAM_COUNT } from './sample';
import { abs, clip, floor } from './ops';

/** torchvision's rgb_to_grayscale weights (ITU-R 601-2 luma, as PIL). */
export const LUMA = [0.2989, 0.587, 0.114];

export function augmentViews(x: Value, params: Value, config: AugConfig): Value {
  validateAugConfig(config);
  const [B, C, H, W] = x.shape;
  if (x.rank !== 4 || C !== config.channels || H !== config.inputSize[0] || W !== config.inputSize[1]) {
    throw new Error(`augmentViews: images [${x.shape}] do not match config (channels ${config.channels}, size ${config.inputSize})`);
  }
  if (params.shape.join() !== [B, PARAM_COUNT].join()) throw new Error(`augmentViews: params [${params.shape}] != [${B},${PARAM_COUNT}]`);
  const g = x.graph;
  const perImage = (index: number) => reshape(gather(params, [index], 1), [B, 1, 1, 1]);

  let v = x;
  const [Ho, Wo] = outputSizeOf(config);
  const geometric = config.crop !== null || config.flipP > 0 || Ho !== H || Wo !== W;
  if (geometric) {
    // Separable bilinear resampling: rows = Wy [B,1,Ho,H] · x, then · Wx [B,1,W,Wo].
    const wy = interpolationWeights(params, 'y', H, Ho);
    const wx = interpolationWeights(params, 'x', W, Wo);
    v = matmul(matmul(reshape(wy, [B, 1, Ho, H]), v), reshape(wx, [B, 1, W, Wo]));
  }

  const rgb = C === 3;
  const j = config.jitter;
  if (j && j.p > 0) {
    if (j.brightness > 0) v = clip(mul(v, perImage(PARAM.brightness)), 0, 1);
    if (j.contrast > 0) v = blend(v, reduceMean(luma(v), [1, 2, 3], true), perImage(PARAM.contrast));
    if (rgb && j.saturation > 0) v = blend(v, luma(v), perImage(PARAM.saturation));
    if (rgb && j.hue > 0) v = shiftHue(v, perImage(PARAM.hue));
  }
  // Grayscale is a saturation blend with factor 0: factor = 1 - flag keeps the image or replaces it by luma.
  if (rgb && config.grayscaleP > 0) v = blend(v, luma(v), sub(1, perImage(PARAM.grayscale)));

  if (config.normalize) {
    const { mean, std } = config.normalize;
    v = div(sub(v, g.constant(tensor([1, C, 1, 1], mean))), g.constant(tensor([1, C, 1, 1], std)));
  }
  return v;
}

/**
 * Bilinear interpolation weights along one axis: output o reads input position p = clamp(scale * o + offset)
 * with weight relu(1 - |p - i|) on input pixel i (two neighbours, summing to 1). Shape [B, Out, In] for y
 * (the left factor) and [B, In, Out] for x (the right factor), so neither needs a transpose.
 */
function interpolationWeights(params: Value, axis: 'x' | 'y', size: number, outSize: number): Value {
  const g = params.graph;
  const col = axis === 'x' ? [PARAM.xScale, PARAM.xOffset, PARAM.xLo, PARAM.xHi] : [PARAM.yScale, PARAM.yOffset, PARAM.yLo, PARAM.yHi];
  const [scale, offset, lo, hi] = col.map((i) => reshape(gather(params, [i], 1), [params.shape[0], 1, 1]));
  const along = (n: number, shape: number[]) =>
    g.constant(
      tensor(
        shape,
        Array.from({ length: n }, (_, k) => k),
      ),
    );
  const outIndex = along(outSize, axis === 'x' ? [1, 1, outSize] : [1, outSize, 1]);
  const inIndex = along(size, axis === 'x' ? [1, size, 1] : [1, 1, size]);
  const position = clampBetween(add(mul(scale, outIndex), offset), lo, hi);
  return relu(sub(1, abs(sub(position, inIndex))));
}

/** max(lo, min(hi, a)) from Relu alone (the WebGPU provider has no elementwise Max/Min). */
function clampBetween(a: Value, lo: Value, hi: Value): Value {
  const atLeastLo = add(lo, relu(sub(a, lo)));
  return sub(hi, relu(sub(hi, atLeastLo)));
}

/** [B,C,H,W] -> [B,1,H,W]: luma for RGB (one [1,3] x [B,3,H*W] MatMul), the image itself for one channel. */
function luma(x: Value): Value {
  const [B, C, H, W] = x.shape;
  if (C === 1) return x;
  const weights = x.graph.constant(tensor([1, 3], LUMA));
  return reshape(matmul(weights, reshape(x, [B, 3, H * W])), [B, 1, H, W]);
}

/** torchvision `_blend`: clamp(f * x + (1 - f) * other, 0, 1). */
function blend(x: Value, other: Value, factor: Value): Value {
  return clip(add(mul(x, factor), mul(other, sub(1, factor))), 0, 1);
}

/**
 * Exact HSV hue rotation (torchvision adjust_hue), written without HSV round-trip tensors:
 * with V = max, chroma = max - min and hue sector h6 in [-1, 5], channel n in {R: 5, G: 3, B: 1} is
 * V - chroma * clamp(min(k, 4 - k), 0, 1), k = (n + h6 + 6 * shift) mod 6. The modulo is k - 6 floor(k / 6):
 * onnxruntime's Mod was measured ~2x slower than these four ops. Rounding at a period boundary is harmless,
 * since the clamp term is 0 at both ends of a period.
 */
function shiftHue(x: Value, shift: Value): Value {
  const g = x.graph;
  const [r, gr, b] = split(x, 1, [1, 1, 1]);
  const vmax = reduceMax(x, [1], true);
  const chroma = sub(vmax, reduceMin(x, [1], true));
  const safe = where(equal(chroma, 0), 1, chroma); // grey pixels: any hue, chroma 0 cancels it below
  const h6 = where(
    equal(vmax, r),
    div(sub(gr, b), safe),
    where(equal(vmax, gr), add(div(sub(b, r), safe), 2), add(div(sub(r, gr), safe), 4)),
  );
  const offsets = add(mul(shift, 6), g.constant(tensor([1, 3, 1, 1], [5, 3, 1]))); // [B,3,1,1]
  const unwrapped = add(h6, offsets);
  const k = sub(unwrapped, mul(floor(mul(unwrapped, 1 / 6)), 6));
  return sub(vmax, mul(chroma, clip(sub(2, abs(sub(k, 2))), 0, 1))); // min(k, 4 - k) = 2 - |k - 2|
}
