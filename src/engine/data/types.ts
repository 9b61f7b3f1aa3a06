// The common in-memory form of every dataset, whatever file format it came from.

/** A file (or record) that could not be used, and why. Reported in the run's report; never silently dropped. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface Dataset {
  /** Pixels, uint8, NCHW: sample i, channel c, row y, column x at ((i*C + c)*H + y)*W + x. */
  images: Uint8Array;
  n: number;
  channels: 1 | 3;
  height: number;
  width: number;
  /** Class index per sample into classNames; -1 for unlabeled samples. null when the source has no labels. */
  labels: Int32Array | null;
  classNames: string[];
  /**
   * Identity of each sample: a path relative to `root` with '/' separators for image folders,
   * `<file name>#<record index>` for IDX and CIFAR files. Splits refer to samples by these.
   */
  paths: string[];
  /** The folder (image folders) or the folder holding the file(s) (IDX, CIFAR) the paths are relative to. */
  root: string;
  skipped: SkippedFile[];
}

/**
 * How every image is brought to one tensor shape.
 * - channels 1: luminance (sharp's greyscale: Rec. 601 weights in sRGB); channels 3: RGB, grey images replicated.
 * - alpha 'flatten' (default): composited over black, so fully transparent pixels become black instead of
 *   revealing whatever colour the encoder left under them; 'drop': the alpha channel is discarded.
 * - resize 'cover' (default): scale so the shorter side fits, then centre-crop (no distortion, no padding);
 *   'fill': stretch to exactly height×width (distorts mixed aspect ratios).
 */
export interface DecodeConfig {
  height: number;
  width: number;
  channels: 1 | 3;
  alpha?: 'flatten' | 'drop';
  resize?: 'cover' | 'fill';
}

export function normaliseDecodeConfig(config: DecodeConfig): Required<DecodeConfig> {
  const { height, width, channels } = config;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new Error(`decode size must be positive integers, got ${height}×${width}`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`channels must be 1 or 3, got ${channels}`);
  return { height, width, channels, alpha: config.alpha ?? 'flatten', resize: config.resize ?? 'cover' };
}

/** Bytes of one sample in a dataset. */
export function sampleSize(d: Pick<Dataset, 'channels' | 'height' | 'width'>): number {
  return d.channels * d.height * d.width;
}
