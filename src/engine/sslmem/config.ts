// The resolved configuration of an SSLMem run and the named presets. One config builds both encoders f and
// g (identical recipe: same model, method, optimizer, schedule, augmentation; only the training subset and
// the seed policy differ) and the scoring pass.

import type { ScheduleOptions } from '../graph/optim';
import { recipe, type AugConfig } from '../augment/config';
import type { SslmemConfig } from './config-types';
import { PRESETS, PRESET_NAMES, isPresetName } from './presets';
import type { SslProblem } from '../models/types';
import { buildMethod } from '../methods/registry';
import { checkConfig } from './config-check';

export function resolvePreset(name: string, overrides: Partial<SslmemConfig> = {}): SslmemConfig {
  if (!isPresetName(name)) throw new Error(`unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
  const copy: SslmemConfig = structuredClone(PRESETS[name]);
  // Objects that are groups of settings merge field by field: `{"scoring":{"pairs":4}}` keeps the preset's batch.
  const merged: SslmemConfig = {
    ...copy,
    ...overrides,
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
  const input = { inChannels: channels, imageSize: height, options: config.model.options ?? {} };
  return buildMethod(config.method.kind, config.model.kind, input, config.method.options ?? {});
}

export function scheduleFor(config: SslmemConfig, totalSteps: number): ScheduleOptions {
  return { base: config.learningRate, warmup: Math.max(1, Math.round(config.warmupFraction * totalSteps)), total: totalSteps, min: 0 };
}
