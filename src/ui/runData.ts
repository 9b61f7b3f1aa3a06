// One finished run as the UI reads it: manifest, report.json, scores.bin (read once, kept in memory: a 50k
// run is ~5 MB of rows, and filtering/paging then costs microseconds), marks.json. No `vscode` import,
// so unit tests and the gallery benchmark use it directly. The webview only ever gets pages of it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readManifest, type RunManifest } from '../engine/runs/index';
import { type ScoreRow } from '../engine/runs/scores-bin';
import { openScoresBin } from '../engine/runs/scores-bin-reader';
import { writeJsonAtomic } from '../engine/util/atomic';
import { isInside, joinInside } from '../engine/runs/containment';
import { csvText } from '../engine/runs/escape';
import { isObject } from '../engine/util/guards';
import { locateDataset, type DatasetLocation } from './datasetLocation';
import { atypicalityChart, type ReportAtypicality } from './atypicalityChart';
import {
  noiseBand,
  orderRows,
  questionRanks,
  questionSubsets,
  rawSpread,
  scoreStderr,
  subsetCounts,
  withinNoise,
  type NoiseBand,
} from './ranking';
import {
  SUBSET_NAMES,
  type AtypicalityChart,
  type SortKey,
  type Histogram,
  type InitMessage,
  type Mark,
  type RowFilter,
  type SubsetName,
  type TestSummary,
} from '../protocol/scorePanel';

export const MARKS_FILE = 'marks.json';
const HISTOGRAM_BINS = 40;
/** The threshold slider's exact fraction needs S_C's scores; beyond this many, evenly spaced quantiles do. */
const MAX_CANDIDATE_SCORES = 20_000;

interface MarksFile {
  format: 'sslmem-marks';
  version: 1;
  keep: number[];
  exclude: number[];
}
interface ReportJson {
  normalisation?: string;
  tests?: Record<string, { t: number | null; p: number | null; meanDifference: number | null; expected: string; holds: boolean }>;
  threshold_curve?: { tau: number; fraction: number }[];
  /** Whole-dataset runs (engine sslmem/whole/whole-report-types.ts). */
  mode?: string;
  whole?: { encoders: number; control: number; scored: number; fdr: number; memorized: number };
  /** Whole-dataset runs since the atypicality check: ρ(score, atypicality) (engine sslmem/whole/atypicality.ts). */
  atypicality?: ReportAtypicality;
}

/** The panel's part of a whole-dataset report (report.json holds more: preset, provider, threads, …). */
const wholeSummary = (w: NonNullable<ReportJson['whole']>) => ({
  encoders: w.encoders,
  control: w.control,
  scored: w.scored,
  fdr: w.fdr,
  memorized: w.memorized,
});

export class RunData {
  /** Rows in rank order (most memorised first). */
  readonly byRank: ScoreRow[];
  private readonly byIndex = new Map<number, ScoreRow>();
  private lastQuery: { key: string; rows: ScoreRow[] } | undefined;

  private constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
    readonly report: ReportJson,
    readonly classNames: string[],
    rows: ScoreRow[],
    readonly marks: Map<number, Mark>,
    /** How scores.bin's scores were normalised (its header): the standard error depends on it. */
    readonly normalisation: string,
    /** (f, g) seed pairs averaged (scores.bin's header; 1 for one-pair runs and files from before the field):
     *  with more, each row's stored s.e. comes from the pairs' spread. */
    readonly seedPairs = 1,
  ) {
    this.byRank = rows.slice().sort((a, b) => a.rank - b.rank);
    for (const r of rows) this.byIndex.set(r.index, r);
    this.location = locateDataset(dir, manifest.dataset);
    this.question = questionSubsets(subsetCounts(this.byRank));
    this.questionRank = questionRanks(this.byRank, this.question);
    this.noise = noiseBand(this.byRank);
    this.spread = rawSpread(this.byRank);
  }

  /** The subsets the ranking is about (ranking.ts: S_C, or every subset in a run without candidates). */
  readonly question: SubsetName[];
  /** Rank among the question's points by dataset index (controls have none). */
  readonly questionRank: ReadonlyMap<number, number>;
  /** The controls' noise band (ranking.ts), or undefined without controls. */
  readonly noise: NoiseBand | undefined;
  private readonly spread: number;
  /** How many rows are question points (the denominator of questionRank). */
  get questionSize(): number {
    return this.questionRank.size;
  }
  isControl(row: Pick<ScoreRow, 'subset'>): boolean {
    return !this.question.includes(row.subset);
  }
  /** Standard error of a row's normalised score: the one the run stored (a whole-dataset run's over encoders, a
   *  several-pair run's from the pairs' spread), else the view-level one from L_f/L_g's (ranking.ts scoreStderr). */
  stderrOf(row: ScoreRow): number {
    return row.scoreStderr ?? scoreStderr(row, this.normalisation, this.spread);
  }
  /** Whether a row's score is within noise (ranking.ts withinNoise: the one rule). */
  isNoise(row: Pick<ScoreRow, 'normalised'>): boolean {
    return withinNoise(row.normalised, this.noise);
  }

  /** Where the dataset is on this disk (datasetLocation.ts); `relocate` after a relink. */
  location: DatasetLocation;
  relocate(): DatasetLocation {
    const before = this.location;
    this.location = locateDataset(this.dir, this.manifest.dataset);
    if (before.path !== this.location.path || before.state !== this.location.state) this.initCache = undefined;
    return this.location;
  }

  /**
   * The run at `dir`. Loaded runs are shared (the score index and a panel of the same run read it once);
   * a rewritten scores.bin (a resumed or re-scored run) invalidates the entry.
   */
  static async open(dir: string): Promise<RunData> {
    const key = path.resolve(dir);
    const stat = await fs.stat(path.join(dir, 'scores.bin'));
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    const hit = loadedRuns.get(key);
    if (hit && hit.stamp === stamp) {
      const data = await hit.data;
      if (data.location.state === 'missing' || data.location.state === 'relinked') data.relocate(); // moved back, or relinked
      return data;
    }
    const data = RunData.load(dir);
    loadedRuns.set(key, { stamp, data });
    data.catch(() => loadedRuns.delete(key));
    // A handful of runs in memory is plenty (a 50k run is a few MB); drop the oldest beyond that.
    while (loadedRuns.size > 6) loadedRuns.delete(loadedRuns.keys().next().value!);
    return data;
  }

  private static async load(dir: string): Promise<RunData> {
    const manifest = await readManifest(dir);
    const reader = await openScoresBin(path.join(dir, 'scores.bin'));
    let rows: ScoreRow[];
    try {
      rows = await reader.readRange(0, reader.header.n);
    } finally {
      await reader.close();
    }
    const report = JSON.parse(await fs.readFile(path.join(dir, 'report.json'), 'utf8').catch(() => '{}')) as ReportJson;
    return new RunData(
      dir,
      manifest,
      report,
      reader.header.classNames,
      rows,
      await readMarks(dir),
      reader.header.normalisation,
      reader.header.seedPairs ?? 1,
    );
  }

  get id(): string {
    return this.manifest.id;
  }
  get n(): number {
    return this.byRank.length;
  }
  /** The folder sample paths are relative to. */
  get datasetRoot(): string {
    return datasetRootOf({ dataset: { ...this.manifest.dataset, path: this.location.path } });
  }
  get isImageFolder(): boolean {
    return (this.manifest.dataset.kind ?? 'image-folder') === 'image-folder';
  }

  row(index: number): ScoreRow | undefined {
    return this.byIndex.get(index);
  }
  /**
   * The file behind a sample, or undefined for samples that are records of an IDX/CIFAR file. Sample paths
   * come from scores.bin (data): one that leaves the dataset folder ('../../.ssh/id_rsa', '/etc/x') has no file.
   */
  fileOf(row: Pick<ScoreRow, 'path'>): string | undefined {
    return this.isImageFolder ? joinInside(this.datasetRoot, path.join(...row.path.split('/'))) : undefined;
  }

  /** fileOf, and also inside the dataset folder after symlinks: what open-file / inspector may open. */
  openableFileOf(row: Pick<ScoreRow, 'path'>): string | undefined {
    const file = this.fileOf(row);
    return file && isInside(file, this.datasetRoot) ? file : undefined;
  }

  /** The rows passing `filter`, in `sort` order (default: rank order). The last result is cached: scrolling
   *  pages through one filter. */
  query(filter: RowFilter, sort: SortKey = 'score-desc'): ScoreRow[] {
    const key = JSON.stringify([filter, sort]);
    if (this.lastQuery?.key === key) return this.lastQuery.rows;
    const subsets = new Set(filter.subsets);
    const classes = new Set(filter.classes);
    const min = filter.min ?? -Infinity,
      max = filter.max ?? Infinity;
    const marks = filter.marks ?? 'any';
    const rows = this.byRank.filter(
      (r) =>
        (subsets.size === 0 || subsets.has(r.subset)) &&
        (classes.size === 0 || classes.has(r.label)) &&
        (filter.minExclusive ? r.normalised > min : r.normalised >= min) &&
        r.normalised <= max &&
        (marks === 'any' || (marks === 'unmarked' ? !this.marks.has(r.index) : this.marks.get(r.index) === marks)),
    );
    const ordered = sort === 'score-desc' ? rows : orderRows(rows, sort, this.question, (r) => this.stderrOf(r));
    this.lastQuery = { key, rows: ordered };
    return ordered;
  }

  /** What a panel needs first (histogram, S_C scores, tests); computed once per loaded run. */
  init(): Omit<InitMessage, 'type' | 'runDir'> {
    this.initCache ??= this.computeInit();
    return this.initCache;
  }
  private initCache: Omit<InitMessage, 'type' | 'runDir'> | undefined;

  private computeInit(): Omit<InitMessage, 'type' | 'runDir'> {
    const counts = subsetCounts(this.byRank);
    const candidates = this.byRank
      .filter((r) => r.subset === 'S_C')
      .map((r) => r.normalised)
      .sort((a, b) => a - b);
    const round = (x: number) => Number(x.toPrecision(6)); // float32 data: 6 digits say it all
    const tests: TestSummary[] = Object.entries(this.report.tests ?? {}).map(([name, t]) => ({
      name,
      t: t.t,
      p: t.p,
      meanDifference: t.meanDifference,
      expected: t.expected,
      holds: t.holds,
    }));
    return {
      runId: this.id,
      dataset: this.location.path,
      preset: this.manifest.preset ?? 'custom',
      n: this.n,
      classNames: this.classNames,
      subsetCounts: counts,
      histogram: this.histogram(),
      candidateScores: thin(candidates, MAX_CANDIDATE_SCORES).map(round),
      thresholdCurve: this.report.threshold_curve ?? [],
      tests,
      normalisation: this.report.normalisation ?? 'unknown',
      // τ starts at the noise band's upper end: 95% of the controls (S_S, S_E) score below it.
      noiseLevel: this.noise ? round(this.noise.hi) : undefined,
      noiseBand: this.noise ? { lo: round(this.noise.lo), hi: round(this.noise.hi) } : undefined,
      question: [...this.question],
      ...(this.report.mode === 'whole' && this.report.whole ? { whole: wholeSummary(this.report.whole) } : {}),
      ...this.atypicality(),
      ...(this.seedPairs > 1 ? { seedPairs: this.seedPairs } : {}),
    };
  }

  private atypicality(): { atypicality?: AtypicalityChart } {
    if (this.report.mode !== 'whole' || !isObject(this.report.atypicality)) return {};
    const chart = atypicalityChart(this.byRank, this.report.atypicality, (r) => this.isControl(r));
    return chart ? { atypicality: chart } : {};
  }

  histogram(bins = HISTOGRAM_BINS): Histogram {
    let lo = Infinity,
      hi = -Infinity;
    for (const r of this.byRank)
      if (Number.isFinite(r.normalised)) {
        lo = Math.min(lo, r.normalised);
        hi = Math.max(hi, r.normalised);
      }
    if (!Number.isFinite(lo)) {
      lo = -1;
      hi = 1;
    }
    if (hi === lo) {
      lo -= 0.5;
      hi += 0.5;
    }
    const counts = Object.fromEntries(SUBSET_NAMES.map((s) => [s, new Array<number>(bins).fill(0)])) as Record<SubsetName, number[]>;
    const width = (hi - lo) / bins;
    for (const r of this.byRank) {
      if (!Number.isFinite(r.normalised)) continue;
      counts[r.subset][Math.min(bins - 1, Math.floor((r.normalised - lo) / width))]++;
    }
    return { lo, hi, counts };
  }

  async setMarks(indices: readonly number[], mark: Mark | 'none'): Promise<void> {
    for (const i of indices) {
      if (!this.byIndex.has(i)) continue;
      if (mark === 'none') this.marks.delete(i);
      else this.marks.set(i, mark);
    }
    this.lastQuery = undefined; // a marks filter may now match other rows
    const pick = (m: Mark) =>
      [...this.marks]
        .filter(([, v]) => v === m)
        .map(([i]) => i)
        .sort((a, b) => a - b);
    const file: MarksFile = { format: 'sslmem-marks', version: 1, keep: pick('keep'), exclude: pick('exclude') };
    await writeJsonAtomic(path.join(this.dir, MARKS_FILE), file);
  }

  markCounts(): { keep: number; exclude: number } {
    let keep = 0,
      exclude = 0;
    for (const m of this.marks.values())
      if (m === 'keep') keep++;
      else exclude++;
    return { keep, exclude };
  }

  /** CSV of the given samples (rank order), with absolute file paths where the dataset has files. */
  toCsv(indices: readonly number[]): string {
    const rows = indices
      .map((i) => this.byIndex.get(i))
      .filter((r): r is ScoreRow => !!r)
      .sort((a, b) => a.rank - b.rank);
    const q = csvText; // names are dataset text: quoted and guarded against spreadsheet formulas
    const lines = ['path,file,index,subset,label,class,L_f,L_g,raw,normalised,rank,mark'];
    for (const r of rows) {
      lines.push(
        [
          q(r.path),
          q(this.fileOf(r) ?? ''),
          r.index,
          r.subset,
          r.label,
          q(this.classNames[r.label] ?? ''),
          r.lf,
          r.lg,
          r.raw,
          r.normalised,
          r.rank,
          this.marks.get(r.index) ?? '',
        ].join(','),
      );
    }
    return lines.join('\n') + '\n';
  }
}

const loadedRuns = new Map<string, { stamp: string; data: Promise<RunData> }>();

export function datasetRootOf(m: Pick<RunManifest, 'dataset'>): string {
  const p = m.dataset.path;
  // IDX/CIFAR runs may name a file; their sample paths are relative to the folder holding it.
  return (m.dataset.kind ?? 'image-folder') === 'image-folder' ? p : path.extname(p) ? path.dirname(p) : p;
}

async function readMarks(dir: string): Promise<Map<number, Mark>> {
  const marks = new Map<number, Mark>();
  try {
    const f = JSON.parse(await fs.readFile(path.join(dir, MARKS_FILE), 'utf8')) as Partial<MarksFile>;
    for (const i of Array.isArray(f.keep) ? f.keep : []) if (Number.isInteger(i)) marks.set(i, 'keep');
    for (const i of Array.isArray(f.exclude) ? f.exclude : []) if (Number.isInteger(i)) marks.set(i, 'exclude');
  } catch {
    /* no marks yet, or an unreadable file: start empty rather than refuse to open the run */
  }
  return marks;
}

/** The q-quantile of an ascending list (linear interpolation). */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q,
    lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** At most `max` values of an ascending list, evenly spaced (keeps both ends). */
function thin(sorted: number[], max: number): number[] {
  if (sorted.length <= max) return sorted;
  return Array.from({ length: max }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]);
}
