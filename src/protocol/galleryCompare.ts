// Messages between the host and the side-by-side gallery panel: two galleries of the same samples (two runs
// on one dataset, or a run and a retrained encoder re-scored against the same g), each sorted by its own
// score, with each sample's score change. Rows travel in pages per side, never a whole run in one message.
// Imported by both bundles: no Node or `vscode` imports.
import { isFiniteNumber, isIntIn, isObject } from './guards';
import { MAX_PAGE } from './scorePanel';

export type Side = 'a' | 'b';
export const SIDES: readonly Side[] = ['a', 'b'];

/** One sample in one side's gallery. `index` is run A's dataset index on both sides (the selection key). */
export interface PairRow {
  index: number;
  path: string;
  /** Webview URI of the image or its rendered thumbnail; empty when none can be shown. */
  thumb: string;
  /** Position in this side's order, 1 = highest score; and in the other side's. */
  rank: number;
  otherRank: number;
  subset: string;
  /** This side's score and the other side's (normalised scores). */
  score: number;
  other: number;
  /** Always B − A, whichever side the row is on. */
  delta: number;
  /** Removed from the retrained encoder's training data (retrain comparisons only). */
  removed?: boolean;
}

export interface PairSummary {
  title: string;
  labelA: string;
  labelB: string;
  /** Samples in both galleries, and those only one side scored (left out). */
  shared: number;
  onlyA: number;
  onlyB: number;
  pearson: number | null;
  spearman: number | null;
  meanDelta: number | null;
  note: string;
}

export type HostToGalleryCompare =
  | ({ type: 'init' } & PairSummary)
  | { type: 'page'; side: Side; requestId: number; start: number; total: number; rows: PairRow[] }
  /** Where a sample sits in a side's order (the answer to `locate`). */
  | { type: 'located'; side: Side; index: number; pos: number }
  | { type: 'notice'; text: string };

export type GalleryCompareToHost =
  | { type: 'ready' }
  | { type: 'getRows'; side: Side; requestId: number; start: number; end: number }
  | { type: 'locate'; side: Side; index: number }
  | { type: 'openFile'; index: number }
  | { type: 'rendered'; side: Side; rows: number };

const MAX_INDEX = 2 ** 31 - 1;
const isSide = (x: unknown): x is Side => x === 'a' || x === 'b';

export function isGalleryCompareToHost(x: unknown): x is GalleryCompareToHost {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
      return Object.keys(x).length === 1;
    case 'getRows':
      return (
        isSide(x.side) &&
        isIntIn(x.requestId, 0, MAX_INDEX) &&
        isIntIn(x.start, 0, MAX_INDEX) &&
        isIntIn(x.end, 0, MAX_INDEX) &&
        (x.end as number) >= (x.start as number) &&
        (x.end as number) - (x.start as number) <= MAX_PAGE
      );
    case 'locate':
      return isSide(x.side) && isIntIn(x.index, 0, MAX_INDEX);
    case 'openFile':
      return isIntIn(x.index, 0, MAX_INDEX);
    case 'rendered':
      return isSide(x.side) && isIntIn(x.rows, 0, MAX_PAGE * 10);
    default:
      return false;
  }
}

const isNumOrNull = (x: unknown) => x === null || isFiniteNumber(x);

function isPairRow(x: unknown): x is PairRow {
  return (
    isObject(x) &&
    isIntIn(x.index, 0, MAX_INDEX) &&
    typeof x.path === 'string' &&
    typeof x.thumb === 'string' &&
    isIntIn(x.rank, 1, MAX_INDEX) &&
    isIntIn(x.otherRank, 1, MAX_INDEX) &&
    typeof x.subset === 'string' &&
    typeof x.score === 'number' &&
    typeof x.other === 'number' &&
    typeof x.delta === 'number' &&
    (x.removed === undefined || typeof x.removed === 'boolean')
  );
}

export function isHostToGalleryCompare(x: unknown): x is HostToGalleryCompare {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'init':
      return (
        typeof x.title === 'string' &&
        typeof x.labelA === 'string' &&
        typeof x.labelB === 'string' &&
        typeof x.note === 'string' &&
        [x.shared, x.onlyA, x.onlyB].every((n) => isIntIn(n, 0, MAX_INDEX)) &&
        [x.pearson, x.spearman, x.meanDelta].every(isNumOrNull)
      );
    case 'page':
      return (
        isSide(x.side) &&
        isIntIn(x.requestId, 0, MAX_INDEX) &&
        isIntIn(x.start, 0, MAX_INDEX) &&
        isIntIn(x.total, 0, MAX_INDEX) &&
        Array.isArray(x.rows) &&
        x.rows.length <= MAX_PAGE &&
        x.rows.every(isPairRow)
      );
    case 'located':
      return isSide(x.side) && isIntIn(x.index, 0, MAX_INDEX) && isIntIn(x.pos, -1, MAX_INDEX);
    case 'notice':
      return typeof x.text === 'string';
    default:
      return false;
  }
}
