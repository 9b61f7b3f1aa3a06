// Host/CLI ↔ backend messages of the layer analyses (issue 16): LayerMem (`layersSslmem`) and UnitMem
// (`unitsSslmem`) of a finished run, and memorization over training (`historySslmem`). Point sets travel as
// text ('S_C', 'S_C,S_S', 'top:50', 'train', 'all') and are parsed by the engine; the backend validates every
// field before a job starts.
import type { RuntimeParams } from './runtime-params';

export interface LayersSslmemParams extends RuntimeParams {
  runDir: string;
  set?: string;
  reduce?: 'flatten' | 'mean';
}
export interface UnitsSslmemParams extends RuntimeParams {
  runDir: string;
  /** 'f' (default), 'g', or the path of an ONNX encoder. */
  encoder?: string;
  set?: string;
  augmentations?: number;
  rest?: 'mean' | 'median';
  negative?: 'exclude' | 'shift';
}
/** Memorization over training: scores of a fixed sample at the run's training snapshots (over-training.json). */
export interface HistorySslmemParams extends RuntimeParams {
  runDir: string;
}
export interface AnalysisProgress {
  stage: string;
  done: number;
  total: number;
}
/** `note`: to show with the result (e.g. an imported run's LayerMem has the final layer only). */
export interface AnalysisResult {
  runDir: string;
  status: 'done' | 'cancelled';
  file: string | null;
  note?: string;
}
