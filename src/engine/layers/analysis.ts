// What every layer analysis (LayerMem, UnitMem, over training) takes besides its request, and what it returns.
import type { ProviderSetting } from '../runtime/providers';

export interface AnalysisRuntime {
  provider?: ProviderSetting;
  threads?: number;
}
export interface AnalysisHooks {
  signal?: AbortSignal;
  log?: (m: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
}
/** `note`: something the caller must show with the result (e.g. an imported run's LayerMem has one layer only). */
export interface AnalysisOutcome {
  runDir: string;
  status: 'done' | 'cancelled';
  file: string | null;
  note?: string;
}
