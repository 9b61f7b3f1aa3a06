// scores.bin: the score table in a form the UI can page through without loading it whole.
// Layout (all little-endian):
//   bytes 0..7   "SSLMSCB1"
//   bytes 8..11  u32 header length H
//   12..12+H     header JSON (utf8): { version, n, normalisation, classNames, subsets, columns: [{ name, type,
//                offset, bytes }], paths: { offsets, blob, blobBytes } }  — offsets are absolute file positions
//   columns      each column n values, 8-byte aligned: index i32, subset u8 (position in header.subsets),
//                label i32, lf/lg/raw/normalised/lf_stderr/lg_stderr f32, rank i32, by_rank i32 (row ids in
//                rank order: by_rank[r] = row whose rank is r + 1)
//                whole-dataset runs add score_stderr/p_value/q_value f32 and say `mode: 'whole'`, `fdr` in the header;
//                since the atypicality check also atypicality f32 (optional: older whole runs lack it);
//                paper runs with several seed pairs add score_stderr f32 (from the pairs' spread) and `seedPairs`
//   paths        u32[n + 1] byte offsets into the utf8 blob, then the blob (path of row i = blob[off[i]..off[i+1]))
// A range read touches only the bytes of that range of each column.
import { writeFileAtomic } from '../util/atomic';
import { SUBSETS, type SubsetName } from './subsets';
import type { Normalisation } from './subsets';
import type { ScoreTable } from './score-table';

const MAGIC = 'SSLMSCB1';
type ColumnType = 'i32' | 'f32' | 'u8';
interface ColumnInfo {
  name: string;
  type: ColumnType;
  offset: number;
  bytes: number;
}
export interface ScoresBinHeader {
  version: 1;
  n: number;
  normalisation: Normalisation;
  classNames: string[];
  subsets: SubsetName[];
  columns: ColumnInfo[];
  paths: { offsets: number; blob: number; blobBytes: number };
  /** Absent in paper-protocol runs (and in every file written before whole-dataset runs existed). */
  mode?: 'whole';
  fdr?: number;
  /** Paper-protocol runs with more than one (f, g) pair: how many (their rows carry `score_stderr`). */
  seedPairs?: number;
}
export interface ScoreRow {
  row: number;
  index: number;
  path: string;
  subset: SubsetName;
  label: number;
  lf: number;
  lg: number;
  raw: number;
  normalised: number;
  rank: number;
  lfStderr: number;
  lgStderr: number;
  /** Whole-dataset runs: the score's standard error (over encoders), its p-value against the controls, the
   *  BH-adjusted p. Paper runs with several seed pairs: scoreStderr only (from the pairs' spread). */
  scoreStderr?: number;
  pValue?: number;
  qValue?: number;
  /** Whole-dataset runs that have it: mean distance to the k nearest other images in the representation. */
  atypicality?: number;
}

const WIDTH: Record<ColumnType, number> = { i32: 4, f32: 4, u8: 1 };
const align8 = (x: number) => Math.ceil(x / 8) * 8;

function columnsOf(t: ScoreTable): [string, ColumnType, ArrayLike<number>][] {
  const byRank = new Int32Array(t.n);
  for (let r = 0; r < t.n; r++) byRank[t.rank[r] - 1] = r;
  return [
    ['index', 'i32', t.index],
    ['subset', 'u8', t.subset.map((s) => SUBSETS.indexOf(s))],
    ['label', 'i32', t.label],
    ['lf', 'f32', t.lf],
    ['lg', 'f32', t.lg],
    ['raw', 'f32', t.raw],
    ['normalised', 'f32', t.normalised],
    ['lf_stderr', 'f32', t.lfStderr],
    ['lg_stderr', 'f32', t.lgStderr],
    ['rank', 'i32', t.rank],
    ['by_rank', 'i32', byRank],
    ...(t.whole
      ? ([
          ['score_stderr', 'f32', t.whole.scoreStderr],
          ['p_value', 'f32', t.whole.pValue],
          ['q_value', 'f32', t.whole.qValue],
        ] as [string, ColumnType, ArrayLike<number>][])
      : []),
    ...(t.whole?.atypicality ? ([['atypicality', 'f32', t.whole.atypicality]] as [string, ColumnType, ArrayLike<number>][]) : []),
    ...(t.pairs ? ([['score_stderr', 'f32', t.pairs.scoreStderr]] as [string, ColumnType, ArrayLike<number>][]) : []),
  ];
}

export function encodeScoresBin(t: ScoreTable): Buffer {
  const columns = columnsOf(t);
  const pathBytes = t.path.map((p) => Buffer.from(p, 'utf8'));
  const blobBytes = pathBytes.reduce((s, b) => s + b.length, 0);
  // The header holds the offsets, and its own length moves them: lay out with a placeholder length, then
  // repeat until the header text is stable (offsets only grow with it, so this settles in a few passes).
  let header: ScoresBinHeader = {
    version: 1,
    n: t.n,
    normalisation: t.normalisation,
    classNames: t.classNames,
    subsets: [...SUBSETS],
    columns: [],
    paths: { offsets: 0, blob: 0, blobBytes },
    ...(t.whole ? { mode: 'whole' as const, fdr: t.whole.fdr } : {}),
    ...(t.pairs ? { seedPairs: t.pairs.seedPairs } : {}),
  };
  let headerJson = '';
  for (let pass = 0; ; pass++) {
    if (pass === 10) throw new Error('internal: scores.bin header layout did not settle');
    let at = align8(12 + Buffer.byteLength(headerJson || JSON.stringify(header)));
    const infos: ColumnInfo[] = columns.map(([name, type]) => {
      const info = { name, type, offset: at, bytes: t.n * WIDTH[type] };
      at = align8(at + info.bytes);
      return info;
    });
    const next = { ...header, columns: infos, paths: { offsets: at, blob: at + 4 * (t.n + 1), blobBytes } };
    const json = JSON.stringify(next);
    if (json === headerJson) break;
    header = next;
    headerJson = json;
  }
  const out = Buffer.alloc(header.paths.blob + blobBytes);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(Buffer.byteLength(headerJson), 8);
  out.write(headerJson, 12, 'utf8');
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  header.columns.forEach((info, c) => {
    const values = columns[c][2];
    if (littleEndian) {
      // Typed-array copy (offsets are 8-byte aligned): much faster than per-value writes for 50k rows.
      const Type = info.type === 'i32' ? Int32Array : info.type === 'u8' ? Uint8Array : Float32Array;
      new Type(out.buffer, out.byteOffset + info.offset, t.n).set(values);
      return;
    }
    for (let i = 0; i < t.n; i++) {
      const at = info.offset + i * WIDTH[info.type];
      if (info.type === 'i32') out.writeInt32LE(values[i], at);
      else if (info.type === 'u8') out.writeUInt8(values[i], at);
      else out.writeFloatLE(values[i], at);
    }
  });
  let cursor = 0;
  pathBytes.forEach((b, i) => {
    out.writeUInt32LE(cursor, header.paths.offsets + 4 * i);
    b.copy(out, header.paths.blob + cursor);
    cursor += b.length;
  });
  out.writeUInt32LE(cursor, header.paths.offsets + 4 * t.n);
  return out;
}

export function writeScoresBin(file: string, table: ScoreTable): Promise<void> {
  return writeFileAtomic(file, encodeScoresBin(table));
}
