// Helpers for data tests: temporary folders, real encoded images made with sharp, and the system Python
// (Debian's /usr/bin/python3 with numpy + PIL) as an independent oracle.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';

export const PYTHON = '/usr/bin/python3';
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const hasPython = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, PIL'], { encoding: 'utf8' }).status === 0;
export const hasFashion = existsSync(join(FASHION_DIR, 't10k-images-idx3-ubyte.gz'));

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'sslmem-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function runPython(code: string): string {
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

/** Deterministic test pattern: value depends on position and channel. Interleaved HWC. */
export function pattern(width: number, height: number, channels: number, seed = 0): Buffer {
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        out[(y * width + x) * channels + c] = (x * 37 + y * 11 + c * 80 + seed * 53) % 256;
      }
  return out;
}

export async function encode(
  pixels: Buffer,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: 'png' | 'jpeg' | 'webp' | 'gif',
): Promise<Buffer> {
  let img = sharp(pixels, { raw: { width, height, channels } });
  if (channels === 1 && format === 'png') img = img.toColourspace('b-w');
  if (format === 'png') return img.png().toBuffer();
  if (format === 'jpeg') return img.jpeg({ quality: 95 }).toBuffer();
  if (format === 'webp') return img.webp({ lossless: true }).toBuffer();
  return img.gif().toBuffer();
}

/** Planar CHW view of interleaved HWC pixels. */
export function planar(hwc: Uint8Array, channels: number): Uint8Array {
  const plane = hwc.length / channels;
  const out = new Uint8Array(hwc.length);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = hwc[p * channels + c];
  return out;
}

export function sample(images: Uint8Array, i: number, size: number): Uint8Array {
  return images.subarray(i * size, (i + 1) * size);
}
