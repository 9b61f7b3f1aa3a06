// The resolved configuration of an SSLMem run and the named presets. One config builds both encoders f and
// g (identical recipe: same model, method, optimizer, schedule, augmentation; only the training subset and
// the seed policy differ) and the scoring pass.

import type { ScheduleOptions } from '../graph/optim';
import { recipe, type AugConfig } from '../augment/config';
import type { SslmemConfig } from './config-types';
import type { SslProblem } from '../models/types';
import { smallCnn, resnet18, vitTiny } from '../models';
import { simclr, simsiam, mae } from '../methods';
import { checkConfig } from './config-check';

export const PRESETS: Record<string, SslmemConfig> = {
  // Demo size, minutes on 2 CPU cores: f and g each train on 450 images (300 shared + 150 own) for 250
  // epochs; S_E is half of the dataset (scoring is cheap, and a large S_E sharpens the S_C vs S_E test).
  // Why this recipe: memorization needs capacity, repetition and views that stay close to the image. A CNN
  // whose representation is a global average pool learns an augmentation invariance that generalises and
  // showed no per-image memorization at this scale (S_C vs S_S p 0.84 with 2160/270/270 images, 40 epochs);
  // flatten -> Linear(512) keeps the spatial layout, and the weak augmentation (crops of 80-100%) keeps each
  // image recognisable in its views. Measured settings and p-values: docs/demo-results.md.
  quick: {
    decode: { height: 28, width: 28, channels: 1 },
    model: { kind: 'smallCnn', options: { fcDim: 512 } },
    method: { kind: 'simclr', options: { temperature: 0.5, projDim: 64 } },
    augment: 'weak',
    batch: 128,
    epochs: 250,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    warmupFraction: 0.05,
    split: { shared: 300, candidates: 150, independent: 150, extra: 0.5 },
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
};

export function resolvePreset(name: string, overrides: Partial<SslmemConfig> = {}): SslmemConfig {
  const base = PRESETS[name];
  if (!base) throw new Error(`unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const copy = structuredClone(base);
  // Objects that are groups of settings merge field by field: `{"scoring":{"pairs":4}}` keeps the preset's batch.
  const merged: SslmemConfig = {
    ...copy, ...overrides,
    scoring: { ...copy.scoring, ...(overrides.scoring as object | undefined) },
    split: { ...copy.split, ...(overrides.split as object | undefined) },
  };
  checkConfig(merged);
  return merged;
}

export function augmentationOf(config: SslmemConfig): AugConfig {
  return recipe(config.augment, config.decode.channels as 1 | 3, [config.decode.height, config.decode.width]);
}

export function buildProblem(config: SslmemConfig): SslProblem {
  const { channels, height } = config.decode;
  const m = config.model.options ?? {};
  const methodOptions = config.method.options ?? {};
  if (config.method.kind === 'mae') {
    if (config.model.kind !== 'vitTiny') throw new Error('MAE needs the vitTiny model');
    return mae(vitTiny({ inChannels: channels, imageSize: height, ...m }), methodOptions);
  }
  const encoder = config.model.kind === 'smallCnn' ? smallCnn({ inChannels: channels, imageSize: height, ...m })
    : config.model.kind === 'resnet18' ? resnet18({ inChannels: channels, imageSize: height, ...m })
      : vitTiny({ inChannels: channels, imageSize: height, ...m });
  return config.method.kind === 'simclr' ? simclr(encoder, methodOptions) : simsiam(encoder, methodOptions);
}

export function scheduleFor(config: SslmemConfig, totalSteps: number): ScheduleOptions {
  return { base: config.learningRate, warmup: Math.max(1, Math.round(config.warmupFraction * totalSteps)), total: totalSteps, min: 0 };
}
