// Thumbnails for datasets without one file per image (IDX, CIFAR): the host renders the decoded pixels of
// the run's decode cache into small PNGs under <run>/thumbs/, lazily (only the samples a page shows) and
// once (an existing file is reused). Image-folder datasets need none of this: their files are served as is.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cacheFileFor, readDatasetCache } from '../engine/data/cache';
import { confinedCacheDir } from '../engine/runs/containment';
import type { Dataset } from '../engine/data/types';
import type { RunManifest } from '../engine/runs/manifest';
import { augmentReference } from '../engine/augment/reference';
import { sampleAugmentations } from '../engine/augment/sample';
import { recipe } from '../engine/augment/config';
import { isObject } from '../engine/util/guards';
import { runConfigOf, viewSettingsOf, type ViewSettings } from '../engine/sslmem/run-config';

export const THUMBS_FOLDER = 'thumbs';
export const VIEWS_FOLDER = 'views';
/** Upscaled with nearest-neighbour so 28×28 digits stay crisp in the gallery rather than blurred by the browser. */
const THUMB_SIZE = 96;

export class ThumbnailRenderer {
  private dataset: Promise<Dataset | null> | undefined;

  constructor(
    private readonly runDir: string,
    private readonly manifest: Pick<RunManifest, 'dataset' | 'config' | 'preset'>,
  ) {}

  /** The run's view settings, or null for a manifest whose config cannot be read (shown without views). */
  private settings(): ViewSettings | null {
    try {
      return viewSettingsOf(runConfigOf(this.manifest.config, this.manifest.preset, path.join(this.runDir, 'manifest.json')));
    } catch {
      return null;
    }
  }

  fileFor(index: number): string {
    return path.join(this.runDir, THUMBS_FOLDER, `${index}.png`);
  }

  /** Makes sure the thumbnails of `indices` exist; returns those it could provide (index -> file). */
  async ensure(indices: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const missing: number[] = [];
    await Promise.all(
      indices.map(async (i) => {
        const file = this.fileFor(i);
        if (
          await fs.stat(file).then(
            () => true,
            () => false,
          )
        )
          out.set(i, file);
        else missing.push(i);
      }),
    );
    if (missing.length === 0) return out;
    const d = await this.loadDataset();
    if (!d) return out;
    await fs.mkdir(path.join(this.runDir, THUMBS_FOLDER), { recursive: true });
    const { default: sharp } = await import('sharp');
    await Promise.all(
      missing
        .filter((i) => i >= 0 && i < d.n)
        .map(async (i) => {
          const file = this.fileFor(i);
          await sharp(interleaved(d, i), { raw: { width: d.width, height: d.height, channels: d.channels } })
            .resize(THUMB_SIZE, THUMB_SIZE, { kernel: 'nearest', fit: 'contain' })
            .png()
            .toFile(file);
          out.set(i, file);
        }),
    );
    return out;
  }

  /**
   * The augmented views the encoders were scored on for one sample: pairs 0..pairs-1, two views each, drawn
   * as the pipeline draws them (keyed by scoring seed, pair, view and dataset index) and rendered with the
   * engine's plain-JS reference augmentation (no ONNX Runtime in the extension host). Cached as PNGs.
   */
  async views(index: number, pairs = 2): Promise<string[]> {
    const files = Array.from({ length: pairs * 2 }, (_, i) => path.join(this.runDir, VIEWS_FOLDER, `${index}-${i >> 1}-${i & 1}.png`));
    const have = await Promise.all(
      files.map((f) =>
        fs.stat(f).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (have.every(Boolean)) return files;
    const settings = this.settings();
    const d = await this.loadDataset();
    if (!d || index < 0 || index >= d.n || !settings) return [];
    // Shown as pixels, so without the final normalisation.
    const config = { ...recipe(settings.augment, d.channels, [d.height, d.width]), normalize: null };
    // The views the scores were computed on: same recipe, same keyed scoring seed (trained or imported run).
    const scoringSeed = settings.scoringSeed;
    const size = d.channels * d.height * d.width;
    const pixels = Float64Array.from(d.images.subarray(index * size, (index + 1) * size), (v) => v / 255);
    await fs.mkdir(path.join(this.runDir, VIEWS_FOLDER), { recursive: true });
    const { default: sharp } = await import('sharp');
    const [h, w] = config.outputSize ?? config.inputSize;
    await Promise.all(
      files.map(async (file, i) => {
        const [sample] = sampleAugmentations(config, scoringSeed, i >> 1, i & 1, 1, [index]);
        const view = augmentReference(pixels, [sample], config);
        const bytes = Buffer.alloc(view.length);
        for (let c = 0; c < d.channels; c++)
          for (let p = 0; p < h * w; p++) bytes[p * d.channels + c] = Math.round(Math.min(1, Math.max(0, view[c * h * w + p])) * 255);
        await sharp(bytes, { raw: { width: w, height: h, channels: d.channels } })
          .resize(THUMB_SIZE, THUMB_SIZE, { kernel: 'nearest', fit: 'contain' })
          .png()
          .toFile(file);
      }),
    );
    return files;
  }

  private loadDataset(): Promise<Dataset | null> {
    const fingerprint = this.manifest.dataset.fingerprint;
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{16,64}$/.test(fingerprint)) return Promise.resolve(null);
    // The manifest's cacheDir is data: only a cache inside the run's workspace .sslmem folder is read.
    // Read even when the rest of the config is not (a thumbnail needs only the decoded pixels).
    const { dir } = confinedCacheDir(this.runDir, isObject(this.manifest.config) ? this.manifest.config.cacheDir : undefined);
    // Loaded once per panel: the decoded pixels are what the encoders saw, so they are what we show.
    this.dataset ??= readDatasetCache(cacheFileFor(dir, fingerprint), fingerprint, this.manifest.dataset.path);
    return this.dataset;
  }
}

/** The dataset stores NCHW; sharp wants HWC. */
function interleaved(d: Dataset, i: number): Buffer {
  const { channels: c, height: h, width: w } = d;
  const start = i * c * h * w;
  const out = Buffer.alloc(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) out[p * c + ch] = d.images[start + ch * h * w + p];
  return out;
}
