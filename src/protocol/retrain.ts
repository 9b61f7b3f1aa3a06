// Messages between the host and the retrain-after-removal panel, the validation of what arrives on either
// side, and the per-sample score-difference summary the panel shows. No Node or `vscode` imports: shared by
// the extension bundle and the webview bundle.
import { isFiniteNumber, isObject } from './guards';
import type { RetrainEvent, RetrainResults, RetrainRow, ScoreDiff } from '../engine/sslmem/removal/types';

/** The score changes worth showing: which points gained the most score once the top ones were removed. */
export interface ScoreDiffSummary {
  dir: string;
  k: number;
  /** Mean normalised score per subset before / after, over points not removed. */
  subsets: { subset: string; n: number; before: number; after: number }[];
  /** Largest increases among points that were not removed (the newly memorized). */
  risers: { index: number; path: string; subset: string; before: number; after: number }[];
}

export type HostToRetrain =
  | { type: 'results'; title: string; results: RetrainResults; diff: ScoreDiffSummary | null }
  | { type: 'progress'; event: RetrainEvent }
  | { type: 'error'; message: string };

/** compareGalleries: open the original and the re-scored retrained encoder side by side. */
export type RetrainToHost = { type: 'ready' } | { type: 'openSummary' } | { type: 'compareGalleries' };

export function isRetrainToHost(x: unknown): x is RetrainToHost {
  return isObject(x) && (x.type === 'ready' || x.type === 'openSummary' || x.type === 'compareGalleries') && Object.keys(x).length === 1;
}

const isAccuracy = (x: unknown) => isFiniteNumber(x) && x >= 0 && x <= 1;
const KINDS = ['memorized', 'random', 'none'];

export function isRetrainRow(x: unknown): x is RetrainRow {
  return (
    isObject(x) &&
    Number.isInteger(x.k) &&
    (x.k as number) >= 0 &&
    typeof x.removal === 'string' &&
    KINDS.includes(x.removal) &&
    Number.isInteger(x.seed) &&
    isAccuracy(x.linearProbeAccuracy) &&
    isAccuracy(x.knnAccuracy) &&
    Number.isInteger(x.trainingSize) &&
    (x.transferLinearProbeAccuracy === undefined || isAccuracy(x.transferLinearProbeAccuracy)) &&
    (x.transferKnnAccuracy === undefined || isAccuracy(x.transferKnnAccuracy)) &&
    typeof x.dir === 'string' &&
    (x.encoder === 'original' || x.encoder === 'retrained')
  );
}

export function isRetrainResults(x: unknown): x is RetrainResults {
  return (
    isObject(x) &&
    x.format === 'sslmem-retrain' &&
    (x.mode === undefined || x.mode === 'whole') &&
    Array.isArray(x.rows) &&
    x.rows.length <= 10_000 &&
    x.rows.every(isRetrainRow) &&
    Array.isArray(x.kResolved) &&
    x.kResolved.every((k) => Number.isInteger(k)) &&
    Array.isArray(x.conclusion) &&
    x.conclusion.every((l) => typeof l === 'string') &&
    isFiniteNumber(x.poolSize) &&
    isObject(x.protocol)
  );
}

function isDiffSummary(x: unknown): x is ScoreDiffSummary {
  return (
    isObject(x) &&
    typeof x.dir === 'string' &&
    Array.isArray(x.subsets) &&
    Array.isArray(x.risers) &&
    x.risers.length <= 1000 &&
    x.risers.every(
      (r) =>
        isObject(r) && typeof r.path === 'string' && typeof r.subset === 'string' && isFiniteNumber(r.before) && isFiniteNumber(r.after),
    )
  );
}

export function isHostToRetrain(x: unknown): x is HostToRetrain {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'results':
      return typeof x.title === 'string' && isRetrainResults(x.results) && (x.diff === null || isDiffSummary(x.diff));
    case 'progress':
      return isObject(x.event) && typeof x.event.kind === 'string';
    case 'error':
      return typeof x.message === 'string';
    default:
      return false;
  }
}

export function summariseScoreDiff(diff: ScoreDiff, top = 20): ScoreDiffSummary {
  const n = diff.index.length;
  const bySubset = new Map<string, { n: number; before: number; after: number }>();
  const kept: number[] = [];
  for (let r = 0; r < n; r++) {
    if (diff.removed[r] || !Number.isFinite(diff.before[r]) || !Number.isFinite(diff.after[r])) continue;
    kept.push(r);
    const s = bySubset.get(diff.subset[r]) ?? { n: 0, before: 0, after: 0 };
    s.n++;
    s.before += diff.before[r];
    s.after += diff.after[r];
    bySubset.set(diff.subset[r], s);
  }
  const risers = kept
    .sort((a, b) => diff.after[b] - diff.before[b] - (diff.after[a] - diff.before[a]) || a - b)
    .slice(0, top)
    .map((r) => ({ index: diff.index[r], path: diff.path[r], subset: diff.subset[r], before: diff.before[r], after: diff.after[r] }));
  return {
    dir: diff.dir,
    k: diff.k,
    subsets: [...bySubset]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subset, s]) => ({ subset, n: s.n, before: s.before / s.n, after: s.after / s.n })),
    risers,
  };
}
