// Scores by image file, for the previews on image files (Explorer decorations, hovers, the Image
// Inspector, the Score Explorer side view): for every dataset folder, the latest finished run over it.
// No `vscode` import: unit tests build it from real run folders.
import * as path from 'node:path';
import type { ScoreRow } from '../engine/runs/scores-bin';
import { SUBSET_MEANING, type SubsetName } from '../protocol/scorePanel';
import { subsetCaption } from '../engine/runs/subsets';
import { listRuns, type RunSummary } from './runIndex';
import { RunData } from './runData';

/** Rank bands: badges and colours in the Explorer. By rank percentile among the question's points (S_C; see
 *  ranking.ts), so they mean the same for every run; controls (S_S, S_I, S_E) get the 'control' badge, never a
 *  band: f cannot have memorized an image g trained on too, or one neither saw (issue 17 item 4).
 *  Diamonds and circles, not letters: git's badges are letters (M, U, D, A), and a scored image that is also
 *  modified must not read as two git states. */
export type ScoreBand = 'high' | 'mid' | 'low' | 'control';
export const BAND_BADGES: Record<ScoreBand, string> = { high: '◆', mid: '◇', low: '·', control: '○' };
/** Letters a badge must never be: the git extension's (and other SCM providers') status letters. */
export const SCM_BADGE_LETTERS = ['M', 'm', 'U', 'A', 'D', 'R', 'C', 'I', '!'] as const;
export const BAND_LIMITS = { high: 0.05, mid: 0.25 } as const;
/** What a badge means, in words (tooltips, legends). */
export const BAND_TEXT: Record<ScoreBand, string> = {
  high: '◆ top 5% most memorized',
  mid: '◇ top 5–25% most memorized',
  low: 'below the top 25%',
  control: '○ control image: not a memorization candidate',
};

export interface SampleScore {
  file: string;
  runId: string;
  runDir: string;
  n: number;
  index: number;
  /** Rank by score among every scored image. */
  rank: number;
  score: number;
  raw: number;
  lf: number;
  lg: number;
  subset: SubsetName;
  label: number;
  className?: string;
  band: ScoreBand;
  /** Rank among the question's points (S_C in the paper's protocol, the only points f alone trained on); absent
   *  for controls. */
  candidateRank?: number;
  /** How many points the question has (|S_C|): candidateRank's denominator. */
  candidates: number;
  /** What the ranking is about, e.g. ['S_C']. */
  question: SubsetName[];
  /** The score lies in the controls' noise band (ranking.ts withinNoise). */
  noise: boolean;
  /** Standard error of the score (ranking.ts scoreStderr). */
  stderr: number;
  /** Whole-dataset runs: p-value against the control set (S_C = scored, S_E = control there). */
  p?: number;
}

/** The band of the rank-th of n question points. */
export function bandOf(rank: number, n: number): Exclude<ScoreBand, 'control'> {
  const q = (rank - 1) / Math.max(1, n);
  return q < BAND_LIMITS.high ? 'high' : q < BAND_LIMITS.mid ? 'mid' : 'low';
}

export class ScoreIndex {
  private byFile = new Map<string, SampleScore>();
  private runsByDataset = new Map<string, RunData>();
  private newest: RunData | undefined;
  private pinnedRun: RunData | undefined;

  /** Re-reads the stores; keeps only done runs with scores, the newest per dataset folder — or, for the
   *  pinned run's dataset folder, the pinned run (a pin that names no finished run is ignored). */
  async rebuild(storeFolders: readonly string[], pinnedRunDir?: string): Promise<void> {
    const done = (await listRuns(storeFolders)).filter((r) => r.status === 'done');
    const latest = new Map<string, RunSummary>();
    for (const r of done) {
      if (!r.dataset) continue;
      const key = path.resolve(r.dataset);
      const prev = latest.get(key);
      if (!prev || (r.createdAt ?? r.id) > (prev.createdAt ?? prev.id)) latest.set(key, r);
    }
    const pin = pinnedRunDir ? done.find((r) => r.dataset && path.resolve(r.dir) === path.resolve(pinnedRunDir)) : undefined;
    if (pin) latest.set(path.resolve(pin.dataset!), pin);
    let pinnedRun: RunData | undefined;
    const byFile = new Map<string, SampleScore>();
    const runsByDataset = new Map<string, RunData>();
    let newest: RunData | undefined;
    for (const [dataset, summary] of latest) {
      let data: RunData;
      try {
        data = await RunData.open(summary.dir);
      } catch {
        continue;
      } // done but its files are gone or damaged
      runsByDataset.set(dataset, data);
      data.init(); // computed now, in the background, so a score panel opening on this run answers at once
      if (!newest || data.manifest.createdAt > newest.manifest.createdAt) newest = data;
      if (summary === pin) pinnedRun = data;
      for (const row of data.byRank) {
        const file = data.fileOf(row);
        if (file) byFile.set(path.resolve(file), toSampleScore(data, row, file));
      }
    }
    this.byFile = byFile;
    this.runsByDataset = runsByDataset;
    this.newest = pinnedRun ?? newest;
    this.pinnedRun = pinnedRun;
  }

  lookup(file: string): SampleScore | undefined {
    return this.byFile.get(path.resolve(file));
  }
  get size(): number {
    return this.byFile.size;
  }
  /** The dataset roots of the indexed runs: relative paths in CSVs (scores.csv) are relative to these. */
  get datasetRoots(): string[] {
    return [...this.runsByDataset.keys()];
  }
  /** The run the Score Explorer view follows: the pinned run, else the most recently created finished run. */
  get latestRun(): RunData | undefined {
    return this.newest;
  }
  /** The pinned run, when the pin named a finished run with scores. */
  get pinned(): RunData | undefined {
    return this.pinnedRun;
  }
  /** The runs whose scores decorate images (one per dataset folder). */
  get runs(): RunData[] {
    return [...this.runsByDataset.values()];
  }
  /** The folders of the runs whose scores decorate images (one per dataset folder). */
  get decoratingRuns(): string[] {
    return [...this.runsByDataset.values()].map((d) => d.dir);
  }

  /**
   * The most memorized samples of the run the Score Explorer view follows: ranked among S_C, the points the
   * question is about (issue 17 item 4: ranking all subsets together put an S_S and an S_E image, which f
   * cannot have memorized more than g, at #1 and #2).
   */
  top(k: number): SampleScore[] {
    const data = this.newest;
    if (!data) return [];
    return data.byRank
      .filter((r) => !data.isControl(r))
      .slice(0, k)
      .map((row) => toSampleScore(data, row, data.fileOf(row) ?? row.path));
  }
}

function toSampleScore(data: RunData, row: ScoreRow, file: string): SampleScore {
  const candidateRank = data.questionRank.get(row.index);
  return {
    file,
    runId: data.id,
    runDir: data.dir,
    n: data.n,
    index: row.index,
    rank: row.rank,
    score: row.normalised,
    raw: row.raw,
    lf: row.lf,
    lg: row.lg,
    subset: row.subset,
    label: row.label,
    className: data.classNames[row.label],
    band: candidateRank === undefined ? 'control' : bandOf(candidateRank, data.questionSize),
    candidateRank,
    candidates: data.questionSize,
    question: data.question,
    noise: data.isNoise(row),
    stderr: data.stderrOf(row),
    ...(row.pValue !== undefined ? { p: row.pValue } : {}),
  };
}

/** Where a sample stands, in words: its rank among the question's points, or that it is a control. */
export function standing(s: SampleScore): string {
  // A whole-dataset run (it has p-values) ranks every scored image; its controls are in no encoder's training data.
  if (s.p !== undefined) {
    return s.candidateRank !== undefined
      ? `#${s.candidateRank} of ${s.candidates} scored images by memorization`
      : "control image (in no encoder's training data): the null, not ranked for memorization";
  }
  const among = s.question.length === 1 ? s.question[0] : 'all scored images';
  return s.candidateRank !== undefined
    ? `#${s.candidateRank} of ${s.candidates} in ${among} by memorization`
    : `${s.subset} control (${SUBSET_MEANING[s.subset].split(':')[1]?.trim() ?? s.subset}): a baseline, not ranked for memorization`;
}

/** One line for tooltips (file decorations take plain text). */
export function describeScore(s: SampleScore): string {
  const whole = s.p !== undefined ? ` · p ${s.p < 1e-3 ? s.p.toExponential(1) : s.p.toFixed(3)} (vs controls)` : '';
  const set = s.p !== undefined ? subsetCaption(s.subset, 'whole') : s.subset;
  return (
    `SSLMem score ${s.score.toFixed(3)}${s.noise ? ' (within noise)' : ''}${whole} · ${standing(s)} · ${set}${s.className ? ` · ${s.className}` : ''}` +
    `${s.band === 'control' ? '' : ` · ${BAND_TEXT[s.band]}`} · rank ${s.rank} of ${s.n} over all subsets · run ${s.runId}`
  );
}
