// Which reader a path needs. A folder holding IDX or CIFAR files is read as that format; any other folder is
// an image folder. A single file must be an IDX images file or a CIFAR batch.
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { idxLabelsPathFor } from './idx';
import type { CifarVariant } from './cifar';

export type DatasetSource =
  | { kind: 'image-folder'; root: string }
  | { kind: 'idx'; images: string; labels: string | null }
  | { kind: 'cifar'; files: string[]; variant: CifarVariant };

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function idxSource(images: string): Promise<DatasetSource> {
  const guess = idxLabelsPathFor(images);
  let labels: string | null = null;
  if (guess) {
    // The labels file may be gzipped while the images file is not, or the reverse.
    const plain = guess.replace(/\.gz$/, '');
    for (const candidate of [guess, plain, `${plain}.gz`])
      if (await exists(candidate)) {
        labels = candidate;
        break;
      }
  }
  return { kind: 'idx', images, labels };
}

function cifarVariantOf(name: string, size: number): CifarVariant | null {
  if (/^(data_batch_\d+|test_batch)\.bin$/.test(name)) return 'cifar10';
  if (/^(train|test)\.bin$/.test(name)) return 'cifar100';
  if (size > 0 && size % 3073 === 0) return 'cifar10';
  if (size > 0 && size % 3074 === 0) return 'cifar100';
  return null;
}

/**
 * Detect the format of `path`. For folders of the standard distributions the TRAINING part is read
 * (train-images-idx3-ubyte, data_batch_1..5.bin, CIFAR-100 train.bin); pass a file to read another part.
 */
export async function detectSource(path: string): Promise<DatasetSource> {
  const stat = await fs.stat(path).catch(() => null);
  if (!stat) throw new Error(`dataset not found: ${path}`);
  if (stat.isFile()) {
    const name = basename(path);
    if (/idx3-ubyte/.test(name)) return idxSource(path);
    const variant = cifarVariantOf(name, stat.size);
    if (variant) return { kind: 'cifar', files: [path], variant };
    throw new Error(`${name}: not a dataset file (expected an IDX images file or a CIFAR .bin batch; for images pass their folder)`);
  }
  const names = (await fs.readdir(path)).sort();
  const trainIdx = names.find((n) => /^train-images-idx3-ubyte(\.gz)?$/.test(n)) ?? names.find((n) => /images-idx3-ubyte(\.gz)?$/.test(n));
  if (trainIdx) return idxSource(join(path, trainIdx));
  const batches = names.filter((n) => /^data_batch_\d+\.bin$/.test(n));
  if (batches.length) return { kind: 'cifar', files: batches.map((n) => join(path, n)), variant: 'cifar10' };
  if (names.includes('train.bin')) return { kind: 'cifar', files: [join(path, 'train.bin')], variant: 'cifar100' };
  return { kind: 'image-folder', root: path };
}
