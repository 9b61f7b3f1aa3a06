// Messages between the extension host and the score panel webview (one panel per run). Imported by both
// bundles: no Node or `vscode` imports. Rows travel in pages requested by index range ({start, end} over
// the filtered, rank-ordered list), never the whole run in one message (a run may have 50k samples).
import { isObject, isIntIn, isFiniteNumber, isStringArray } from './guards';

export const SUBSET_NAMES = ['S_S', 'S_C', 'S_I', 'S_E'] as const;
export type SubsetName = (typeof SUBSET_NAMES)[number];
/** What each subset is, in words a new user can follow (inspector, tooltips): which encoder trained on it. */
export const SUBSET_MEANING: Record<SubsetName, string> = {
  S_S: 'shared: f and g both trained on it',
  S_C: 'candidate: only f trained on it (the scores that measure memorization)',
  S_I: 'independent: only g trained on it',
  S_E: 'extra: neither f nor g trained on it',
};
export type Mark = 'keep' | 'exclude';

/** The gallery's orders (issue 17 item 4). 'memorization': the question's points (S_C) most memorized first,
 *  then the controls; the others sort every row by one column. */
export const SORT_KEYS = ['memorization', 'score-desc', 'score-asc', 'lf', 'lg', 'stderr'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SORT_LABELS: Record<SortKey, string> = {
  memorization: 'Most memorized S_C first, controls after',
  'score-desc': 'Score, high → low (all subsets)',
  'score-asc': 'Score, low → high',
  lf: 'L_f, low → high (f aligns best)',
  lg: 'L_g, low → high (g aligns best)',
  stderr: 'Uncertainty (standard error), high → low',
};
export const isSortKey = (x: unknown): x is SortKey => typeof x === 'string' && (SORT_KEYS as readonly string[]).includes(x);

/** Which rows the gallery shows; an empty list means "no restriction". Scores are the normalised score. */
export interface RowFilter {
  subsets: SubsetName[];
  classes: number[];
  min?: number;
  /** True: rows must score strictly above `min` ("Show scores > τ", as the threshold headline counts). */
  minExclusive?: boolean;
  max?: number;
  marks?: 'any' | Mark | 'unmarked';
}

export interface GalleryRow {
  /** Dataset index: the sample's stable id (selection and marks refer to it). */
  index: number;
  /** Rank by score among every scored sample. */
  rank: number;
  /** Rank among the question's points (S_C in the paper's protocol; 1 = most memorized); absent for controls. */
  questionRank?: number;
  score: number;
  /** Standard error of the score (runData.ts stderrOf: stored, or ranking.ts scoreStderr); NaN when unknown. */
  stderr: number;
  /** The score lies in the controls' noise band (ranking.ts withinNoise). */
  noise: boolean;
  raw: number;
  lf: number;
  lg: number;
  subset: SubsetName;
  label: number;
  /** Path as the run stores it (relative to the dataset root). */
  path: string;
  /** Webview URI of the image or its rendered thumbnail; empty when none can be shown. */
  thumb: string;
  mark?: Mark;
  /** Whole-dataset runs: the p-value against the control set and the BH q-value (absent for controls' q); lf/lg
   *  hold L_in/L_out there, and `stderr` is the encoder-level standard error the run stored. */
  p?: number;
  q?: number;
}

/** A whole-dataset run's summary for the panel: rows are S_C "scored" and S_E "control" (engine runs/subsets.ts). */
export interface WholeSummary {
  encoders: number;
  control: number;
  scored: number;
  fdr: number;
  memorized: number;
}

/** A whole-dataset run's score against its images' atypicality (engine sslmem/whole/atypicality.ts): one point
 *  per image, split into the scored images, the controls (grey, not in ρ) and the validation set's "planted-" images. */
export interface AtypicalityChart {
  /** Nearest neighbours averaged over (atypicality = mean distance to the k nearest in the representation). */
  k: number;
  /** Spearman ρ(score, atypicality) over the scored images and its two-sided p (report.json's `atypicality`). */
  rho: number;
  p: number;
  n: number;
  scored: AtypicalityXY[];
  control: AtypicalityXY[];
  planted: AtypicalityXY[];
}
/** x = atypicality, y = normalised score. */
export interface AtypicalityXY {
  x: number;
  y: number;
}

export interface Histogram {
  lo: number;
  hi: number;
  counts: Record<SubsetName, number[]>;
}
export interface TestSummary {
  name: string;
  t: number | null;
  p: number | null;
  meanDifference: number | null;
  expected: string;
  holds: boolean;
}

// ---- host -> webview ----
export interface InitMessage {
  type: 'init';
  runId: string;
  /** Kept in the page's state so a restored panel knows which run to ask for. */
  runDir: string;
  dataset: string;
  preset: string;
  n: number;
  classNames: string[];
  subsetCounts: Record<SubsetName, number>;
  histogram: Histogram;
  /** S_C's scores, ascending, so the threshold slider's fraction is exact and live without a round trip. */
  candidateScores: number[];
  thresholdCurve: { tau: number; fraction: number }[];
  tests: TestSummary[];
  normalisation: string;
  /** 95th percentile of the control subsets' scores (S_S and S_E: f and g saw them alike): scores below it are
   *  within noise. The threshold starts here. Absent when the run has no control scores. */
  noiseLevel?: number;
  /** The controls' noise band (ranking.ts): scores inside it are flagged "within noise". */
  noiseBand?: { lo: number; hi: number };
  /** The subsets rankings are about (S_C; every subset in a run without candidates); the rest are controls. */
  question: SubsetName[];
  /** Present for whole-dataset runs (every image scored, p-values against a control set). */
  whole?: WholeSummary;
  /** Whole-dataset runs whose report computed atypicality (runs made before that check have none). */
  atypicality?: AtypicalityChart;
  /** Present when the run averaged several (f, g) seed pairs: rows' `stderr` is then the pairs' spread
   *  (docs/confidence-intervals.md); absent: the view-level s.e. of one pair. */
  seedPairs?: number;
  /** The dataset is not where the run recorded it (a moved or cloned project); candidate: a workspace folder holding its files. */
  datasetMissing?: { recorded: string; candidate?: string };
}
export interface PageMessage {
  type: 'page';
  requestId: number;
  total: number;
  start: number;
  rows: GalleryRow[];
}
export interface MarksMessage {
  type: 'marks';
  keep: number;
  exclude: number;
}
export interface NoticeMessage {
  type: 'notice';
  text: string;
}
/** Augmented views of one sample (webview URIs), as the encoders were scored on them. */
export interface ViewsMessage {
  type: 'views';
  index: number;
  uris: string[];
}
export type HostToScorePanel = InitMessage | PageMessage | MarksMessage | NoticeMessage | ViewsMessage;

// ---- webview -> host ----
export type ScorePanelToHost =
  | { type: 'ready' }
  | { type: 'getRows'; requestId: number; filter: RowFilter; start: number; end: number; sort?: SortKey }
  | { type: 'setMark'; indices: number[]; mark: Mark | 'none' }
  | { type: 'exportSelection'; indices: number[] }
  | { type: 'openFile'; index: number }
  | { type: 'openInspector'; index: number }
  | { type: 'getViews'; index: number }
  | { type: 'rendered'; requestId: number; rows: number; ms: number }
  /** The user asked to relink a missing dataset (the host asks which folder: the page names none). */
  | { type: 'relinkDataset' };

/** UI state the page persists (vscode.setState): never data. */
export interface ScorePanelState {
  runDir: string;
  filter: RowFilter;
  threshold: number;
  density: number;
  sort?: SortKey;
  selected: number[];
  focus?: number;
  scrollTop?: number;
}

/** At most this many rows per page request: keeps one message small whatever the page asks for. */
export const MAX_PAGE = 500;
const MAX_INDEX = 2 ** 31 - 1;
const isIndexList = (x: unknown, max = 100_000): x is number[] =>
  Array.isArray(x) && x.length <= max && x.every((v) => isIntIn(v, 0, MAX_INDEX));

export function isRowFilter(x: unknown): x is RowFilter {
  if (!isObject(x)) return false;
  const num = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  return (
    isStringArray(x.subsets) &&
    x.subsets.every((s) => (SUBSET_NAMES as readonly string[]).includes(s)) &&
    isIndexList(x.classes, 10_000) &&
    num(x.min) &&
    num(x.max) &&
    (x.minExclusive === undefined || typeof x.minExclusive === 'boolean') &&
    (x.marks === undefined || ['any', 'keep', 'exclude', 'unmarked'].includes(x.marks as string))
  );
}

export function isScorePanelToHost(x: unknown): x is ScorePanelToHost {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'relinkDataset':
      return true;
    case 'getRows':
      return (
        isIntIn(x.requestId, 0, MAX_INDEX) &&
        isRowFilter(x.filter) &&
        isIntIn(x.start, 0, MAX_INDEX) &&
        isIntIn(x.end, 0, MAX_INDEX) &&
        (x.end as number) >= (x.start as number) &&
        (x.end as number) - (x.start as number) <= MAX_PAGE &&
        (x.sort === undefined || isSortKey(x.sort))
      );
    case 'setMark':
      return isIndexList(x.indices) && ['keep', 'exclude', 'none'].includes(x.mark as string);
    case 'exportSelection':
      return isIndexList(x.indices);
    case 'openFile':
    case 'openInspector':
    case 'getViews':
      return isIntIn(x.index, 0, MAX_INDEX);
    case 'rendered':
      return isIntIn(x.requestId, 0, MAX_INDEX) && isIntIn(x.rows, 0, MAX_PAGE * 10) && typeof x.ms === 'number';
    default:
      return false;
  }
}

const isXYArray = (x: unknown): x is AtypicalityXY[] =>
  Array.isArray(x) && x.every((q) => isObject(q) && isFiniteNumber(q.x) && isFiniteNumber(q.y));

export function isAtypicalityChart(x: unknown): x is AtypicalityChart {
  return (
    isObject(x) &&
    isIntIn(x.k, 1, 10_000) &&
    typeof x.rho === 'number' &&
    typeof x.p === 'number' &&
    isIntIn(x.n, 0, Number.MAX_SAFE_INTEGER) &&
    isXYArray(x.scored) &&
    isXYArray(x.control) &&
    isXYArray(x.planted)
  );
}

export function isHostToScorePanel(x: unknown): x is HostToScorePanel {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'init':
      return (
        typeof x.runId === 'string' &&
        typeof x.n === 'number' &&
        isObject(x.histogram) &&
        Array.isArray(x.candidateScores) &&
        isStringArray(x.question) &&
        (x.seedPairs === undefined || isIntIn(x.seedPairs, 2, 64)) &&
        (x.atypicality === undefined || isAtypicalityChart(x.atypicality)) &&
        (x.datasetMissing === undefined ||
          (isObject(x.datasetMissing) &&
            typeof x.datasetMissing.recorded === 'string' &&
            (x.datasetMissing.candidate === undefined || typeof x.datasetMissing.candidate === 'string')))
      );
    case 'page':
      return typeof x.requestId === 'number' && typeof x.total === 'number' && typeof x.start === 'number' && Array.isArray(x.rows);
    case 'marks':
      return typeof x.keep === 'number' && typeof x.exclude === 'number';
    case 'notice':
      return typeof x.text === 'string';
    case 'views':
      return typeof x.index === 'number' && Array.isArray(x.uris) && x.uris.every((u) => typeof u === 'string');
    default:
      return false;
  }
}

export function isScorePanelState(x: unknown): x is ScorePanelState {
  return (
    isObject(x) &&
    typeof x.runDir === 'string' &&
    isRowFilter(x.filter) &&
    typeof x.threshold === 'number' &&
    typeof x.density === 'number' &&
    isIndexList(x.selected) &&
    (x.sort === undefined || isSortKey(x.sort))
  );
}
