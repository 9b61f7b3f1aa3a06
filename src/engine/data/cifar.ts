// CIFAR-10 / CIFAR-100 binary batches. Each record is label byte(s) then 3072 bytes of 32×32 RGB, planar.
// CIFAR-10: 1 label byte (10 classes). CIFAR-100: coarse label byte then fine label byte; we use the fine
// label (100 classes). A file whose size is not a whole number of records is truncated: the whole records
// are kept and the partial tail is reported as skipped.
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { reshapeRaw } from './decode-image';
import { normaliseDecodeConfig, type DecodeConfig, type Dataset, type SkippedFile } from './types';
import { MAX_DATASET_BYTES, TooLargeError } from './limits';

export type CifarVariant = 'cifar10' | 'cifar100';
const PIXELS = 32 * 32 * 3;

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Class names from batches.meta.txt / fine_label_names.txt next to the batches when present. */
async function classNamesFor(folder: string, variant: CifarVariant): Promise<string[]> {
  const file = join(folder, variant === 'cifar10' ? 'batches.meta.txt' : 'fine_label_names.txt');
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  const names = text
    ?.split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names && names.length === (variant === 'cifar10' ? 10 : 100)) return names;
  return variant === 'cifar10' ? CIFAR10_CLASSES : Array.from({ length: 100 }, (_, i) => String(i));
}

export async function readCifarBatches(files: string[], variant: CifarVariant, decode: DecodeConfig): Promise<Dataset> {
  if (files.length === 0) throw new Error('no CIFAR batch files given');
  const config = normaliseDecodeConfig(decode);
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const record = labelBytes + PIXELS;
  const sample = config.channels * config.height * config.width;
  const chunks: Uint8Array[] = [];
  const labels: number[] = [];
  const paths: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const bytes = await fs.readFile(file);
    const name = basename(file);
    const whole = Math.floor(bytes.length / record);
    if ((chunks.length + whole) * sample > MAX_DATASET_BYTES) {
      throw new TooLargeError(
        `${name}: ${chunks.length + whole} records would decode to more than ${MAX_DATASET_BYTES / 1024 ** 3} GB at ${config.channels}×${config.height}×${config.width}`,
      );
    }
    if (bytes.length === 0) {
      skipped.push({ path: name, reason: 'empty file (0 bytes)' });
      continue;
    }
    for (let r = 0; r < whole; r++) {
      const base = r * record;
      const label = bytes[base + labelBytes - 1];
      if (label >= (variant === 'cifar10' ? 10 : 100)) {
        skipped.push({ path: `${name}#${r}`, reason: `label ${label} out of range for ${variant}` });
        continue;
      }
      const planar = bytes.subarray(base + labelBytes, base + record);
      chunks.push(await toConfig(planar, config));
      labels.push(label);
      paths.push(`${name}#${r}`);
    }
    if (bytes.length % record !== 0) {
      skipped.push({ path: `${name}#${whole}`, reason: `truncated record: ${bytes.length % record} of ${record} bytes` });
    }
  }
  const images = new Uint8Array(chunks.length * sample);
  chunks.forEach((c, i) => images.set(c, i * sample));
  return {
    images,
    n: chunks.length,
    channels: config.channels,
    height: config.height,
    width: config.width,
    labels: Int32Array.from(labels),
    classNames: await classNamesFor(dirname(files[0]), variant),
    paths,
    root: dirname(files[0]),
    skipped,
  };
}

async function toConfig(planar: Uint8Array, config: Required<DecodeConfig>): Promise<Uint8Array> {
  if (config.channels === 3 && config.height === 32 && config.width === 32) return Uint8Array.from(planar);
  const plane = 32 * 32;
  const hwc = new Uint8Array(PIXELS);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) hwc[p * 3 + c] = planar[c * plane + p];
  return reshapeRaw(hwc, 32, 32, 3, config);
}
