// Image-folder datasets. Layout rules:
// - If the root has sub-folders, each top-level sub-folder is a class (its name, sorted, gives the label);
//   everything below it, recursively, belongs to that class. Files directly in such a root are unlabeled (-1).
// - If the root has no sub-folders, the dataset is unlabeled (labels null).
// - Hidden entries (name starting with '.') are ignored: .DS_Store, .git, our own .sslmem cache.
// Every other file is a candidate; its content decides whether it is an image. Files that fail are skipped
// with a reason. Samples are ordered by relative path so the order never depends on the filesystem.
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { decodeImage } from './decode-image';
import { mapBounded } from './pool';
import { MAX_DATASET_BYTES, TooLargeError } from './limits';
import { normaliseDecodeConfig, type DecodeConfig, type Dataset, type SkippedFile } from './types';

export interface ImageFolderEntry {
  /** Relative path with '/' separators. */
  path: string;
  /** Class folder name, or null for files outside any class folder. */
  className: string | null;
  size: number;
  mtimeMs: number;
}

export interface ImageFolderListing {
  root: string;
  labeled: boolean;
  classNames: string[];
  entries: ImageFolderEntry[];
  /** Names that cannot be read as files (dangling links, link loops, names that are not valid UTF-8): reported, never dropped silently. */
  skipped: SkippedFile[];
}

/** Why a listed name cannot be stat'ed as a file. */
function unreadableReason(name: string, isLink: boolean, err: NodeJS.ErrnoException | null): string {
  // Node decodes names as UTF-8 with U+FFFD for bad bytes; such a name no longer names the file on disk.
  if (name.includes('\uFFFD')) return 'file name is not valid UTF-8 (cannot be opened by its decoded name); rename it';
  if (err?.code === 'ELOOP') return 'symbolic link loop';
  if (isLink && err?.code === 'ENOENT') return 'dangling symbolic link (its target does not exist)';
  return `cannot read: ${err?.code ?? 'not a regular file'}`;
}

/** List candidate files (no decoding). Used both to decode and to fingerprint the folder for the cache. */
export async function listImageFolder(root: string): Promise<ImageFolderListing> {
  const top = await fs.readdir(root, { withFileTypes: true });
  const classDirs = top
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const entries: ImageFolderEntry[] = [];
  const skipped: SkippedFile[] = [];
  const statOrSkip = async (full: string, name: string, isLink: boolean) => {
    try {
      return await fs.stat(full);
    } catch (err) {
      skipped.push({
        path: relative(root, full).split(sep).join('/'),
        reason: unreadableReason(name, isLink, err as NodeJS.ErrnoException),
      });
      return null;
    }
  };
  async function walk(dir: string, className: string | null): Promise<void> {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full, className);
      else if (e.isFile() || e.isSymbolicLink()) {
        const stat = await statOrSkip(full, e.name, e.isSymbolicLink());
        if (!stat || !stat.isFile()) continue; // reported above, or a link to a folder
        entries.push({ path: relative(root, full).split(sep).join('/'), className, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  }
  for (const e of top) {
    if (e.name.startsWith('.') || e.isDirectory()) continue;
    const full = join(root, e.name);
    const stat = await statOrSkip(full, e.name, e.isSymbolicLink());
    if (stat?.isFile()) entries.push({ path: e.name, className: null, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  for (const name of classDirs) await walk(join(root, name), name);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, labeled: classDirs.length > 0, classNames: classDirs, entries, skipped };
}

export interface ReadOptions {
  /** Concurrent decodes (default 2: the target machine has 2 cores). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function readImageFolder(
  root: string,
  decode: DecodeConfig,
  options: ReadOptions = {},
  listing?: ImageFolderListing,
): Promise<Dataset> {
  const config = normaliseDecodeConfig(decode);
  const list = listing ?? (await listImageFolder(root));
  const sample = config.channels * config.height * config.width;
  if (list.entries.length * sample > MAX_DATASET_BYTES) {
    throw new TooLargeError(
      `${root}: ${list.entries.length} files would decode to more than ${MAX_DATASET_BYTES / 1024 ** 3} GB at ${config.channels}×${config.height}×${config.width}`,
    );
  }
  const decoded = await mapBounded(
    list.entries,
    options.concurrency ?? 2,
    async (entry) => {
      try {
        const bytes = await fs.readFile(join(root, ...entry.path.split('/')));
        return { pixels: await decodeImage(bytes, config) };
      } catch (err) {
        return { error: describeError(err) };
      }
    },
    options.onProgress,
  );

  const skipped: SkippedFile[] = [...(list.skipped ?? [])];
  const kept: number[] = [];
  decoded.forEach((result, i) => {
    if ('error' in result) skipped.push({ path: list.entries[i].path, reason: result.error ?? 'unknown error' });
    else kept.push(i);
  });
  const images = new Uint8Array(kept.length * sample);
  const classIndex = new Map(list.classNames.map((name, i) => [name, i]));
  const labels = list.labeled ? new Int32Array(kept.length) : null;
  kept.forEach((entryIndex, i) => {
    images.set((decoded[entryIndex] as { pixels: Uint8Array }).pixels, i * sample);
    const className = list.entries[entryIndex].className;
    if (labels) labels[i] = className === null ? -1 : classIndex.get(className)!;
  });
  return {
    images,
    n: kept.length,
    channels: config.channels,
    height: config.height,
    width: config.width,
    labels,
    classNames: list.classNames,
    paths: kept.map((i) => list.entries[i].path),
    root,
    skipped,
  };
}

function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // libvips messages span lines and repeat the loader name; the first line carries the cause.
  return message.split('\n')[0].trim() || 'undecodable image';
}
