// Checkpoint file: everything needed to continue training exactly where it stopped.
//
//   bytes 0..7    magic "SSLMCKP1"
//   bytes 8..11   uint32 little-endian: byte length H of the JSON header
//   bytes 12..    H bytes of UTF-8 JSON (CheckpointHeader), then zero padding to a multiple of 16
//   data          float32 little-endian blobs; tensor t occupies [dataStart + t.offset, + 4 * numel)
//
// Tensors are keyed by their train-step graph input names ("param/…", "opt/<slot>/…", "buffer/…"), so a
// checkpoint maps one-to-one onto the feeds of the next step. Random state needs no blob: augmentation
// parameters are drawn from (seed, step) and batches from (seed, epoch), so `seed` and `step` suffice.
// Written atomically (temp file + fsync + rename) so a crash never leaves a truncated checkpoint.
import { promises as fs } from 'node:fs';
import { endianness } from 'node:os';
import { writeFileAtomic } from '../util/atomic';

const MAGIC = 'SSLMCKP1';
const ALIGN = 16;

export interface CheckpointTensorInfo {
  name: string;
  shape: number[];
  dtype: 'float32';
  offset: number;
}
export interface CheckpointHeader {
  format: 'sslmem-checkpoint';
  version: 1;
  /** Number of optimizer steps already taken; the next step to run has this index. */
  step: number;
  seed: number;
  tensors: CheckpointTensorInfo[];
  /** Free-form: model/method description, optimizer, schedule (for humans and compatibility checks). */
  meta: Record<string, unknown>;
}
export interface Checkpoint {
  step: number;
  seed: number;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  meta: Record<string, unknown>;
}

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const padded = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

function assertLittleEndian(): void {
  // Float32Array views use the host byte order; every platform Node ships on is little-endian.
  if (endianness() !== 'LE') throw new Error('checkpoints need a little-endian host');
}

export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  assertLittleEndian();
  const tensors: CheckpointTensorInfo[] = [];
  let offset = 0;
  for (const [name, t] of ck.tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) throw new Error(`checkpoint tensor ${name}: ${t.data.length} values for shape [${t.shape}]`);
    tensors.push({ name, shape: [...t.shape], dtype: 'float32', offset });
    offset += Math.ceil((4 * numel) / ALIGN) * ALIGN;
  }
  const header: CheckpointHeader = { format: 'sslmem-checkpoint', version: 1, step: ck.step, seed: ck.seed, tensors, meta: ck.meta };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = Math.ceil((12 + json.length) / ALIGN) * ALIGN;
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, 12);
  tensors.forEach((info) => {
    const data = ck.tensors.get(info.name)!.data;
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart + info.offset);
  });
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  assertLittleEndian();
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) {
    throw new Error(`${source}: not an SSLMem checkpoint (bad magic)`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error(`${source}: truncated header`);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as CheckpointHeader;
  if (header.format !== 'sslmem-checkpoint' || header.version !== 1)
    throw new Error(`${source}: unsupported format ${header.format} v${header.version}`);
  const dataStart = Math.ceil((12 + headerLength) / ALIGN) * ALIGN;
  const expectedEnd = header.tensors.reduce((end, t) => Math.max(end, dataStart + t.offset + padded(4 * numelOf(t.shape))), dataStart);
  if (bytes.length !== expectedEnd)
    throw new Error(`${source}: ${bytes.length} bytes, the header describes ${expectedEnd} (truncated or corrupt)`);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of header.tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const start = dataStart + t.offset;
    if (start + 4 * numel > bytes.length) throw new Error(`${source}: tensor ${t.name} runs past the end of the file`);
    // Copy out so the result owns aligned memory independent of the file buffer.
    const data = new Float32Array(numel);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + 4 * numel));
    tensors.set(t.name, { shape: t.shape, data });
  }
  return { step: header.step, seed: header.seed, tensors, meta: header.meta ?? {} };
}

export async function writeCheckpoint(path: string, ck: Checkpoint): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(ck));
}

export async function readCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await fs.readFile(path), path);
}
