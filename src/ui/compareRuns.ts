// Compare two runs: the samples both scored (matched by image file, or by dataset path for records of
// IDX/CIFAR files), their score difference, and how well the two rankings agree. No `vscode` import.
import * as path from 'node:path';
import type { RunData } from './runData';

export interface ComparedSample {
  key: string;
  a: number;
  b: number;
  diff: number;
  subsetA: string;
  subsetB: string;
  rankA: number;
  rankB: number;
  /** Run A's dataset index and path of the sample (what the side-by-side gallery shows it by). */
  indexA: number;
  pathA: string;
}
export interface Comparison {
  runA: string;
  runB: string;
  shared: number;
  onlyA: number;
  onlyB: number;
  pearson: number;
  spearman: number;
  rows: ComparedSample[];
}

export function compareRuns(a: RunData, b: RunData): Comparison {
  const keyOf = (d: RunData, r: { path: string }) => d.fileOf(r) ?? `${path.resolve(d.datasetRoot)}#${r.path}`;
  const inB = new Map(b.byRank.map((r) => [keyOf(b, r), r]));
  const rows: ComparedSample[] = [];
  for (const ra of a.byRank) {
    const key = keyOf(a, ra);
    const rb = inB.get(key);
    if (!rb) continue;
    rows.push({
      key,
      a: ra.normalised,
      b: rb.normalised,
      diff: rb.normalised - ra.normalised,
      subsetA: ra.subset,
      subsetB: rb.subset,
      rankA: ra.rank,
      rankB: rb.rank,
      indexA: ra.index,
      pathA: ra.path,
    });
  }
  rows.sort((x, y) => Math.abs(y.diff) - Math.abs(x.diff));
  return {
    runA: a.id,
    runB: b.id,
    shared: rows.length,
    onlyA: a.n - rows.length,
    onlyB: b.n - rows.length,
    pearson: correlation(
      rows.map((r) => r.a),
      rows.map((r) => r.b),
    ),
    spearman: correlation(
      rows.map((r) => r.rankA),
      rows.map((r) => r.rankB),
    ),
    rows,
  };
}

function correlation(x: number[], y: number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((s, v) => s + v, 0) / n,
    my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx,
      dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** A Markdown report: summary, then the samples whose score moved most. */
export function comparisonMarkdown(c: Comparison, limit = 100): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '—');
  const lines = [
    `# SSLMem: run comparison`,
    '',
    `| | |`,
    `|---|---|`,
    `| run A | \`${c.runA}\` |`,
    `| run B | \`${c.runB}\` |`,
    `| samples in both | ${c.shared} (only A: ${c.onlyA}, only B: ${c.onlyB}) |`,
    `| Pearson r of scores | ${f(c.pearson)} |`,
    `| Spearman ρ of ranks | ${f(c.spearman)} |`,
    '',
    `## The ${Math.min(limit, c.rows.length)} largest score changes (B − A)`,
    '',
    '| sample | score A | score B | B − A | rank A | rank B | subset A | subset B |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...c.rows
      .slice(0, limit)
      .map(
        (r) =>
          `| ${r.key.replace(/\|/g, '\\|')} | ${f(r.a)} | ${f(r.b)} | ${f(r.diff)} | ${r.rankA} | ${r.rankB} | ${r.subsetA} | ${r.subsetB} |`,
      ),
  ];
  return lines.join('\n') + '\n';
}
