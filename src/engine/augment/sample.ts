// Host-side sampling of per-image augmentation parameters. The graph holds no random ops: the host draws
// each view's parameters from a PRNG keyed by (seed, step, view, row) and feeds them as one [B, P] input,
// so training and scoring are reproducible, resumable from any step and identical on every execution
// provider. Each row has its own stream, so row b's parameters do not depend on the batch size or on how
// many draws the crop rejection loop used for other rows.
//
// Convention: training uses views 0 and 1 of each step; scoring K pairs uses views 0..2K-1.

import { AugConfig, outputSizeOf, validateAugConfig } from './config';

/** What is applied to one image (interpretable; `encodeAugParams` turns it into a graph-input row). */
export interface AugSample {
  /** Crop box in input pixels (torchvision's i, j, h, w). */
  top: number;
  left: number;
  height: number;
  width: number;
  flip: boolean;
  /** Colour factors; identity (1, 1, 1, 0) when the jitter is not applied. */
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
  grayscale: boolean;
}

/**
 * Layout of a parameter row (P = 13), in input pixels: output pixel (xo, yo) reads input position
 * x = clamp(xScale * xo + xOffset, xLo, xHi), y likewise, by bilinear interpolation. The clamp window is
 * the crop's first and last pixel centre, as torch's bilinear resize of a cropped tensor reads no pixel
 * outside the crop. A negative xScale is a horizontal flip.
 */
export const PARAM = {
  xScale: 0,
  xOffset: 1,
  yScale: 2,
  yOffset: 3,
  xLo: 4,
  yLo: 5,
  xHi: 6,
  yHi: 7,
  brightness: 8,
  contrast: 9,
  saturation: 10,
  hue: 11, // fraction of a turn
  grayscale: 12, // 0 or 1
} as const;
export const PARAM_COUNT = 13;

// ---- keyed PRNG: xoshiro128** whose 128-bit state is the key, each word mixed by a bijection ---------------
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * Distinct keys give distinct states (fmix32 is a bijection per word); warm-up rounds decorrelate them.
 * The state is held as int32 (`| 0`) so V8 keeps it in small integers (uint32 words above 2^31 become doubles).
 */
export class KeyedRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  constructor(key: readonly number[]) {
    if (key.length !== 4 || !key.every(Number.isInteger)) throw new Error(`rng key must be 4 integers, got [${key}]`);
    this.s0 = fmix32((key[0] + 0x243f6a88) >>> 0) | 0;
    this.s1 = fmix32((key[1] + 0x85a308d3) >>> 0) | 0;
    this.s2 = fmix32((key[2] + 0x13198a2e) >>> 0) | 0;
    this.s3 = fmix32((key[3] + 0x03707344) >>> 0) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one state xoshiro cannot leave
    for (let i = 0; i < 16; i++) this.nextUint32();
  }
  /** xoshiro128** step. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Uniform integer in [lo, hi] (inclusive, as torch.randint(lo, hi + 1)). */
  int(lo: number, hi: number): number {
    return lo + Math.min(hi - lo, Math.floor(this.next() * (hi - lo + 1)));
  }
}

/** Python's round(): halves go to the even neighbour (torchvision's crop sizes use it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision RandomResizedCrop.get_params: 10 tries of (area, log-ratio), then a central fallback crop. */
export function sampleCrop(rng: KeyedRng, height: number, width: number, scale: [number, number], ratio: [number, number]) {
  const area = height * width;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(0, height - h), left: rng.int(0, width - w), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width,
    h = height;
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** One AugSample per row, in torchvision's pipeline order: crop, flip, jitter (p, then factors), grayscale. */
export function sampleAugmentations(
  config: AugConfig,
  seed: number,
  step: number,
  viewIndex: number,
  batch: number,
  rowKeys?: ArrayLike<number>,
): AugSample[] {
  validateAugConfig(config);
  if (rowKeys && rowKeys.length !== batch) throw new Error(`rowKeys: ${rowKeys.length} keys for batch ${batch}`);
  const [height, width] = config.inputSize;
  const rgb = config.channels === 3;
  const out: AugSample[] = [];
  for (let b = 0; b < batch; b++) {
    const rng = new KeyedRng([seed, step, viewIndex, rowKeys ? rowKeys[b] : b]);
    const box = config.crop ? sampleCrop(rng, height, width, config.crop.scale, config.crop.ratio) : { top: 0, left: 0, height, width };
    const s: AugSample = {
      top: box.top,
      left: box.left,
      height: box.height,
      width: box.width,
      flip: rng.next() < config.flipP,
      brightness: 1,
      contrast: 1,
      saturation: 1,
      hue: 0,
      grayscale: false,
    };
    const j = config.jitter;
    if (j && rng.next() < j.p) {
      s.brightness = rng.uniform(Math.max(0, 1 - j.brightness), 1 + j.brightness);
      s.contrast = rng.uniform(Math.max(0, 1 - j.contrast), 1 + j.contrast);
      const saturation = rng.uniform(Math.max(0, 1 - j.saturation), 1 + j.saturation);
      const hue = rng.uniform(-j.hue, j.hue);
      if (rgb) {
        s.saturation = saturation;
        s.hue = hue;
      } // no-ops on one channel (as torchvision)
    }
    s.grayscale = rgb && rng.next() < config.grayscaleP;
    out.push(s);
  }
  return out;
}

/** Rows of the [B, P] graph input (layout: PARAM). */
export function encodeAugParams(samples: readonly AugSample[], config: AugConfig): Float32Array {
  const [Ho, Wo] = outputSizeOf(config);
  const out = new Float32Array(samples.length * PARAM_COUNT);
  samples.forEach((s, b) => {
    // torch's half-pixel convention: output xo reads crop position (xo + 1/2) * width / Wo - 1/2; a flip
    // reads from output column Wo - 1 - xo instead.
    const sx = s.width / Wo,
      sy = s.height / Ho;
    const x0 = s.left + 0.5 * sx - 0.5,
      y0 = s.top + 0.5 * sy - 0.5;
    const row = [
      s.flip ? -sx : sx,
      s.flip ? x0 + (Wo - 1) * sx : x0,
      sy,
      y0,
      s.left,
      s.top,
      s.left + s.width - 1,
      s.top + s.height - 1,
      s.brightness,
      s.contrast,
      s.saturation,
      s.hue,
      s.grayscale ? 1 : 0,
    ];
    out.set(row, b * PARAM_COUNT);
  });
  return out;
}

/** The [B, P] parameter input for one view of one step: deterministic in (config, seed, step, view, rows). */
export function sampleAugParams(
  config: AugConfig,
  seed: number,
  step: number,
  viewIndex: number,
  batch: number,
  rowKeys?: ArrayLike<number>,
): Float32Array {
  return encodeAugParams(sampleAugmentations(config, seed, step, viewIndex, batch, rowKeys), config);
}
