// Host ↔ webview messages of the "Layers & Units" panel (issue 16). The page gets plain summaries (no file
// paths it could ask to open); a unit's most-selective images come in pages on request. Every message from
// the page passes isLayersPanelToHost before use.
import { isIntIn, isObject } from './guards';

export interface LayerBar {
  name: string;
  shape: number[];
  layerMem: number;
  stderr: number;
  delta: number;
}
/** L_f vs L_g per point of the LayerMem set, for one layer (the alignment scatter). */
export interface ScatterLayer {
  name: string;
  lf: number[];
  lg: number[];
}
export interface LayersSummary {
  /** Why there is only the final layer (imported encoders), or null. */ finalLayerOnly: string | null;
  setLabel: string;
  points: number;
  reduce: string;
  pairs: number;
  bars: LayerBar[];
  scatter: ScatterLayer[];
  runScore: (number | null)[];
}
export interface UnitLayerSummary {
  name: string;
  kind: string;
  units: number;
  summary: { mean: number; median: number; max: number; scored: number; negative: number; dead: number };
  histogram: { edges: number[]; counts: number[] };
  /** Units ranked by UnitMem, highest first (at most MAX_UNITS_LISTED). */
  ranked: { unit: number; score: number }[];
}
export interface UnitsSummary {
  encoder: string;
  setLabel: string;
  points: number;
  augmentations: number;
  rest: string;
  negative: string;
  layers: UnitLayerSummary[];
}

/** Memorization over training (over-training.json): one row per snapshot step. */
export interface OverTrainingPoint {
  step: number;
  epoch: number;
  lossF: number | null;
  lossG: number | null;
  knnF: number | null;
  knnG: number | null;
  scoreSC: number;
  scoreSCStderr: number;
  scoreSS: number;
  scoreSSStderr: number;
}
export interface OverTrainingSummary {
  sampleSC: number;
  sampleSS: number;
  pairs: number;
  totalSteps: number;
  knn: string | null;
  rows: OverTrainingPoint[];
}

export interface UnitImage {
  index: number;
  path: string;
  mu: number;
  /** webview URI of the image file, '' when it cannot be shown. */ uri: string;
}

export type HostToLayersPanel =
  | {
      type: 'data';
      title: string;
      layers: LayersSummary | null;
      units: UnitsSummary | null;
      overTraining: OverTrainingSummary | null;
      notes: string[];
    }
  | {
      type: 'unitImages';
      layer: string;
      unit: number;
      page: number;
      pages: number;
      total: number;
      score: number | null;
      images: UnitImage[];
    }
  | { type: 'busy'; message: string }
  | { type: 'error'; message: string };

export type LayersPanelToHost =
  | { type: 'ready' }
  | { type: 'compute'; what: 'layers' | 'units' | 'history' }
  | { type: 'unitImages'; layer: string; unit: number; page: number };

export const UNIT_IMAGES_PER_PAGE = 8;
export const MAX_UNITS_LISTED = 200;

export function isLayersPanelToHost(x: unknown): x is LayersPanelToHost {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
      return true;
    case 'compute':
      return x.what === 'layers' || x.what === 'units' || x.what === 'history';
    case 'unitImages':
      return (
        typeof x.layer === 'string' &&
        x.layer.length > 0 &&
        x.layer.length <= 200 &&
        isIntIn(x.unit, 0, 1_000_000) &&
        isIntIn(x.page, 0, 100_000)
      );
    default:
      return false;
  }
}

export function isHostToLayersPanel(x: unknown): x is HostToLayersPanel {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'data':
      return typeof x.title === 'string' && Array.isArray(x.notes);
    case 'unitImages':
      return typeof x.layer === 'string' && typeof x.unit === 'number' && typeof x.page === 'number' && Array.isArray(x.images);
    case 'busy':
    case 'error':
      return typeof x.message === 'string';
    default:
      return false;
  }
}
