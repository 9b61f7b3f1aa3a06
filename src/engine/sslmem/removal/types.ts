// The data of the retrain-after-removal experiment (method spec §3), as stored in `<run>/retrain.json` and
// shown by the retrain panel. Plain types only (the one import is the plain provider list, type only), so the
// webview and the protocol can share them.
import type { ProviderSetting } from '../../runtime/providers';

export type RemovalKind = 'memorized' | 'random' | 'none';

/** One evaluated encoder: the original f (removal 'none', encoder 'original') or a retrained one. */
export interface RetrainRow {
  /** Number of points removed from f's training data (0 for the original / the full-data baseline). */
  k: number;
  removal: RemovalKind;
  /** Removal seed (random removal); 0 otherwise. */
  seed: number;
  /** Linear-probe accuracy on the probe-test set, in [0, 1]. */
  linearProbeAccuracy: number;
  /** kNN accuracy on the probe-test set, in [0, 1]. */
  knnAccuracy: number;
  /** Transfer dataset accuracies, when one was given. */
  transferLinearProbeAccuracy?: number;
  transferKnnAccuracy?: number;
  /** Points the encoder trained on. */
  trainingSize: number;
  /** 'original': the run's f; 'retrained': trained by this experiment (folder under retrain/). */
  encoder: 'original' | 'retrained';
  /** Folder of the retrained encoder relative to the run ('f' for the original). */
  dir: string;
  epochs: number;
  steps: number;
  /** Wall seconds of this encoder's training (0 when reused) and of its evaluation. */
  trainSeconds: number;
  evalSeconds: number;
}

/** How the downstream evaluation was done (stated in retrain.md). */
export interface ProbeProtocol {
  probeTrain: string;
  probeTest: string;
  probeTrainSize: number;
  probeTestSize: number;
  knn: { k: number; vote: 'weighted' | 'majority'; metric: 'cosine' };
  linear: { epochs: number; batch: number; learningRate: number; weightDecay: number; optimizer: 'adam' | 'sgd'; standardised: true };
  transfer?: { data: string; trainSize: number; testSize: number };
}

/** Per-point score change of one retrained encoder against the original (re-scored against the same g). */
export interface ScoreDiff {
  /** Folder of the retrained encoder (relative to the run) that was re-scored. */
  dir: string;
  k: number;
  removal: RemovalKind;
  /** Per scored point (every subset): dataset index, path, subset, original and new normalised score. */
  index: number[];
  path: string[];
  subset: string[];
  before: number[];
  after: number[];
  /** Whether the point was removed from the retrained encoder's training data. */
  removed: boolean[];
}

export interface RetrainResults {
  format: 'sslmem-retrain';
  version: 1;
  /** 'whole': the run was a whole-dataset run (pool = its non-control images, probe-test = its control set, the
   *  reference a full-pool retraining). Absent: a paper-protocol run (files from before whole runs too). */
  mode?: 'whole';
  runId: string;
  createdAt: string;
  /** The k values as asked (counts, or fractions of f's training set) and as resolved to counts. */
  kRequested: number[];
  kResolved: number[];
  seeds: number;
  /** Size of the pool removals come from: f's training data (S_S ∪ S_C), or a whole run's non-control images. */
  poolSize: number;
  protocol: ProbeProtocol;
  rows: RetrainRow[];
  /** One line per k: the honest comparison (also in retrain.md). */
  conclusion: string[];
  /** File (relative to the run) with per-sample score differences, when computed. */
  scoreDiffFile?: string;
  /**
   * The run's own memorization signal (report.json: Welch S_C vs S_S; whole runs: scored vs control). Without
   * one, the "most memorized" ranking is mostly noise and no difference from random removal is to be expected.
   */
  runSignal?: { meanDifference: number; t: number; p: number };
}

/** Progress of the experiment (plain JSON: travels over the backend protocol as is). */
export type RetrainEvent =
  | { kind: 'plan'; encoders: string[]; estimatedSeconds: number | null }
  | { kind: 'encoder'; name: string; index: number; total: number; status: 'start' | 'skip' | 'done' }
  | { kind: 'train'; name: string; step: number; total: number; loss: number; imagesPerSec: number }
  | { kind: 'evaluate'; name: string }
  | { kind: 'score'; name: string; done: number; total: number };

export interface RetrainOutcome {
  runDir: string;
  status: 'done' | 'cancelled';
  resultsFile: string | null;
  summaryFile: string | null;
}

/** What a retrain-after-removal experiment is asked to do (removal/experiment.ts). */
export interface RetrainRequest {
  runDir: string;
  /** Counts (integers ≥ 1) or fractions in (0, 1) of the pool (f's training set; a whole run's non-control images). */
  k: number[];
  /** Random-removal seeds per k (≥ 1). */
  seeds: number;
  /** A second labeled dataset folder for transfer probing. */
  transferData?: string;
  /**
   * Train every retrained encoder for this many epochs instead of the run's (to fit a time budget). The
   * original f is then no fair reference, so a full-data encoder is retrained with the same epochs too.
   */
  epochs?: number;
  /**
   * Re-score the memorized-removal encoder of the largest k against g (per-sample score differences). Only
   * with the run's own epochs (g has the run's recipe), and only for paper runs (a whole run has no g).
   */
  rescore?: boolean;
}

/** Params of the backend job `retrainSslmem`: the request and where it runs (k encoders at once: concurrentTraining). */
export type RetrainSslmemParams = RetrainRequest & Omit<RetrainRuntime, 'concurrentTraining'> & { concurrentTraining?: number };

export interface RetrainHooks {
  signal?: AbortSignal;
  log?: (message: string) => void;
  onEvent?: (e: RetrainEvent) => void;
}
export interface RetrainRuntime {
  provider?: ProviderSetting;
  threads?: number;
  /** Retrain up to `stages` encoders at the same time (run-hooks.ts ConcurrentTraining; concurrent-training.ts). */
  concurrentTraining?: { stages: number; workerFile: string };
}
