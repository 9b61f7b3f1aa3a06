// TypeScript side of scripts/oracle/tensorpack.py: "TPK1", uint32 header length, JSON header, padding to 8,
// float64 data. Used to hand parameters and views to the PyTorch oracle and read its results back.
import { readFileSync, writeFileSync } from 'node:fs';

export interface Pack {
  meta: Record<string, unknown>;
  tensors: Map<string, { shape: number[]; data: Float64Array }>;
}

export function writePack(
  path: string,
  meta: Record<string, unknown>,
  tensors: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>,
): void {
  const entries: { name: string; shape: number[]; offset: number }[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    entries.push({ name, shape: [...t.shape], offset });
    offset += t.data.length;
  }
  const header = Buffer.from(JSON.stringify({ meta, tensors: entries }), 'utf8');
  const start = Math.ceil((8 + header.length) / 8) * 8;
  const out = Buffer.alloc(start + offset * 8);
  out.write('TPK1', 0, 'latin1');
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  const data = new Float64Array(out.buffer, out.byteOffset + start, offset);
  let at = 0;
  for (const t of Object.values(tensors)) {
    data.set(Array.from(t.data), at);
    at += t.data.length;
  }
  writeFileSync(path, out);
}

export function readPack(path: string): Pack {
  const raw = readFileSync(path);
  if (raw.toString('latin1', 0, 4) !== 'TPK1') throw new Error(`${path}: not a tensor pack`);
  const hlen = raw.readUInt32LE(4);
  const header = JSON.parse(raw.toString('utf8', 8, 8 + hlen)) as {
    meta: Record<string, unknown>;
    tensors: { name: string; shape: number[]; offset: number }[];
  };
  const start = Math.ceil((8 + hlen) / 8) * 8;
  const all = new Float64Array(raw.buffer.slice(raw.byteOffset + start, raw.byteOffset + raw.length));
  const tensors = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    tensors.set(t.name, { shape: t.shape, data: all.slice(t.offset, t.offset + n) });
  }
  return { meta: header.meta, tensors };
}
