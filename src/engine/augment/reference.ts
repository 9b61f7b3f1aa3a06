// Plain-JS reference of the augmentation, written pixel by pixel after torchvision's tensor functions
// (resized_crop with bilinear, align_corners False, no antialias; hflip; adjust_brightness / contrast /
// saturation / hue with its _rgb2hsv / _hsv2rgb; rgb_to_grayscale; normalize). It shares no code with the
// graph builder, so tests that compare the two check the graph's formulation, not just its ONNX emission.
// Float64; slow; for tests and small dumps only.

import { AugConfig, outputSizeOf } from './config';
import { AugSample } from './sample';

const LUMA = [0.2989, 0.587, 0.114];
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** images [B,C,H,W] row-major in [0,1] -> views [B,C,H',W']. */
export function augmentReference(images: ArrayLike<number>, samples: readonly AugSample[], config: AugConfig): Float64Array {
  const C = config.channels;
  const [H, W] = config.inputSize;
  const [Ho, Wo] = outputSizeOf(config);
  const out = new Float64Array(samples.length * C * Ho * Wo);
  samples.forEach((s, b) => {
    let img = resizedCrop(images, b * C * H * W, C, H, W, s, Ho, Wo);
    if (s.flip) img = hflip(img, C, Ho, Wo);
    img = colour(img, C, s);
    if (config.normalize) {
      const { mean, std } = config.normalize;
      for (let c = 0; c < C; c++) for (let p = 0; p < Ho * Wo; p++) img[c * Ho * Wo + p] = (img[c * Ho * Wo + p] - mean[c]) / std[c];
    }
    out.set(img, b * C * Ho * Wo);
  });
  return out;
}

/** torch.nn.functional.interpolate(bilinear, align_corners=False) of the crop, as ATen computes it. */
function resizedCrop(
  src: ArrayLike<number>,
  offset: number,
  C: number,
  H: number,
  W: number,
  s: AugSample,
  Ho: number,
  Wo: number,
): Float64Array {
  const out = new Float64Array(C * Ho * Wo);
  const sourceIndex = (dst: number, inSize: number, outSize: number) => {
    const real = Math.max(0, (dst + 0.5) * (inSize / outSize) - 0.5);
    const i0 = Math.floor(real);
    return { i0, i1: i0 < inSize - 1 ? i0 + 1 : i0, lambda: real - i0 };
  };
  for (let y = 0; y < Ho; y++) {
    const sy = sourceIndex(y, s.height, Ho);
    for (let x = 0; x < Wo; x++) {
      const sx = sourceIndex(x, s.width, Wo);
      for (let c = 0; c < C; c++) {
        const at = (yy: number, xx: number) => src[offset + c * H * W + (s.top + yy) * W + s.left + xx];
        out[c * Ho * Wo + y * Wo + x] =
          (1 - sy.lambda) * ((1 - sx.lambda) * at(sy.i0, sx.i0) + sx.lambda * at(sy.i0, sx.i1)) +
          sy.lambda * ((1 - sx.lambda) * at(sy.i1, sx.i0) + sx.lambda * at(sy.i1, sx.i1));
      }
    }
  }
  return out;
}

function hflip(img: Float64Array, C: number, H: number, W: number): Float64Array {
  const out = new Float64Array(img.length);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(c * H + y) * W + x] = img[(c * H + y) * W + W - 1 - x];
  return out;
}

function grayscale(img: Float64Array, C: number): Float64Array {
  if (C === 1) return img;
  const n = img.length / 3;
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) out[p] = LUMA[0] * img[p] + LUMA[1] * img[n + p] + LUMA[2] * img[2 * n + p];
  return out;
}

/** torchvision `_blend`; `other` is per pixel (one plane, shared by all channels) or one number. */
function blend(img: Float64Array, other: Float64Array | number, f: number): Float64Array {
  const n = typeof other === 'number' ? 1 : other.length;
  return img.map((v, i) => clamp01(f * v + (1 - f) * (typeof other === 'number' ? other : other[i % n])));
}

function colour(img: Float64Array, C: number, s: AugSample): Float64Array {
  img = blend(img, 0, s.brightness);
  const gray = grayscale(img, C);
  img = blend(img, gray.reduce((a, v) => a + v, 0) / gray.length, s.contrast);
  if (C === 3) {
    img = blend(img, grayscale(img, C), s.saturation);
    img = adjustHue(img, s.hue);
    if (s.grayscale) {
      const l = grayscale(img, C);
      img = Float64Array.from({ length: img.length }, (_, i) => l[i % l.length]);
    }
  }
  return img;
}

/** torchvision adjust_hue: _rgb2hsv, h = (h + shift) mod 1, _hsv2rgb (sector i = floor(6h)). */
function adjustHue(img: Float64Array, shift: number): Float64Array {
  const n = img.length / 3;
  const out = new Float64Array(img.length);
  for (let p = 0; p < n; p++) {
    const r = img[p],
      g = img[n + p],
      b = img[2 * n + p];
    const maxc = Math.max(r, g, b),
      minc = Math.min(r, g, b);
    const eqc = maxc === minc;
    const cr = maxc - minc;
    const sat = cr / (eqc ? 1 : maxc);
    const div = eqc ? 1 : cr;
    const rc = (maxc - r) / div,
      gc = (maxc - g) / div,
      bc = (maxc - b) / div;
    let h = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
    h = (h / 6 + 1) % 1;
    h = (((h + shift) % 1) + 1) % 1; // Python's %: result in [0, 1)
    const i = Math.floor(h * 6) % 6,
      f = h * 6 - Math.floor(h * 6);
    const v = maxc;
    const pp = clamp01(v * (1 - sat)),
      q = clamp01(v * (1 - sat * f)),
      t = clamp01(v * (1 - sat * (1 - f)));
    const rgb = [
      [v, t, pp],
      [q, v, pp],
      [pp, v, t],
      [pp, q, v],
      [t, pp, v],
      [v, pp, q],
    ][i];
    out[p] = rgb[0];
    out[n + p] = rgb[1];
    out[2 * n + p] = rgb[2];
  }
  return out;
}
