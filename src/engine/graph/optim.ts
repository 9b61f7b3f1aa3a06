// Optimizers as graph: the update of every parameter and its state is part of the train-step graph, so one
// session.run does forward, backward and update. Semantics follow torch.optim (1.13) exactly:
//   SGD:   d = g + wd p;  buf = mu buf + d (dampening 0; a zero-initialised buf equals torch's first-step
//          clone);  p -= lr (nesterov ? d + mu buf : buf)
//   Adam:  g += wd p;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//          p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
//   AdamW: p *= 1 - lr wd first (decoupled), then Adam without the gradient term.
// The learning rate and the 1-based step count t are scalar graph INPUTS computed on the host (`lrAt`), so
// one artifact serves every step of a schedule. Weight decay may be given per parameter (e.g. 0 for
// biases and norm parameters).

import { Graph, Value } from './ir';
import { Shape, tensor } from './tensor';
import { add, div, mul, sub } from './ops/elementwise';
import { powTensor, sqrt } from './ops/math';

export type OptimizerKind = 'sgd' | 'adam' | 'adamw';
export interface OptimizerConfig {
  kind: OptimizerKind;
  /** SGD momentum (default 0.9) and Nesterov flag. */
  momentum?: number;
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** One value for all parameters, or one per parameter. */
  weightDecay?: number | readonly number[];
}

/** Per-parameter state slots, in the order `applyOptimizer` takes and returns them. All start at zeros. */
export function stateSlots(kind: OptimizerKind): string[] {
  return kind === 'sgd' ? ['momentum'] : ['m', 'v'];
}
/** Scalar float inputs the host feeds each step: lr always, step (1-based, after increment) for Adam(W). */
export function scalarInputs(kind: OptimizerKind): string[] {
  return kind === 'sgd' ? ['lr'] : ['lr', 'step'];
}
export interface StateTensorSpec {
  slot: string;
  param: string;
  name: string;
  shape: Shape;
}
/** Names and shapes of every optimizer-state tensor (`<slot>.<param>`), zero-initialised, same dtype as the param. */
export function optimizerStateSpec(kind: OptimizerKind, params: readonly { name: string; shape: Shape }[]): StateTensorSpec[] {
  return stateSlots(kind).flatMap((slot) => params.map((p) => ({ slot, param: p.name, name: `${slot}.${p.name}`, shape: p.shape })));
}

export interface Scalars {
  lr: Value;
  step?: Value;
}
export interface OptimizerResult {
  params: Value[];
  state: Record<string, Value[]>;
}

export function applyOptimizer(
  cfg: OptimizerConfig,
  params: readonly Value[],
  grads: readonly Value[],
  state: Record<string, readonly Value[]>,
  scalars: Scalars,
): OptimizerResult {
  if (cfg.kind === 'sgd') {
    const r = sgdUpdate(params, grads, { momentum: state.momentum }, { lr: scalars.lr, ...cfg });
    return { params: r.params, state: { momentum: r.momentum } };
  }
  if (!scalars.step) throw new Error(`${cfg.kind} needs the step input`);
  const r = adamUpdate(
    params,
    grads,
    { m: state.m, v: state.v },
    { lr: scalars.lr, step: scalars.step, ...cfg, decoupled: cfg.kind === 'adamw' },
  );
  return { params: r.params, state: { m: r.m, v: r.v } };
}

const decayOf = (wd: number | readonly number[] | undefined, i: number): number => (typeof wd === 'number' ? wd : (wd?.[i] ?? 0));
function checkLengths(params: readonly Value[], ...lists: (readonly Value[])[]): void {
  for (const l of lists) if (l.length !== params.length) throw new Error(`optimizer: ${l.length} tensors for ${params.length} parameters`);
  params.forEach((p, i) =>
    lists.forEach((l) => {
      if (l[i].shape.join() !== p.shape.join()) throw new Error(`optimizer: state/grad shape [${l[i].shape}] != param [${p.shape}]`);
    }),
  );
}

export interface SgdHyper {
  lr: Value;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number | readonly number[];
}
export function sgdUpdate(
  params: readonly Value[],
  grads: readonly Value[],
  state: { momentum: readonly Value[] },
  h: SgdHyper,
): { params: Value[]; momentum: Value[] } {
  checkLengths(params, grads, state.momentum);
  const mu = h.momentum ?? 0.9;
  const out = { params: [] as Value[], momentum: [] as Value[] };
  params.forEach((p, i) => {
    const wd = decayOf(h.weightDecay, i);
    const d = wd ? add(grads[i], mul(p, wd)) : grads[i];
    const buf = mu ? add(mul(state.momentum[i], mu), d) : d;
    const dir = h.nesterov ? add(d, mul(buf, mu)) : buf;
    out.params.push(sub(p, mul(dir, h.lr)));
    out.momentum.push(buf);
  });
  return out;
}

export interface AdamHyper {
  lr: Value;
  step: Value;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number | readonly number[];
  decoupled?: boolean;
}
export function adamUpdate(
  params: readonly Value[],
  grads: readonly Value[],
  state: { m: readonly Value[]; v: readonly Value[] },
  h: AdamHyper,
): { params: Value[]; m: Value[]; v: Value[] } {
  checkLengths(params, grads, state.m, state.v);
  const b1 = h.beta1 ?? 0.9,
    b2 = h.beta2 ?? 0.999,
    eps = h.eps ?? 1e-8;
  const g0: Graph = h.lr.graph;
  // Shared scalars, computed once per step: stepSize = lr / (1 - b1^t), invSqrtBc2 = 1 / sqrt(1 - b2^t).
  const powStep = (base: number) => powTensor(g0.constant(tensor([], [base]), h.step.dtype), h.step);
  const stepSize = div(h.lr, sub(1, powStep(b1)));
  const invSqrtBc2 = div(1, sqrt(sub(1, powStep(b2))));
  const out = { params: [] as Value[], m: [] as Value[], v: [] as Value[] };
  params.forEach((p0, i) => {
    const wd = decayOf(h.weightDecay, i);
    let p = p0;
    let g = grads[i];
    if (wd && h.decoupled) p = mul(p, sub(1, mul(h.lr, wd)));
    else if (wd) g = add(g, mul(p, wd));
    const m = add(mul(state.m[i], b1), mul(g, 1 - b1));
    const v = add(mul(state.v[i], b2), mul(mul(g, g), 1 - b2));
    const denom = add(mul(sqrt(v), invSqrtBc2), eps);
    out.params.push(sub(p, mul(div(m, denom), stepSize)));
    out.m.push(m);
    out.v.push(v);
  });
  return out;
}
// ---- learning-rate schedule (host side) ------------------------------------------------------------------
export interface ScheduleOptions {
  base: number;
  warmup: number;
  total: number;
  min?: number;
}
/**
 * Linear warmup then cosine decay, for a 0-based step: lr = base (step+1)/warmup during the first `warmup`
 * steps, then min + (base - min)(1 + cos(pi progress))/2 with progress from 0 to 1 over the remaining steps.
 */
export function lrAt(step: number, o: ScheduleOptions): number {
  const min = o.min ?? 0;
  if (step < o.warmup) return (o.base * (step + 1)) / o.warmup;
  const span = Math.max(1, o.total - o.warmup);
  const progress = Math.min(1, (step - o.warmup) / span);
  return min + ((o.base - min) * (1 + Math.cos(Math.PI * progress))) / 2;
}
