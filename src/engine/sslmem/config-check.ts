// Checks on a resolved SslmemConfig, run before anything is built or written: a value from `--set`, the
// extension or a manifest that would make a run fail deep inside (a Reshape error, "Invalid typed array
// length") or finish with meaningless numbers (pairs -5 -> NaN scores reported as 0) is refused with the field
// it came from. Model options are checked per model and the parameter count estimated before any allocation.
import type { SslmemConfig } from './config-types';
import { METHOD_KINDS, isMethodKind, methodModelProblem } from '../methods/registry';

/** Trainable parameters beyond this (×4 bytes, ×3 with Adam's moments) are refused: 100 M ≈ 1.2 GB of state. */
export const MAX_MODEL_PARAMETERS = 100e6;

const isInt = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isNum = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

type Rule = [check: (v: unknown) => boolean, expected: string];
const MODEL_OPTIONS: Record<SslmemConfig['model']['kind'], Record<string, Rule>> = {
  smallCnn: {
    width: [(v) => isNum(v, 0.0625, 16), 'a multiplier in [1/16, 16]'],
    fcDim: [(v) => isInt(v, 0, 65536), 'a whole number in [0, 65536]'],
  },
  resnet18: { width: [(v) => isInt(v, 1, 256), 'a whole number in [1, 256]'] },
  vitTiny: {
    patch: [(v) => isInt(v, 1, 64), 'a whole number in [1, 64]'],
    dim: [(v) => isInt(v, 4, 2048), 'a whole number in [4, 2048]'],
    depth: [(v) => isInt(v, 1, 48), 'a whole number in [1, 48]'],
    heads: [(v) => isInt(v, 1, 64), 'a whole number in [1, 64]'],
    mlpRatio: [(v) => isNum(v, 0.25, 16), 'a number in [0.25, 16]'],
  },
};
const SCORING: Record<string, Rule> = {
  pairs: [(v) => isInt(v, 1, 1024), 'a whole number in [1, 1024]'],
  batch: [(v) => isInt(v, 1, 65536), 'a whole number in [1, 65536]'],
  normalise: [(v) => typeof v === 'boolean', 'true or false'],
  normalisation: [(v) => v === 'symmetric' || v === 'range' || v === 'raw', "'symmetric', 'range' or 'raw'"],
};
const SPLIT_KEYS = ['shared', 'candidates', 'independent', 'extra'];

function checkObject(where: string, value: unknown, rules: Record<string, Rule>, required: boolean): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(rules, key)) throw new Error(`${where}.${key} is not a known option (known: ${Object.keys(rules).join(', ')})`);
  }
  for (const [key, [check, expected]] of Object.entries(rules)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined && !required) continue;
    if (!check(v)) throw new Error(`${where}.${key} must be ${expected}, got ${JSON.stringify(v)}`);
  }
}

/** Rough trainable-parameter count of the encoder (the projection head is small next to it). */
export function estimateParameters(config: SslmemConfig): number {
  const { channels: c, height: s } = config.decode;
  const o = config.model.options ?? {};
  if (config.model.kind === 'smallCnn') {
    const w = o.width ?? 1;
    const [a, b, d] = [32, 64, 128].map((x) => Math.max(1, Math.round(x * w)));
    const side = Math.floor((Math.floor((s - 1) / 2) + 1 - 1) / 2) + 1;
    return 9 * (c * a + a * b + b * d) + (o.fcDim ? d * side * side * o.fcDim : 0);
  }
  if (config.model.kind === 'resnet18') return 11.2e6 * ((o.width ?? 64) / 64) ** 2;
  const dim = o.dim ?? 192,
    depth = o.depth ?? 12,
    patch = o.patch ?? 4,
    mlp = o.mlpRatio ?? 4;
  return depth * (4 + 2 * mlp) * dim * dim + patch * patch * c * dim + (s / patch) ** 2 * dim;
}

export function checkConfig(config: SslmemConfig): void {
  checkObject('scoring', config.scoring, SCORING, true);
  if (typeof config.split !== 'object' || config.split === null) throw new Error('split must be an object');
  for (const key of Object.keys(config.split))
    if (!SPLIT_KEYS.includes(key)) throw new Error(`split.${key} is not a known option (known: ${SPLIT_KEYS.join(', ')})`);
  for (const key of SPLIT_KEYS) {
    const v = (config.split as unknown as Record<string, unknown>)[key];
    if (!(typeof v === 'number' && v >= 0 && (v < 1 || Number.isInteger(v))))
      throw new Error(`split.${key} must be 0, a fraction in (0, 1) or a whole count, got ${JSON.stringify(v)}`);
  }
  if (!isInt(config.epochs, 1, 100_000)) throw new Error(`epochs must be a whole number >= 1, got ${JSON.stringify(config.epochs)}`);
  if (!isInt(config.batch, 2, 65536)) throw new Error(`batch must be a whole number in [2, 65536], got ${JSON.stringify(config.batch)}`);
  if (!isInt(config.seedPairs, 1, 64))
    throw new Error(`seedPairs must be a whole number in [1, 64], got ${JSON.stringify(config.seedPairs)}`);
  if (config.snapshots !== undefined && !isInt(config.snapshots, 0, 1000))
    throw new Error(`snapshots must be a whole number in [0, 1000], got ${JSON.stringify(config.snapshots)}`);
  const rules = MODEL_OPTIONS[config.model?.kind];
  if (!rules)
    throw new Error(`model.kind must be one of ${Object.keys(MODEL_OPTIONS).join(', ')}, got ${JSON.stringify(config.model?.kind)}`);
  if (config.model.options !== undefined) checkObject(`model.options (${config.model.kind})`, config.model.options, rules, false);
  if (!isMethodKind(config.method?.kind))
    throw new Error(`method.kind must be one of ${METHOD_KINDS.join(', ')}, got ${JSON.stringify(config.method?.kind)}`);
  const mismatch = methodModelProblem(config.method.kind, config.model.kind);
  if (mismatch) throw new Error(mismatch);
  const params = estimateParameters(config);
  if (!(params <= MAX_MODEL_PARAMETERS)) {
    throw new Error(
      `model too large: about ${(params / 1e6).toFixed(0)} M parameters with ${JSON.stringify(config.model)} at ${config.decode.height}×${config.decode.width} (limit ${MAX_MODEL_PARAMETERS / 1e6} M)`,
    );
  }
}
