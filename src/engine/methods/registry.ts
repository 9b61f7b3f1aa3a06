// The one list of SSL objectives a run can name (`method.kind` in a config), each with the encoders it can
// wrap. The config's type, buildProblem, the backend's validation of overrides and the CLI's help read it.
import type { Encoder, SslProblem } from '../models/types';
import { MODELS, type ModelInput, type ModelKind } from '../models/registry';
import { simclr } from './simclr';
import { simsiam } from './simsiam';
import { byol } from './byol';
import { mae } from './mae';

interface MethodEntry {
  /** Models this method can train; absent = every model. */
  models?: readonly ModelKind[];
  build(model: ModelKind, input: ModelInput, options: Record<string, number>): SslProblem;
}

const anyEncoder =
  (wrap: (e: Encoder, o: Record<string, number>) => SslProblem): MethodEntry['build'] =>
  (model, input, options) =>
    wrap(MODELS[model](input), options);

export const METHODS = {
  simclr: { build: anyEncoder(simclr) },
  simsiam: { build: anyEncoder(simsiam) },
  byol: { build: anyEncoder(byol) },
  // MAE reconstructs masked patches: it needs the ViT's patch tokens, which the CNNs do not have.
  mae: { models: ['vitTiny'], build: (_model, input, options) => mae(MODELS.vitTiny(input), options) },
} as const satisfies Record<string, MethodEntry>;

export type MethodKind = keyof typeof METHODS;
export const METHOD_KINDS = Object.keys(METHODS) as MethodKind[];

export function isMethodKind(x: unknown): x is MethodKind {
  return typeof x === 'string' && Object.hasOwn(METHODS, x);
}

/** Why this method cannot train this model, or null when it can. */
export function methodModelProblem(method: MethodKind, model: ModelKind): string | null {
  const models: readonly ModelKind[] | undefined = (METHODS[method] as MethodEntry).models;
  return models && !models.includes(model) ? `method ${method} needs the ${models.join(' or ')} model, not ${model}` : null;
}

export function buildMethod(method: MethodKind, model: ModelKind, input: ModelInput, options: Record<string, number>): SslProblem {
  const problem = methodModelProblem(method, model);
  if (problem) throw new Error(problem);
  return (METHODS[method] as MethodEntry).build(model, input, options);
}
