// One entry point: detect the format, fingerprint the files, use the decode cache or decode and fill it.
import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { cacheFileFor, fingerprintOf, readDatasetCache, writeDatasetCache } from './cache';
import { readCifarBatches } from './cifar';
import { listImageFolder, readImageFolder, type ReadOptions } from './image-folder';
import { readIdxDataset } from './idx';
import { detectSource, type DatasetSource } from './source';
import { normaliseDecodeConfig, type DecodeConfig, type Dataset } from './types';

export interface LoadOptions extends ReadOptions {
  /** Folder for decode-cache files; no caching when omitted. */
  cacheDir?: string;
}

export interface LoadedDataset {
  dataset: Dataset;
  source: DatasetSource;
  /** Hash of files (relative path, size, mtime) + decode config; recorded in the run manifest. */
  fingerprint: string;
  cache: 'hit' | 'miss' | 'disabled';
  cacheFile: string | null;
}

async function fileStamp(path: string): Promise<[string, number, number]> {
  const s = await fs.stat(path);
  return [basename(path), s.size, s.mtimeMs];
}

export async function loadDataset(
  pathOrSource: string | DatasetSource,
  decode: DecodeConfig,
  options: LoadOptions = {},
): Promise<LoadedDataset> {
  const config = normaliseDecodeConfig(decode);
  const source = typeof pathOrSource === 'string' ? await detectSource(pathOrSource) : pathOrSource;
  let files: unknown;
  let root: string;
  let listing: Awaited<ReturnType<typeof listImageFolder>> | undefined;
  if (source.kind === 'image-folder') {
    listing = await listImageFolder(source.root);
    files = listing.entries.map((e) => [e.path, e.size, e.mtimeMs]);
    root = source.root;
  } else if (source.kind === 'idx') {
    files = await Promise.all([source.images, ...(source.labels ? [source.labels] : [])].map(fileStamp));
    root = dirname(source.images);
  } else {
    files = [source.variant, ...(await Promise.all(source.files.map(fileStamp)))];
    root = dirname(source.files[0]);
  }
  const fingerprint = fingerprintOf({ kind: source.kind, config, files });
  const cacheFile = options.cacheDir ? cacheFileFor(options.cacheDir, fingerprint) : null;
  if (cacheFile) {
    const cached = await readDatasetCache(cacheFile, fingerprint, root);
    if (cached) return { dataset: cached, source, fingerprint, cache: 'hit', cacheFile };
  }
  let dataset: Dataset;
  if (source.kind === 'image-folder') dataset = await readImageFolder(source.root, config, options, listing);
  else if (source.kind === 'idx') dataset = await readIdxDataset(source.images, source.labels, config);
  else dataset = await readCifarBatches(source.files, source.variant, config);
  if (cacheFile) await writeDatasetCache(cacheFile, fingerprint, dataset);
  return { dataset, source, fingerprint, cache: cacheFile ? 'miss' : 'disabled', cacheFile };
}
