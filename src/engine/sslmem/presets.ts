// The one list of presets: the engine resolves them (config.ts), the backend validates a preset name against
// them, the CLI's help and the editor's quick pick list them with PRESET_INFO. Plain data (no model or
// runtime code), so the extension host can import it without bundling the models. package.json's
// sslmem.defaultPreset enum repeats the names (JSON cannot import); a unit test keeps the two equal.
import type { SslmemConfig } from './config-types';
import { pipelineStages } from '../runs/manifest';

export const PRESETS = {
  // Demo size, minutes on 2 CPU cores: f and g each train on 600 images (300 shared + 300 own) for 300
  // epochs; S_E is half of the dataset (scoring is cheap, and a large S_E sharpens the S_C vs S_E test).
  // 300 candidates and 300 independent images (150 each until issue 15): the per-point noise comes from
  // training, so more points per subset is what makes the orderings hold on every seed and machine — all three
  // at p < 0.01 for seeds 0–2 (docs/demo-results.md).
  // Why this recipe: memorization needs capacity, repetition and views that stay close to the image. A CNN
  // whose representation is a global average pool learns an augmentation invariance that generalises and
  // showed no per-image memorization at this scale (S_C vs S_S p 0.84 with 2160/270/270 images, 40 epochs);
  // flatten -> Linear(512) keeps the spatial layout, and the weak augmentation (crops of 80-100%) keeps each
  // image recognisable in its views. The convolutions at half width (16/32/64 channels; issue 13) cost 2.4×
  // less per step and lose no signal once the epochs go from 250 to 300: the capacity that memorizes is the
  // linear layer. Measured settings and p-values: docs/demo-results.md.
  quick: {
    decode: { height: 28, width: 28, channels: 1 },
    model: { kind: 'smallCnn', options: { fcDim: 512, width: 0.5 } },
    method: { kind: 'simclr', options: { temperature: 0.5, projDim: 64 } },
    augment: 'weak',
    batch: 128,
    epochs: 300,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    warmupFraction: 0.05,
    split: { shared: 300, candidates: 300, independent: 300, extra: 0.5 },
    scoring: { pairs: 8, batch: 250, normalise: true, normalisation: 'symmetric' },
    seedPairs: 1,
  },
  // For tests and smoke checks: seconds on any machine, far too short to show memorization.
  tiny: {
    decode: { height: 28, width: 28, channels: 1 },
    model: { kind: 'smallCnn' },
    method: { kind: 'simclr', options: { temperature: 0.5, projDim: 32 } },
    augment: 'fashion-mnist',
    batch: 32,
    epochs: 2,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    warmupFraction: 0.1,
    split: { shared: 0.8, candidates: 0.1, independent: 0.1, extra: 0.1 },
    scoring: { pairs: 2, batch: 100, normalise: true, normalisation: 'symmetric' },
    seedPairs: 1,
  },
  // The paper's CIFAR-10 protocol: 40k/5k/5k of the 50k training images (+ S_E from held-out data),
  // ResNet-18 (CIFAR stem), SimCLR with temperature 0.5, batch 512, Adam 1e-3. Needs a GPU.
  'paper-cifar10': {
    decode: { height: 32, width: 32, channels: 3 },
    model: { kind: 'resnet18' },
    method: { kind: 'simclr', options: { temperature: 0.5, projDim: 128 } },
    augment: 'simclr',
    batch: 512,
    epochs: 200,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    warmupFraction: 0.02,
    split: { shared: 40000, candidates: 5000, independent: 5000, extra: 5000 },
    scoring: { pairs: 10, batch: 256, normalise: true, normalisation: 'symmetric' },
    seedPairs: 1,
  },
  // Three (f, g) seed pairs (issue 15 item 2) in less training than quick's one: quick's recipe before
  // 2026-12-06 (full-width convolutions) at 25 epochs instead of 250, so the 6 encoders take 75 steps each (450 in all, quick: 2 × 750), and every image gets a
  // 95 % interval from the pairs' spread (docs/confidence-intervals.md). Measured on 1300 demo images (130 per
  // class), seed 0, 2 threads on the 2-core machine under load (load average ~6): 7 min 42 s in all (training
  // 44–78 s per encoder, scoring 7–15 s per encoder); S_C vs S_S p 3.3e-4, S_C vs S_E p 1.8e-4 (both as expected),
  // S_I vs S_S p 0.028 (one seed: not yet the demo's item-3 bar); median per-image s.e. 0.016 on S_C.
  'quick-pairs3': {
    decode: { height: 28, width: 28, channels: 1 },
    model: { kind: 'smallCnn', options: { fcDim: 512 } },
    method: { kind: 'simclr', options: { temperature: 0.5, projDim: 64 } },
    augment: 'weak',
    batch: 128,
    epochs: 25,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    warmupFraction: 0.05,
    split: { shared: 300, candidates: 150, independent: 150, extra: 0.5 },
    scoring: { pairs: 8, batch: 250, normalise: true, normalisation: 'symmetric' },
    seedPairs: 3,
  },
  // Whole-dataset mode (`--mode whole`, sslmem/whole/) sized for the demo on 2 CPU cores: quick's recipe
  // (half-width convolutions), but each of the m = 4 encoders trains on half of the ~2700 non-control demo
  // images, so an epoch is 10 steps instead of 4, and 100 epochs (1000 steps per encoder). `split` is not used
  // by whole mode. Measured (docs/demo-results.md, demo images, seeds 0-2, `--concurrent 2`, quiet machine):
  // ~5 min per run; the scored images score above the controls (Welch p 0.0018, 9e-6 and 1.4e-4); no single image
  // is flagged at FDR 0.1 with m = 4. Until 2026-12-06: full width at 30 epochs, 22 min under load, p 0.065.
  'whole-quick': {
    decode: { height: 28, width: 28, channels: 1 },
    model: { kind: 'smallCnn', options: { fcDim: 512, width: 0.5 } },
    method: { kind: 'simclr', options: { temperature: 0.5, projDim: 64 } },
    augment: 'weak',
    batch: 128,
    epochs: 100,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    warmupFraction: 0.05,
    split: { shared: 0.8, candidates: 0.1, independent: 0.1, extra: 0.1 },
    scoring: { pairs: 8, batch: 250, normalise: true, normalisation: 'symmetric' },
    seedPairs: 1,
  },
} satisfies Record<string, SslmemConfig>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(x: unknown): x is PresetName {
  return typeof x === 'string' && Object.hasOwn(PRESETS, x);
}

/** Presets made for whole-dataset mode: picking one in the editor starts a whole-dataset run. */
const WHOLE_MODE_PRESETS: ReadonlySet<string> = new Set<PresetName>(['whole-quick']);

/** The run mode a preset is made for (the editor's Compute command derives the mode from the picked preset). */
export function presetMode(preset: string): 'paper' | 'whole' {
  return WHOLE_MODE_PRESETS.has(preset) ? 'whole' : 'paper';
}

/** One line per preset, for pickers and help texts. */
export const PRESET_INFO: Record<PresetName, string> = {
  quick: '~3 min for the demo on a 2-core CPU: half-width small CNN + Linear(512), 300 epochs',
  tiny: '~15 s on a 2-core CPU, 1–3 min the first time (auto times each execution provider): a smoke test of the whole pipeline (scores mean little)',
  'paper-cifar10': 'the paper setup: ResNet-18, 200 epochs; needs a GPU',
  'quick-pairs3':
    "quick's earlier full-width recipe at 25 epochs, averaged over 3 (f, g) seed pairs, a 95 % interval per image; 7 min 42 s on 1300 demo images on a busy 2-core CPU",
  'whole-quick':
    "for --mode whole: quick's model, 100 epochs per encoder, 4 encoders; ~5 min on the 3000 demo images on a 2-core CPU with --concurrent 2 (docs/demo-results.md)",
};

/**
 * The stages a new run of this preset will record (the manifest's stageOrder), for the live view's rows: with
 * seedPairs > 1 they are train_f#0, train_f#1, … and a hard-coded list would never match the progress events.
 */
export function plannedStages(preset: string, overrides: { seedPairs?: unknown } = {}): string[] {
  const pairs = Number.isInteger(overrides.seedPairs)
    ? (overrides.seedPairs as number)
    : isPresetName(preset)
      ? PRESETS[preset].seedPairs
      : 1;
  return pipelineStages(pairs);
}
