// Ops that move or sum elements without arithmetic on them: Reshape, Expand, ReduceSum.
// Static shapes mean "shape" and "axes" are attributes in the IR; they become int64 initializers on export
// (ONNX takes them as inputs since opset 13).

import { OpDef, Value, apply1 } from '../ir';
import { Shape, Tensor, broadcastIndex, broadcastShapes, numel, tensor } from '../tensor';

export function normAxes(axes: readonly number[], rank: number): number[] {
  return axes.map((a) => {
    const r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank) throw new Error(`axis ${a} out of range for rank ${rank}`);
    return r;
  });
}

// ---- Reshape -----------------------------------------------------------------------------------------
interface ReshapeAttrs {
  shape: Shape;
}
export const Reshape: OpDef<ReshapeAttrs> = {
  type: 'Reshape',
  infer([x], { shape }) {
    if (numel(shape) !== numel(x.shape)) throw new Error(`cannot reshape [${x.shape}] to [${shape}]`);
    return [{ shape, dtype: x.dtype }];
  },
  emit(e, [x], outs, { shape }) {
    e.node('Reshape', [x, e.int64(shape)], {}, outs);
  },
  ref: ([x], { shape }) => [tensor(shape, x.data)],
  vjp: ({ inputs: [x], gradOutputs: [g] }) => [reshape(g!, x.shape)],
};
/** Reshape; one -1 entry is inferred, as in ONNX. */
export function reshape(x: Value, shape: readonly number[]): Value {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const full = shape.map((d) => (d === -1 ? numel(x.shape) / known : d));
  if (full.join() === x.shape.join()) return x;
  return apply1(Reshape, [x], { shape: full });
}

// ---- Expand (numpy broadcast to a shape) --------------------------------------------------------------
interface ExpandAttrs {
  shape: Shape;
}
export const Expand: OpDef<ExpandAttrs> = {
  type: 'Expand',
  infer([x], { shape }) {
    const out = broadcastShapes(x.shape, shape);
    if (out.join() !== shape.join()) throw new Error(`cannot expand [${x.shape}] to [${shape}]`);
    return [{ shape, dtype: x.dtype }];
  },
  emit(e, [x], outs, { shape }) {
    e.node('Expand', [x, e.int64(shape)], {}, outs);
  },
  ref([x], { shape }) {
    const idx = broadcastIndex(x.shape, shape);
    const out = tensor(shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[idx[i]];
    return [out];
  },
  vjp: ({ inputs: [x], gradOutputs: [g] }) => [sumToShape(g!, x.shape)],
};
export function expand(x: Value, shape: Shape): Value {
  return x.shape.join() === shape.join() ? x : apply1(Expand, [x], { shape: [...shape] });
}

/** Sum over broadcast axes so that `g` takes `shape` (the VJP of broadcasting). */
export function sumToShape(g: Value, shape: Shape): Value {
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.rank; d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  if (!axes.length) return reshape(g, shape);
  // One ReduceSum without keepdims when that already yields `shape` (e.g. a bias [C] from [N, C]).
  const dropped = reducedShape(g.shape, axes, false);
  if (dropped.join() === shape.join()) return reduceSum(g, axes, false);
  return reshape(reduceSum(g, axes, true), shape);
}

// ---- ReduceSum ----------------------------------------------------------------------------------------
interface ReduceAttrs {
  axes: readonly number[];
  keepdims: boolean;
}
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const set = new Set(axes);
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** Generic reference reduction: `combine` folds each group, `finish` maps (acc, count) to the result. */
export function reduceRef(
  x: Tensor,
  axes: readonly number[],
  keepdims: boolean,
  init: number,
  combine: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (a) => a,
): Tensor {
  const outShapeKeep = reducedShape(x.shape, axes, true);
  const out = tensor(reducedShape(x.shape, axes, keepdims));
  out.data.fill(init);
  const idx = broadcastIndex(outShapeKeep, x.shape); // each input element -> its output slot
  for (let i = 0; i < x.data.length; i++) out.data[idx[i]] = combine(out.data[idx[i]], x.data[i]);
  const count = numel(x.shape) / Math.max(1, numel(outShapeKeep));
  for (let i = 0; i < out.data.length; i++) out.data[i] = finish(out.data[i], count);
  return out;
}

export const ReduceSum: OpDef<ReduceAttrs> = {
  type: 'ReduceSum',
  infer: ([x], { axes, keepdims }) => [{ shape: reducedShape(x.shape, axes, keepdims), dtype: x.dtype }],
  emit(e, [x], outs, { axes, keepdims }) {
    e.node('ReduceSum', [x, e.int64(axes)], { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } }, outs);
  },
  ref: ([x], { axes, keepdims }) => [reduceRef(x, axes, keepdims, 0, (a, v) => a + v)],
  vjp({ inputs: [x], attrs: { axes }, gradOutputs: [g] }) {
    return [expand(reshape(g!, reducedShape(x.shape, axes, true)), x.shape)];
  },
};
export function reduceSum(x: Value, axes: readonly number[], keepdims = false): Value {
  return apply1(ReduceSum, [x], { axes: normAxes(axes, x.rank), keepdims });
}
