// Decode cache: a decoded dataset stored as one binary file named by the dataset fingerprint, so a
// dataset is decoded once. The fingerprint hashes what decides the decoded bytes: the files (relative
// path, size, mtime) and the decode config. Layout (little-endian):
//   "SSLMDS01" | u32 header length | header JSON (utf8) | zero padding to 8 bytes |
//   labels Int32[n] (if header.hasLabels) | images uint8[n*C*H*W]
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import type { Dataset } from './types';

const MAGIC = 'SSLMDS01';
export const CACHE_FORMAT_VERSION = 1;

export function fingerprintOf(parts: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ cacheFormat: CACHE_FORMAT_VERSION, parts }))
    .digest('hex')
    .slice(0, 32);
}

export function cacheFileFor(cacheDir: string, fingerprint: string): string {
  // Fingerprints are read back from run manifests (data): only a hash may become a file name, never "../x".
  if (!/^[0-9a-f]{16,64}$/.test(fingerprint))
    throw new Error(`not a dataset fingerprint (expected hex): ${JSON.stringify(fingerprint).slice(0, 80)}`);
  return join(cacheDir, `${fingerprint}.dataset`);
}

interface CacheHeader {
  fingerprint: string;
  n: number;
  channels: 1 | 3;
  height: number;
  width: number;
  hasLabels: boolean;
  classNames: string[];
  paths: string[];
  skipped: Dataset['skipped'];
}

const align8 = (x: number) => Math.ceil(x / 8) * 8;

export async function writeDatasetCache(file: string, fingerprint: string, d: Dataset): Promise<void> {
  const header: CacheHeader = {
    fingerprint,
    n: d.n,
    channels: d.channels,
    height: d.height,
    width: d.width,
    hasLabels: d.labels !== null,
    classNames: d.classNames,
    paths: d.paths,
    skipped: d.skipped,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const labelsStart = align8(12 + headerBytes.length);
  const imagesStart = labelsStart + (d.labels ? d.n * 4 : 0);
  const out = Buffer.alloc(imagesStart + d.images.length);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  if (d.labels) for (let i = 0; i < d.n; i++) out.writeInt32LE(d.labels[i], labelsStart + 4 * i);
  out.set(d.images, imagesStart);
  await writeFileAtomic(file, out);
}

/** The cached dataset, or null when the file is absent, damaged or for another fingerprint (a miss). */
export async function readDatasetCache(file: string, fingerprint: string, root: string): Promise<Dataset | null> {
  const bytes = await fs.readFile(file).catch(() => null);
  if (!bytes || bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) return null;
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength));
  } catch {
    return null;
  }
  if (header.fingerprint !== fingerprint) return null;
  const labelsStart = align8(12 + headerLength);
  const imagesStart = labelsStart + (header.hasLabels ? header.n * 4 : 0);
  const imageBytes = header.n * header.channels * header.height * header.width;
  if (bytes.length !== imagesStart + imageBytes) return null;
  let labels: Int32Array | null = null;
  if (header.hasLabels) {
    labels = new Int32Array(header.n);
    for (let i = 0; i < header.n; i++) labels[i] = bytes.readInt32LE(labelsStart + 4 * i);
  }
  return {
    images: new Uint8Array(bytes.buffer, bytes.byteOffset + imagesStart, imageBytes),
    n: header.n,
    channels: header.channels,
    height: header.height,
    width: header.width,
    labels,
    classNames: header.classNames,
    paths: header.paths,
    root,
    skipped: header.skipped,
  };
}
