// The one list of encoders a run can name (`model.kind` in a config). The config's type, its checks, the
// backend's validation of overrides and the CLI's help all read their names from here.
import type { Encoder } from './types';
import { smallCnn } from './small-cnn';
import { resnet18 } from './resnet18';
import { vitTiny, type VitEncoder } from './vit';

/** What every builder gets: the image geometry, plus the model's own numeric options (checked in config-check.ts). */
export interface ModelInput {
  inChannels: number;
  imageSize: number;
  options: Record<string, number>;
}

export const MODELS = {
  smallCnn: (m: ModelInput): Encoder => smallCnn({ inChannels: m.inChannels, imageSize: m.imageSize, ...m.options }),
  resnet18: (m: ModelInput): Encoder => resnet18({ inChannels: m.inChannels, imageSize: m.imageSize, ...m.options }),
  vitTiny: (m: ModelInput): VitEncoder => vitTiny({ inChannels: m.inChannels, imageSize: m.imageSize, ...m.options }),
} as const;

export type ModelKind = keyof typeof MODELS;
export const MODEL_KINDS = Object.keys(MODELS) as ModelKind[];

export function isModelKind(x: unknown): x is ModelKind {
  return typeof x === 'string' && Object.hasOwn(MODELS, x);
}
