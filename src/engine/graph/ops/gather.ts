// Index-based selection: Gather (indices along one axis), GatherElements, and ScatterElements (with
// reduction 'add', opset 16+), which is the VJP of both. Indices are int64 Values: constants for static
// selections (NT-Xent positives, patch order) or graph inputs (host-generated masks for MAE).

import { OpDef, Value, apply1, attr } from '../ir';
import { Shape, Tensor, numel, strides, tensor } from '../tensor';
import { expand, normAxes, reshape } from './shape';
import { flatIndex, forEachIndex } from './layout';

type Indices = Value | readonly number[] | Tensor;

/** int64 constant from a list (1-D) or a tensor; Values pass through. */
function indexValue(like: Value, idx: Indices): Value {
  if (idx instanceof Value) {
    if (idx.dtype !== 'int64') throw new Error(`indices must be int64, got ${idx.dtype}`);
    return idx;
  }
  const t = 'shape' in idx && 'data' in idx ? (idx as Tensor) : tensor([(idx as readonly number[]).length], idx as readonly number[]);
  return like.graph.constant(t, 'int64');
}
const wrap = (i: number, dim: number): number => (i < 0 ? i + dim : i);

// ---- Gather -------------------------------------------------------------------------------------------
interface AxisAttrs {
  axis: number;
}
export const Gather: OpDef<AxisAttrs> = {
  type: 'Gather',
  infer: ([x, i], { axis }) => [{ shape: [...x.shape.slice(0, axis), ...i.shape, ...x.shape.slice(axis + 1)], dtype: x.dtype }],
  emit(e, ins, outs, { axis }) {
    e.node('Gather', ins, { axis: attr.int(axis) }, outs);
  },
  ref([x, idx], { axis }) {
    const outer = numel(x.shape.slice(0, axis));
    const inner = numel(x.shape.slice(axis + 1));
    const dim = x.shape[axis];
    const k = idx.data.length;
    const out = tensor([...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)]);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < k; j++)
        for (let q = 0; q < inner; q++) {
          out.data[(o * k + j) * inner + q] = x.data[(o * dim + wrap(idx.data[j], dim)) * inner + q];
        }
    return [out];
  },
  vjp({ inputs: [x, idx], attrs: { axis }, gradOutputs: [g] }) {
    // Scatter-add g (viewed as [outer, k, inner]) into zeros along `axis`; the index tensor is broadcast by
    // Expand at run time rather than stored at g's size.
    const k = numel(idx.shape);
    const g3 = reshape(g!, [...x.shape.slice(0, axis), k, ...x.shape.slice(axis + 1)]);
    const idxShape = x.shape.map((_, d) => (d === axis ? k : 1));
    const full = expand(reshape(idx, idxShape), g3.shape);
    return [scatterAdd(zerosLike(x), full, g3, axis), null];
  },
};
/** x.take(indices, axis); `indices` may be any shape (a scalar index removes the axis). */
export function gather(x: Value, indices: Indices, axis = 0): Value {
  return apply1(Gather, [x, indexValue(x, indices)], { axis: normAxes([axis], x.rank)[0] });
}

// ---- GatherElements -----------------------------------------------------------------------------------
export const GatherElements: OpDef<AxisAttrs> = {
  type: 'GatherElements',
  infer([x, i]) {
    if (i.shape.length !== x.shape.length) throw new Error('indices must have the rank of the data');
    return [{ shape: i.shape, dtype: x.dtype }];
  },
  emit(e, ins, outs, { axis }) {
    e.node('GatherElements', ins, { axis: attr.int(axis) }, outs);
  },
  ref([x, idx], { axis }) {
    const out = tensor(idx.shape);
    const xs = strides(x.shape);
    forEachIndex(idx.shape, (c, flat) => {
      const src = c.map((v, d) => (d === axis ? wrap(idx.data[flat], x.shape[axis]) : v));
      out.data[flat] = x.data[flatIndex(src, xs)];
    });
    return [out];
  },
  vjp: ({ inputs: [x, idx], attrs: { axis }, gradOutputs: [g] }) => [scatterAdd(zerosLike(x), idx, g!, axis), null],
};
export function gatherElements(x: Value, indices: Indices, axis: number): Value {
  return apply1(GatherElements, [x, indexValue(x, indices)], { axis: normAxes([axis], x.rank)[0] });
}

// ---- ScatterElements (reduction none | add) -----------------------------------------------------------
interface ScatterAttrs {
  axis: number;
  reduction: 'none' | 'add';
}
export const ScatterElements: OpDef<ScatterAttrs> = {
  type: 'ScatterElements',
  infer([x, i, u]) {
    if (i.shape.join() !== u.shape.join()) throw new Error('indices and updates must have one shape');
    return [x];
  },
  emit(e, ins, outs, { axis, reduction }) {
    e.node('ScatterElements', ins, { axis: attr.int(axis), ...(reduction !== 'none' ? { reduction: attr.string(reduction) } : {}) }, outs);
  },
  ref([x, idx, u], { axis, reduction }) {
    const out = tensor(x.shape, x.data);
    const xs = strides(x.shape);
    forEachIndex(idx.shape, (c, flat) => {
      const dst = flatIndex(
        c.map((v, d) => (d === axis ? wrap(idx.data[flat], x.shape[axis]) : v)),
        xs,
      );
      out.data[dst] = reduction === 'add' ? out.data[dst] + u.data[flat] : u.data[flat];
    });
    return [out];
  },
  vjp({ inputs: [, idx], attrs: { axis, reduction }, gradOutputs: [g] }) {
    if (reduction !== 'add') throw new Error('ScatterElements VJP is implemented for reduction add only');
    return [g!, null, gatherElements(g!, idx, axis)];
  },
};
export function scatterAdd(data: Value, indices: Indices, updates: Value, axis: number): Value {
  return apply1(ScatterElements, [data, indexValue(data, indices), updates], { axis: normAxes([axis], data.rank)[0], reduction: 'add' });
}

/** Zeros of x's shape as a broadcast scalar (a small constant + Expand, not a stored tensor). */
export function zerosLike(x: Value, shape: Shape = x.shape): Value {
  return expand(x.graph.constant(tensor(shape.map(() => 1)), x.dtype), shape);
}
