// Augmentation policies (what to sample) and the presets. A config is plain JSON so it can be written to a
// run's manifest and read back: the same config + seed reproduces every view of a run.

export interface CropPolicy {
  /** Fraction of the image area kept, sampled uniformly (torchvision RandomResizedCrop `scale`). */
  scale: [number, number];
  /** Aspect ratio w/h, sampled log-uniformly (torchvision `ratio`). */
  ratio: [number, number];
}

export interface JitterPolicy {
  /** Probability that the jitter is applied at all (torchvision RandomApply around ColorJitter). */
  p: number;
  /** Factors are sampled uniformly in [max(0, 1 - v), 1 + v], as torchvision's ColorJitter. */
  brightness: number;
  contrast: number;
  saturation: number;
  /** Hue shift sampled uniformly in [-hue, hue] (fraction of a turn), hue <= 0.5. */
  hue: number;
}

export interface AugConfig {
  channels: 1 | 3;
  /** [H, W] of the images fed to the graph (crop boxes are sampled in these pixels). */
  inputSize: [number, number];
  /** [H', W'] of the views; default inputSize. */
  outputSize?: [number, number];
  /** null: no crop, the whole image is resized to outputSize. */
  crop: CropPolicy | null;
  flipP: number;
  /** null: no colour jitter. On 1-channel images only brightness and contrast apply (as torchvision). */
  jitter: JitterPolicy | null;
  /** RandomGrayscale probability; a no-op on 1-channel images. */
  grayscaleP: number;
  /** Per-channel (x - mean) / std after everything else (torchvision Normalize). */
  normalize?: { mean: number[]; std: number[] } | null;
}

export const DEFAULT_RATIO: [number, number] = [3 / 4, 4 / 3];

/** SimCLR (Chen et al. 2020; the SSLMem code): crop 0.08–1, flip 0.5, jitter (0.4,0.4,0.4,0.1) p 0.8, gray 0.2. */
export function simclrRecipe(channels: 1 | 3, inputSize: [number, number]): AugConfig {
  return {
    channels,
    inputSize,
    crop: { scale: [0.08, 1], ratio: DEFAULT_RATIO },
    flipP: 0.5,
    jitter: { p: 0.8, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 },
    grayscaleP: 0.2,
  };
}

/**
 * Milder recipe for 28×28 grayscale images: an 8% crop of a 28×28 image is ~8×8 pixels, which often
 * leaves nothing recognisable, so the crop keeps at least 20% of the area. Grayscale/hue/saturation are
 * no-ops on one channel anyway.
 */
export function fashionMnistRecipe(inputSize: [number, number] = [28, 28]): AugConfig {
  return {
    channels: 1,
    inputSize,
    crop: { scale: [0.2, 1], ratio: DEFAULT_RATIO },
    flipP: 0.5,
    jitter: { p: 0.8, brightness: 0.4, contrast: 0.4, saturation: 0, hue: 0 },
    grayscaleP: 0,
  };
}

/** Identity (views = the images, resized to outputSize if given): for encoders scored without augmentation. */
export function noAugmentation(channels: 1 | 3, inputSize: [number, number]): AugConfig {
  return { channels, inputSize, crop: null, flipP: 0, jitter: null, grayscaleP: 0 };
}

/** Crops of at least `minScale` of the image, flips, brightness/contrast (and saturation) jitter of `strength`. */
function gentleRecipe(channels: 1 | 3, inputSize: [number, number], minScale: number, strength: number): AugConfig {
  return {
    channels,
    inputSize,
    crop: { scale: [minScale, 1], ratio: DEFAULT_RATIO },
    flipP: 0.5,
    jitter: { p: 0.8, brightness: strength, contrast: strength, saturation: channels === 3 ? strength : 0, hue: 0 },
    grayscaleP: 0,
  };
}

/** Crops of at least half the image, flips and light jitter: small images keep their identity in every view. */
export const mildRecipe = (channels: 1 | 3, inputSize: [number, number]) => gentleRecipe(channels, inputSize, 0.5, 0.2);

/** Crops of at least 80% of the image, flips and faint jitter: views stay close to the image itself (the quick preset). */
export const weakRecipe = (channels: 1 | 3, inputSize: [number, number]) => gentleRecipe(channels, inputSize, 0.8, 0.1);

export const RECIPE_NAMES = ['simclr', 'fashion-mnist', 'mild', 'weak', 'none'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];
export function recipe(name: RecipeName, channels: 1 | 3, inputSize: [number, number]): AugConfig {
  switch (name) {
    case 'simclr':
      return simclrRecipe(channels, inputSize);
    case 'fashion-mnist':
      return { ...fashionMnistRecipe(inputSize), channels };
    case 'mild':
      return mildRecipe(channels, inputSize);
    case 'weak':
      return weakRecipe(channels, inputSize);
    case 'none':
      return noAugmentation(channels, inputSize);
  }
}

export function outputSizeOf(c: AugConfig): [number, number] {
  return c.outputSize ?? c.inputSize;
}

/** Throws a message naming the bad field; called by the sampler and the graph builder. */
export function validateAugConfig(c: AugConfig): void {
  const bad = (m: string) => {
    throw new Error(`augmentation config: ${m}`);
  };
  if (c.channels !== 1 && c.channels !== 3) bad(`channels must be 1 or 3, got ${c.channels}`);
  for (const [name, s] of [
    ['inputSize', c.inputSize],
    ['outputSize', outputSizeOf(c)],
  ] as const) {
    if (s.length !== 2 || !s.every((d) => Number.isInteger(d) && d > 0)) bad(`${name} must be two positive integers`);
  }
  const prob = (name: string, p: number) => {
    if (!(p >= 0 && p <= 1)) bad(`${name} must be in [0, 1], got ${p}`);
  };
  prob('flipP', c.flipP);
  prob('grayscaleP', c.grayscaleP);
  if (c.crop) {
    const [s0, s1] = c.crop.scale,
      [r0, r1] = c.crop.ratio;
    if (!(s0 > 0 && s0 <= s1)) bad(`crop.scale must satisfy 0 < lo <= hi, got [${c.crop.scale}]`);
    if (!(r0 > 0 && r0 <= r1)) bad(`crop.ratio must satisfy 0 < lo <= hi, got [${c.crop.ratio}]`);
  }
  if (c.jitter) {
    prob('jitter.p', c.jitter.p);
    for (const k of ['brightness', 'contrast', 'saturation', 'hue'] as const) if (!(c.jitter[k] >= 0)) bad(`jitter.${k} must be >= 0`);
    if (c.jitter.hue > 0.5) bad(`jitter.hue must be <= 0.5, got ${c.jitter.hue}`);
  }
  if (c.normalize) {
    const { mean, std } = c.normalize;
    if (mean.length !== c.channels || std.length !== c.channels) bad(`normalize needs ${c.channels} means and stds`);
    if (std.some((s) => !(s > 0))) bad('normalize.std must be positive');
  }
}
