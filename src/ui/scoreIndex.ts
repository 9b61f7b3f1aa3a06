// Scores by image file, for the previews on image files (Explorer decorations, hovers, the Image
// Inspector, the Score Explorer side view): for every dataset folder, the latest finished run over it.
// No `vscode` import: unit tests build it from real run folders.
import * as path from 'node:path';
import type { ScoreRow } from '../engine/runs/scores-bin';
import type { SubsetName } from '../protocol/scorePanel';
import { listRuns, type RunSummary } from './runIndex';
import { RunData } from './runData';

/** Rank bands: badges and colours in the Explorer. By rank percentile, so they mean the same for every run. */
export type ScoreBand = 'high' | 'mid' | 'low';
export const BAND_BADGES: Record<ScoreBand, string> = { high: 'M', mid: 'm', low: '·' };
export const BAND_LIMITS = { high: 0.05, mid: 0.25 } as const;

export interface SampleScore {
  file: string;
  runId: string;
  runDir: string;
  n: number;
  index: number;
  rank: number;
  score: number;
  raw: number;
  lf: number;
  lg: number;
  subset: SubsetName;
  label: number;
  className?: string;
  band: ScoreBand;
}

export function bandOf(rank: number, n: number): ScoreBand {
  const q = (rank - 1) / Math.max(1, n);
  return q < BAND_LIMITS.high ? 'high' : q < BAND_LIMITS.mid ? 'mid' : 'low';
}

export class ScoreIndex {
  private byFile = new Map<string, SampleScore>();
  private runsByDataset = new Map<string, RunData>();
  private newest: RunData | undefined;

  /** Re-reads the stores; keeps only done runs with scores, the newest per dataset folder. */
  async rebuild(storeFolders: readonly string[]): Promise<void> {
    const done = (await listRuns(storeFolders)).filter((r) => r.status === 'done');
    const latest = new Map<string, RunSummary>();
    for (const r of done) {
      if (!r.dataset) continue;
      const key = path.resolve(r.dataset);
      const prev = latest.get(key);
      if (!prev || (r.createdAt ?? r.id) > (prev.createdAt ?? prev.id)) latest.set(key, r);
    }
    const byFile = new Map<string, SampleScore>();
    const runsByDataset = new Map<string, RunData>();
    let newest: RunData | undefined;
    for (const [dataset, summary] of latest) {
      let data: RunData;
      try { data = await RunData.open(summary.dir); } catch { continue; } // done but its files are gone or damaged
      runsByDataset.set(dataset, data);
      data.init(); // computed now, in the background, so a score panel opening on this run answers at once
      if (!newest || data.manifest.createdAt > newest.manifest.createdAt) newest = data;
      for (const row of data.byRank) {
        const file = data.fileOf(row);
        if (file) byFile.set(path.resolve(file), toSampleScore(data, row, file));
      }
    }
    this.byFile = byFile;
    this.runsByDataset = runsByDataset;
    this.newest = newest;
  }

  lookup(file: string): SampleScore | undefined { return this.byFile.get(path.resolve(file)); }
  get size(): number { return this.byFile.size; }
  /** The dataset roots of the indexed runs: relative paths in CSVs (scores.csv) are relative to these. */
  get datasetRoots(): string[] { return [...this.runsByDataset.keys()]; }
  /** The most recently created finished run. */
  get latestRun(): RunData | undefined { return this.newest; }

  /** The most memorized samples of the latest run. */
  top(k: number): SampleScore[] {
    const data = this.newest;
    if (!data) return [];
    return data.byRank.slice(0, k).map((row) => toSampleScore(data, row, data.fileOf(row) ?? row.path));
  }
}

function toSampleScore(data: RunData, row: ScoreRow, file: string): SampleScore {
  return {
    file, runId: data.id, runDir: data.dir, n: data.n, index: row.index, rank: row.rank, score: row.normalised, raw: row.raw,
    lf: row.lf, lg: row.lg, subset: row.subset, label: row.label, className: data.classNames[row.label], band: bandOf(row.rank, data.n),
  };
}

/** One line for tooltips (file decorations take plain text). */
export function describeScore(s: SampleScore): string {
  return `SSLMem score ${s.score.toFixed(3)} · rank ${s.rank} of ${s.n} · ${s.subset}${s.className ? ` · ${s.className}` : ''}`;
}
