// The result files of the layer analyses (issue 16): <run>/layers.json (LayerMem, ΔLayerMem) and
// <run>/units.json (UnitMem). Plain JSON types: the protocol, the CLI and the webview import them.

/** How a layer's output is laid out per image, which decides what a "unit" is. */
export type LayerKind =
  /** [C, H, W]: a conv block's feature map; a unit is a channel, spatially averaged. */
  | 'conv'
  /** [T, D]: a ViT block's tokens; a unit is one of the D features, averaged over the T tokens. */
  | 'tokens'
  /** [D]: a vector (FC layer, the pooled representation); a unit is a neuron. */
  | 'vector';

export interface LayerShape {
  name: string;
  kind: LayerKind;
  /** Per image, without the batch axis. */ shape: number[];
  units: number;
  positions: number;
}

/** Which points a LayerMem average (or a UnitMem pass) runs over. */
export type PointSet =
  | { kind: 'subset'; subsets: ('S_S' | 'S_C' | 'S_I' | 'S_E')[] }
  /** The k points with the highest score of the run (its final representation). */
  | { kind: 'top'; k: number }
  /** The encoder's own training data (UnitMem's default for f and g). */
  | { kind: 'train' }
  /** Every scored point. */
  | { kind: 'all' };

/** What a layer's output becomes before the alignment loss: all values, or the unit means. */
export type LayerReduce = 'flatten' | 'mean';

export interface LayerMemEntry extends LayerShape {
  /** Length of the vector the alignment loss compares (all values for 'flatten', `units` for 'mean'). */
  dim: number;
  /** Mean over the set of the per-point normalised score (L_g − L_f)/(L_g + L_f). */
  layerMem: number;
  /** Standard error of that mean over the points. */
  stderr: number;
  /** LayerMem(l) − LayerMem(l−1); for the first layer, LayerMem(l) itself (the input has no memorization). */
  delta: number;
  /** Mean alignment losses over the set. */
  meanLf: number;
  meanLg: number;
}

export interface LayersFile {
  version: 1;
  kind: 'layers';
  run: string;
  createdAt: string;
  model: string;
  set: PointSet;
  reduce: LayerReduce;
  normalise: boolean;
  /** K view pairs per point (the run's scoring setting) and the scoring seed (the same views as the score). */
  pairs: number;
  seed: number;
  seedPairs: number;
  /** Set when the run's encoders show only their output (imported ONNX files): why there is one layer. */
  finalLayerOnly?: string;
  layers: LayerMemEntry[];
  /** Per point of the set (dataset index order of `index`), per layer (outer index = layer). */
  points: { index: number[]; path: string[]; runScore: (number | null)[]; score: (number | null)[][]; lf: number[][]; lg: number[][] };
}

export type RestStatistic = 'mean' | 'median';
/**
 * Units with a negative mean activation on some point (e.g. an FC layer or a ViT residual stream, no ReLU):
 * 'exclude' gives them no UnitMem (null; the formula is the paper's for non-negative activations only),
 * 'shift' subtracts the unit's smallest mean activation over the points first (then UnitMem ∈ [0, 1]).
 */
export type NegativePolicy = 'exclude' | 'shift';

export interface UnitLayer extends LayerShape {
  /** Summary over the units that have a UnitMem. */
  summary: { mean: number; median: number; max: number; scored: number; negative: number; dead: number };
  /** Histogram of UnitMem over [0, 1] (bins of equal width). */
  histogram: { edges: number[]; counts: number[] };
  /** Per unit u: UnitMem (null: excluded, see NegativePolicy), μ_max, μ_rest, and whether μ went negative. */
  score: (number | null)[];
  muMax: number[];
  muRest: number[];
  negative: boolean[];
  /** Per unit: dataset indices of the points it is most selective for (highest μ first), up to `topPerUnit`. */
  top: number[][];
  topMu: number[][];
}

export interface UnitsFile {
  version: 1;
  kind: 'units';
  run: string;
  createdAt: string;
  encoder: { kind: 'f' | 'g'; seedPair: number } | { kind: 'file'; file: string; sha256: string };
  set: PointSet;
  augmentations: number;
  seed: number;
  rest: RestStatistic;
  negative: NegativePolicy;
  points: number;
  topPerUnit: number;
  layers: UnitLayer[];
  /** Dataset path of every index that appears in a `top` list (index → path). */
  paths: Record<string, string>;
}

export const LAYERS_FILE = 'layers.json';
export const UNITS_FILE = 'units.json';

/** Mean of the per-point score over one subset of the fixed sample, with its standard error. */
export interface SubsetMean {
  mean: number;
  stderr: number;
  n: number;
}

/** One snapshot pair of f and g (the same training step). */
export interface OverTrainingRow {
  step: number;
  /** step / steps per epoch (fractional when a snapshot falls inside an epoch). */
  epoch: number;
  /** Training loss of f and g: mean of the per-step losses after the previous snapshot up to this step (null: no history). */
  lossF: number | null;
  lossG: number | null;
  /** kNN accuracy of f's and g's frozen representation (null: the dataset has no labels). */
  knnF: number | null;
  knnG: number | null;
  /** Mean normalised score (L_g − L_f)/(L_g + L_f) over S_C and over S_S of the sample. */
  scoreSC: SubsetMean;
  scoreSS: SubsetMean;
  /** Per point of the sample (order of `sample.index`). */
  score: (number | null)[];
  lf: number[];
  lg: number[];
}

export interface OverTrainingFile {
  version: 1;
  kind: 'over-training';
  run: string;
  createdAt: string;
  model: string;
  totalSteps: number;
  stepsPerEpoch: number;
  /** K view pairs per point and the scoring seed: the run's scoring views. */
  pairs: number;
  seed: number;
  seedPairs: number;
  /** The fixed sample: all of S_C and a seeded sample of S_S of the same size (dataset index order). */
  /** runScore: the run's own final score of each point, in the run's normalisation. */
  sample: {
    index: number[];
    subset: ('S_C' | 'S_S')[];
    path: string[];
    sampleSeed: number;
    normalisation: string;
    runScore: (number | null)[];
  };
  /** How the kNN accuracy is measured, or null without labels. */
  knn: { k: number; train: string; testF: string; testG: string } | null;
  rows: OverTrainingRow[];
}

export const OVER_TRAINING_FILE = 'over-training.json';
