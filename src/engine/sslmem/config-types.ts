// The shape of a resolved SSLMem configuration. Its own file so config-check.ts (the checks) and config.ts
// (the presets, which call the checks) both import it without importing each other.
import type { DecodeConfig } from '../data/types';
import type { OptimizerConfig } from '../graph/optim';
import type { RecipeName } from '../augment/config';
import type { SplitSizes } from './split';
import type { Normalisation } from '../runs/subsets';
import type { ModelKind } from '../models/registry';
import type { MethodKind } from '../methods/registry';

export interface SslmemConfig {
  decode: Required<Pick<DecodeConfig, 'height' | 'width' | 'channels'>>;
  model: { kind: ModelKind; options?: Record<string, number> };
  method: { kind: MethodKind; options?: Record<string, number> };
  /** The augmentation family used to train the encoders and to make the scoring views (method spec §5). */
  augment: RecipeName;
  batch: number;
  epochs: number;
  optimizer: OptimizerConfig;
  /** Peak learning rate; warmup (fraction of all steps) then cosine decay to 0. */
  learningRate: number;
  warmupFraction: number;
  split: SplitSizes;
  scoring: { pairs: number; batch: number; normalise: boolean; normalisation: Normalisation };
  /** Number of (f, g) seed pairs whose losses are averaged (the expectation over training runs). */
  seedPairs: number;
  /**
   * Weight copies of f and g at this many evenly spaced training steps (<encoder>/snapshots/step-NNNNNN.bin),
   * for `sslmem history` (memorization over training). Absent or 0: none.
   */
  snapshots?: number;
}
