// Per-encoder alignment losses saved between the score_f and score_g stages, so a resumed run does not
// re-encode. Layout: "SSLMLS01" | u32 header length | header JSON { n, encoder, K, normalise } | padding to 8 |
// mean f64[n] | stderr f64[n] | count i32[n]. Little-endian.
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../util/atomic';

export interface LossArrays {
  mean: Float64Array;
  stderr: Float64Array;
  count: Int32Array;
}
export interface LossFileInfo {
  encoder: string;
  K: number;
  normalise: boolean;
}

const MAGIC = 'SSLMLS01';
const align8 = (x: number) => Math.ceil(x / 8) * 8;

export async function saveLosses(file: string, losses: LossArrays, info: LossFileInfo): Promise<void> {
  const n = losses.mean.length;
  if (losses.stderr.length !== n || losses.count.length !== n) throw new Error('loss arrays differ in length');
  const header = Buffer.from(JSON.stringify({ n, ...info }), 'utf8');
  const start = align8(12 + header.length);
  const out = Buffer.alloc(start + n * 20);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  for (let i = 0; i < n; i++) {
    out.writeDoubleLE(losses.mean[i], start + 8 * i);
    out.writeDoubleLE(losses.stderr[i], start + 8 * (n + i));
    out.writeInt32LE(losses.count[i], start + 16 * n + 4 * i);
  }
  await writeFileAtomic(file, out);
}

export async function loadLosses(file: string): Promise<LossArrays & LossFileInfo> {
  const bytes = await fs.readFile(file);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file} is not a losses file`);
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw new Error(`${file} is truncated`);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as { n: number } & LossFileInfo;
  const start = align8(12 + headerLength),
    n = header.n;
  if (bytes.length !== start + n * 20) throw new Error(`${file} is truncated`);
  const mean = new Float64Array(n),
    stderr = new Float64Array(n),
    count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    mean[i] = bytes.readDoubleLE(start + 8 * i);
    stderr[i] = bytes.readDoubleLE(start + 8 * (n + i));
    count[i] = bytes.readInt32LE(start + 16 * n + 4 * i);
  }
  return { mean, stderr, count, encoder: header.encoder, K: header.K, normalise: header.normalise };
}
