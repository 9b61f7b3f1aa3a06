// Limits on what a dataset file may make us allocate, checked from declared sizes BEFORE anything is inflated
// or decoded: a 389 KB PNG can declare 20000×20000 pixels, a 604 KB gzip can inflate to 600 MB. The pipeline
// trains on 28–224 px images, so an image side beyond 4096 px is refused (with the reason in the skipped list).

/** Largest accepted image side (pixels), for every format. */
export const MAX_IMAGE_SIDE = 4096;
/** Largest accepted image area (pixels): 4096² (64 MiB as RGBA). */
export const MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;
/** Largest decoded dataset (bytes of pixels at the configured size) one load may build. */
export const MAX_DATASET_BYTES = 4 * 1024 ** 3;
/**
 * Largest gunzip output of an IDX file, relative to its compressed size. Real IDX files compress 2–10×
 * (MNIST 47 MB -> 9.9 MB); a file that inflates more than 100× (and beyond 64 MiB) is a bomb, not a dataset.
 */
export const MAX_GZIP_RATIO = 100;
export const MIN_GZIP_BUDGET = 64 * 1024 ** 2;

export class TooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooLargeError';
  }
}

/** Throws a skip reason when a declared image size is beyond the limits. */
export function checkImageSize(width: number, height: number, what = 'image'): void {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new TooLargeError(`${what} too large: ${width}×${height} declared (limit ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}); not decoded`);
  }
}

/** The most bytes gunzip may produce for a compressed input of `compressedBytes`. */
export function gunzipBudget(compressedBytes: number): number {
  return Math.min(MAX_DATASET_BYTES, Math.max(MIN_GZIP_BUDGET, compressedBytes * MAX_GZIP_RATIO));
}
