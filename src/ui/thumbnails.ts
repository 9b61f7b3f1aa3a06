// Thumbnails for datasets without one file per image (IDX, CIFAR): the host renders the decoded pixels of
// the run's decode cache into small PNGs under <run>/thumbs/, lazily (only the samples a page shows) and
// once (an existing file is reused). Image-folder datasets need none of this: their files are served as is.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cacheFileFor, readDatasetCache } from '../engine/data/cache';
import type { Dataset } from '../engine/data/types';
import type { RunManifest } from '../engine/runs/manifest';

export const THUMBS_FOLDER = 'thumbs';
/** Upscaled with nearest-neighbour so 28×28 digits stay crisp in the gallery rather than blurred by the browser. */
const THUMB_SIZE = 96;

export class ThumbnailRenderer {
  private dataset: Promise<Dataset | null> | undefined;

  constructor(private readonly runDir: string, private readonly manifest: Pick<RunManifest, 'dataset' | 'config'>) {}

  fileFor(index: number): string { return path.join(this.runDir, THUMBS_FOLDER, `${index}.png`); }

  /** Makes sure the thumbnails of `indices` exist; returns those it could provide (index -> file). */
  async ensure(indices: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const missing: number[] = [];
    await Promise.all(indices.map(async (i) => {
      const file = this.fileFor(i);
      if (await fs.stat(file).then(() => true, () => false)) out.set(i, file); else missing.push(i);
    }));
    if (missing.length === 0) return out;
    const d = await this.loadDataset();
    if (!d) return out;
    await fs.mkdir(path.join(this.runDir, THUMBS_FOLDER), { recursive: true });
    const { default: sharp } = await import('sharp');
    await Promise.all(missing.filter((i) => i >= 0 && i < d.n).map(async (i) => {
      const file = this.fileFor(i);
      await sharp(interleaved(d, i), { raw: { width: d.width, height: d.height, channels: d.channels } })
        .resize(THUMB_SIZE, THUMB_SIZE, { kernel: 'nearest', fit: 'contain' }).png().toFile(file);
      out.set(i, file);
    }));
    return out;
  }

  private loadDataset(): Promise<Dataset | null> {
    const cacheDir = (this.manifest.config as { cacheDir?: unknown }).cacheDir;
    const fingerprint = this.manifest.dataset.fingerprint;
    if (typeof cacheDir !== 'string' || !fingerprint) return Promise.resolve(null);
    // Loaded once per panel: the decoded pixels are what the encoders saw, so they are what we show.
    this.dataset ??= readDatasetCache(cacheFileFor(cacheDir, fingerprint), fingerprint, this.manifest.dataset.path);
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
