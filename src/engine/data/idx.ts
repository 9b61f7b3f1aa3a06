// IDX files (the MNIST family: MNIST, Fashion-MNIST, KMNIST, EMNIST), gzipped or plain (detected by the
// gzip magic, not the file name). Format: 2 zero bytes, a type byte (0x08 = uint8), the number of
// dimensions, then each dimension as a big-endian uint32, then the data, row-major.
import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { reshapeRaw } from './decode-image';
import { normaliseDecodeConfig, sampleSize, type DecodeConfig, type Dataset } from './types';
import { checkImageSize, gunzipBudget, MAX_DATASET_BYTES, MAX_GZIP_RATIO, TooLargeError } from './limits';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(fileBytes: Uint8Array, name = 'IDX file'): IdxArray {
  let bytes = fileBytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Inflate with a budget fixed before inflating (limits.ts): a 600 KB bomb stops at the budget, not at 600 MB.
    const budget = gunzipBudget(bytes.length);
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: budget });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        throw new TooLargeError(
          `${name}: inflates to more than ${(budget / 1024 ** 2).toFixed(0)} MB from ${(fileBytes.length / 1024).toFixed(0)} KB of gzip (over ${MAX_GZIP_RATIO}× — a decompression bomb, not a dataset); refused`,
        );
      }
      throw new Error(`${name}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${name}: not an IDX file (bad magic)`);
  if (bytes[2] !== 0x08) throw new Error(`${name}: IDX element type 0x${bytes[2].toString(16)} is not uint8`);
  const rank = bytes[3];
  if (rank < 1 || bytes.length < 4 + 4 * rank) throw new Error(`${name}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length < start + count) {
    throw new Error(`${name}: truncated IDX data (${bytes.length - start} of ${count} bytes)`);
  }
  return { dims, data: bytes.subarray(start, start + count) };
}

/** The labels file that goes with an images file by the usual naming (…-images-idx3-ubyte → …-labels-idx1-ubyte). */
export function idxLabelsPathFor(imagesPath: string): string | null {
  const name = basename(imagesPath);
  if (!/images-idx3-ubyte/.test(name)) return null;
  return `${dirname(imagesPath)}/${name.replace('images-idx3-ubyte', 'labels-idx1-ubyte')}`;
}

export async function readIdxDataset(imagesPath: string, labelsPath: string | null, decode: DecodeConfig): Promise<Dataset> {
  const config = normaliseDecodeConfig(decode);
  const imageName = basename(imagesPath);
  const images = parseIdx(await fs.readFile(imagesPath), imageName);
  if (images.dims.length !== 3) throw new Error(`${imageName}: expected a 3-D images array (N×H×W), got ${images.dims.join('×')}`);
  const [n, height, width] = images.dims;
  if (n === 0 || height === 0 || width === 0)
    throw new Error(
      `${imageName}: declares ${n} images of ${height}×${width} pixels; an IDX images file needs at least one image of at least 1×1`,
    );
  checkImageSize(width, height, `${imageName}: images`);
  if (n * sampleSize(config) > MAX_DATASET_BYTES)
    throw new TooLargeError(
      `${imageName}: ${n} images would decode to ${((n * sampleSize(config)) / 1024 ** 3).toFixed(1)} GB (limit ${MAX_DATASET_BYTES / 1024 ** 3} GB)`,
    );
  let labels: Int32Array | null = null;
  let classCount = 0;
  if (labelsPath) {
    const labelArray = parseIdx(await fs.readFile(labelsPath), basename(labelsPath));
    if (labelArray.dims.length !== 1 || labelArray.dims[0] !== n) {
      throw new Error(`${basename(labelsPath)}: expected ${n} labels, got shape ${labelArray.dims.join('×')}`);
    }
    labels = Int32Array.from(labelArray.data);
    classCount = labels.reduce((max, v) => Math.max(max, v + 1), 0);
  }
  const sample = config.channels * config.height * config.width;
  const out = new Uint8Array(n * sample);
  for (let i = 0; i < n; i++) {
    const plane = images.data.subarray(i * height * width, (i + 1) * height * width);
    out.set(await reshapeRaw(plane, width, height, 1, config), i * sample);
  }
  return {
    images: out,
    n,
    channels: config.channels,
    height: config.height,
    width: config.width,
    labels,
    classNames: Array.from({ length: classCount }, (_, i) => String(i)),
    paths: Array.from({ length: n }, (_, i) => `${imageName}#${i}`),
    root: dirname(imagesPath),
    skipped: [],
  };
}
