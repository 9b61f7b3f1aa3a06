// What a caller passes to, and hears from, a run of the method (trained: pipeline.ts, imported:
// imported/import-encoders.ts): its own file so both orchestrators share it without importing each other.
import type { ProviderDecision, ProviderSetting } from '../runtime/providers';

export interface RuntimeOptions { provider?: ProviderSetting; threads?: number }

/** What the user said on this resume: paths outside the run's workspace they confirm (manifest-paths.ts). */
export interface ResumeOptions { confirmed?: readonly string[] }

export type PipelineEvent =
  | { kind: 'dataset'; n: number; skipped: number; cache: string }
  | { kind: 'stage'; stage: string; status: 'start' | 'done' | 'skip' }
  | { kind: 'train'; stage: string; step: number; total: number; loss: number; imagesPerSec: number }
  | { kind: 'score'; stage: string; done: number; total: number }
  /** The train step's execution provider: what runs, with how many threads, and why not the others. */
  | { kind: 'provider'; stage: string; decision: ProviderDecision };

export interface PipelineHooks {
  signal?: AbortSignal;
  log?: (message: string) => void;
  onEvent?: (event: PipelineEvent) => void;
}

export interface RunOutcome { runDir: string; status: 'done' | 'cancelled'; reportFile: string | null }
