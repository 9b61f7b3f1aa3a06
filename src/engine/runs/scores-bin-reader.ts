// Reads scores.bin (format in scores-bin.ts) by row ranges, without loading the file.
import { promises as fs } from 'node:fs';
import type { ScoreRow, ScoresBinHeader } from './scores-bin';

export interface ScoresBinReader {
  header: ScoresBinHeader;
  /** Rows start..end-1 in file order (dataset index order); end is clamped to n. */
  readRange(start: number, end: number): Promise<ScoreRow[]>;
  /** Rows ranked start+1..end (most memorised first). */
  readRankRange(start: number, end: number): Promise<ScoreRow[]>;
  /** One whole numeric column (e.g. "normalised" for a histogram). */
  readColumn(name: string): Promise<Float32Array | Int32Array | Uint8Array>;
  close(): Promise<void>;
}

export async function openScoresBin(file: string): Promise<ScoresBinReader> {
  const handle = await fs.open(file, 'r');
  const readAt = async (position: number, length: number): Promise<Buffer> => {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    if (bytesRead !== length) throw new Error(`${file}: truncated (wanted ${length} bytes at ${position})`);
    return buf;
  };
  let header: ScoresBinHeader;
  try {
    const prefix = await readAt(0, 12);
    if (prefix.toString('latin1', 0, 8) !== 'SSLMSCB1') throw new Error(`${file} is not a scores.bin file`);
    header = JSON.parse((await readAt(12, prefix.readUInt32LE(8))).toString('utf8'));
  } catch (err) {
    await handle.close();
    throw err;
  }
  const column = (name: string) => {
    const info = header.columns.find((c) => c.name === name);
    if (!info) throw new Error(`scores.bin has no column "${name}"`);
    return info;
  };
  const hasColumn = (name: string) => header.columns.some((c) => c.name === name);
  const readSlice = async (name: string, start: number, end: number) => {
    const info = column(name);
    const width = info.type === 'u8' ? 1 : 4;
    const buf = await readAt(info.offset + start * width, (end - start) * width);
    const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return info.type === 'u8' ? new Uint8Array(copy) : info.type === 'i32' ? new Int32Array(copy) : new Float32Array(copy);
  };
  const readPaths = async (start: number, end: number): Promise<string[]> => {
    const offsets = new Uint32Array((await readAt(header.paths.offsets + 4 * start, 4 * (end - start + 1))).buffer.slice(0));
    const blob = await readAt(header.paths.blob + offsets[0], offsets[end - start] - offsets[0]);
    return Array.from({ length: end - start }, (_, i) => blob.toString('utf8', offsets[i] - offsets[0], offsets[i + 1] - offsets[0]));
  };
  const readRange = async (start: number, end: number): Promise<ScoreRow[]> => {
    start = Math.max(0, Math.floor(start));
    end = Math.min(header.n, Math.floor(end));
    if (end <= start) return [];
    const [index, subset, label, lf, lg, raw, normalised, rank, lfSe, lgSe] = await Promise.all(
      ['index', 'subset', 'label', 'lf', 'lg', 'raw', 'normalised', 'rank', 'lf_stderr', 'lg_stderr'].map((c) => readSlice(c, start, end)),
    );
    const paths = await readPaths(start, end);
    const whole =
      header.mode === 'whole' ? await Promise.all(['score_stderr', 'p_value', 'q_value'].map((c) => readSlice(c, start, end))) : null;
    // Several seed pairs: the pairs' s.e. (files from before that column, and one-pair runs, have none).
    const pairSe = !whole && hasColumn('score_stderr') ? await readSlice('score_stderr', start, end) : null;
    const atyp = whole && hasColumn('atypicality') ? await readSlice('atypicality', start, end) : null;
    return paths.map((path, i) => ({
      row: start + i,
      index: index[i],
      path,
      subset: header.subsets[subset[i]],
      label: label[i],
      lf: lf[i],
      lg: lg[i],
      raw: raw[i],
      normalised: normalised[i],
      rank: rank[i],
      lfStderr: lfSe[i],
      lgStderr: lgSe[i],
      ...(whole ? { scoreStderr: whole[0][i], pValue: whole[1][i], qValue: whole[2][i] } : {}),
      ...(pairSe ? { scoreStderr: pairSe[i] } : {}),
      ...(atyp ? { atypicality: atyp[i] } : {}),
    }));
  };
  return {
    header,
    readRange,
    async readRankRange(start, end) {
      start = Math.max(0, Math.floor(start));
      end = Math.min(header.n, Math.floor(end));
      if (end <= start) return [];
      const rows = await readSlice('by_rank', start, end);
      // Each row is a separate small read: a page is ~50 rows, far cheaper than loading 50k.
      return (await Promise.all(Array.from(rows, (r) => readRange(r, r + 1)))).map((one) => one[0]);
    },
    readColumn: async (name) => readSlice(name, 0, header.n),
    close: () => handle.close(),
  };
}
