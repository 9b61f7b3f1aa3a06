// Ops that select or rearrange elements: Concat / Split (each other's VJP), Slice (VJP: Pad, with a
// reshape trick for strides), Pad (constant; VJP: Slice), and the shape-only helpers unsqueeze / squeeze /
// flatten, which are Reshapes (free in onnxruntime) rather than their own ONNX ops.

import { OpDef, Value, apply1, attr } from '../ir';
import { Shape, Tensor, numel, strides, tensor } from '../tensor';
import { normAxes, reshape } from './shape';

/** Visits every coordinate of `shape` in row-major order. */
export function forEachIndex(shape: Shape, f: (coord: number[], flat: number) => void): void {
  const n = numel(shape);
  const c = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(c, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++c[d] < shape[d]) break;
      c[d] = 0;
    }
  }
}
export const flatIndex = (coord: readonly number[], str: readonly number[]): number => coord.reduce((s, c, d) => s + c * str[d], 0);

// ---- Concat / Split -------------------------------------------------------------------------------------
interface AxisAttrs {
  axis: number;
}
export const Concat: OpDef<AxisAttrs> = {
  type: 'Concat',
  infer(ins, { axis }) {
    const first = ins[0];
    for (const t of ins) {
      if (t.dtype !== first.dtype || t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new Error(`inputs differ outside axis ${axis}`);
      }
    }
    const shape = [...first.shape];
    shape[axis] = ins.reduce((s, t) => s + t.shape[axis], 0);
    return [{ shape, dtype: first.dtype }];
  },
  emit(e, ins, outs, { axis }) {
    e.node('Concat', ins, { axis: attr.int(axis) }, outs);
  },
  ref(ins, { axis }) {
    const shape = [...ins[0].shape];
    shape[axis] = ins.reduce((s, t) => s + t.shape[axis], 0);
    const out = tensor(shape);
    const ostr = strides(shape);
    let offset = 0;
    for (const t of ins) {
      forEachIndex(t.shape, (c, flat) => {
        c[axis] += offset;
        out.data[flatIndex(c, ostr)] = t.data[flat];
        c[axis] -= offset;
      });
      offset += t.shape[axis];
    }
    return [out];
  },
  vjp: ({ inputs, attrs: { axis }, gradOutputs: [g] }) =>
    split(
      g!,
      axis,
      inputs.map((v) => v.shape[axis]),
    ),
};
export function concat(xs: readonly Value[], axis: number): Value {
  if (xs.length === 1) return xs[0];
  return apply1(Concat, xs, { axis: normAxes([axis], xs[0].rank)[0] });
}

interface SplitAttrs {
  axis: number;
  sizes: readonly number[];
}
export const Split: OpDef<SplitAttrs> = {
  type: 'Split',
  infer([x], { axis, sizes }) {
    if (sizes.reduce((a, b) => a + b, 0) !== x.shape[axis]) throw new Error(`sizes [${sizes}] do not sum to ${x.shape[axis]}`);
    return sizes.map((s) => ({ shape: x.shape.map((d, i) => (i === axis ? s : d)), dtype: x.dtype }));
  },
  emit(e, [x], outs, { axis, sizes }) {
    e.node('Split', [x, e.int64(sizes)], { axis: attr.int(axis) }, outs);
  },
  ref([x], { axis, sizes }) {
    let start = 0;
    return sizes.map((s) => {
      const r = sliceRef(x, [start], [start + s], [axis], [1]);
      start += s;
      return r;
    });
  },
  vjp({ outputs, attrs: { axis }, gradOutputs }) {
    // Pieces without a gradient contribute zeros (a constant; ORT folds it).
    const parts = gradOutputs.map((g, k) => g ?? outputs[k].graph.constant(tensor(outputs[k].shape), outputs[k].dtype));
    return [concat(parts, axis)];
  },
};
export function split(x: Value, axis: number, sizes: readonly number[]): Value[] {
  const a = normAxes([axis], x.rank)[0];
  return sizes.length === 1 ? [x] : x.graph.apply(Split, [x], { axis: a, sizes: [...sizes] });
}

// ---- Slice ----------------------------------------------------------------------------------------------
interface SliceAttrs {
  starts: readonly number[];
  ends: readonly number[];
  axes: readonly number[];
  steps: readonly number[];
}
/** Normalised (start, count, step) per axis, with ONNX/numpy clamping. */
function sliceRange(dim: number, start: number, end: number, step: number): [number, number] {
  if (step === 0) throw new Error('slice step 0');
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
  } else {
    s = clamp(s, -1, dim - 1);
    e = clamp(e, -1, dim - 1);
  }
  const count = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return [s, count];
}
function sliceRef(
  x: Tensor,
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
  steps: readonly number[],
): Tensor {
  const first = x.shape.map(() => 0);
  const step = x.shape.map(() => 1);
  const shape = [...x.shape];
  axes.forEach((a, k) => {
    const [s, n] = sliceRange(x.shape[a], starts[k], ends[k], steps[k]);
    first[a] = s;
    step[a] = steps[k];
    shape[a] = n;
  });
  const out = tensor(shape);
  const istr = strides(x.shape);
  forEachIndex(shape, (c, flat) => {
    out.data[flat] = x.data[c.reduce((s, v, d) => s + (first[d] + v * step[d]) * istr[d], 0)];
  });
  return out;
}
export const Slice: OpDef<SliceAttrs> = {
  type: 'Slice',
  infer([x], { starts, ends, axes, steps }) {
    const shape = [...x.shape];
    axes.forEach((a, k) => {
      shape[a] = sliceRange(x.shape[a], starts[k], ends[k], steps[k])[1];
    });
    return [{ shape, dtype: x.dtype }];
  },
  emit(e, [x], outs, { starts, ends, axes, steps }, [t]) {
    // onnxruntime's WebGPU Slice (1.30, webgpu/tensor/slice.cc) reverses a negative-step axis from its last
    // index whatever `start` says: right only when the clamped start is dim - 1 (a full flip is fine, the
    // sub-pixel conv-gradient kernels, which start inside the weights, were not). So where a negative step
    // starts earlier, a step-1 Slice first cuts the axis to [0, start], making start the last index.
    // Same elements on every provider; the cut is a copy of at most the input (small conv kernels here).
    const cut: { axis: number; end: number }[] = [];
    const fixedEnds = axes.map((a, k) => {
      if (steps[k] > 0) return ends[k];
      const dim = t.shape[a];
      const [s] = sliceRange(dim, starts[k], ends[k], steps[k]);
      if (s === dim - 1 || s < 0) return ends[k];
      cut.push({ axis: a, end: s + 1 });
      const end = Math.min(Math.max(ends[k] < 0 ? ends[k] + dim : ends[k], -1), s);
      return end >= 0 ? end : -(s + 2); // "before index 0" of the cut axis (length s + 1)
    });
    let input = x;
    if (cut.length) {
      [input] = e.node('Slice', [x, e.int64(cut.map(() => 0)), e.int64(cut.map((c) => c.end)), e.int64(cut.map((c) => c.axis))]);
    }
    const fixedStarts = axes.map((a, k) => (cut.some((c) => c.axis === a) ? -1 : starts[k]));
    e.node('Slice', [input, e.int64(fixedStarts), e.int64(fixedEnds), e.int64(axes), e.int64(steps)], {}, outs);
  },
  ref: ([x], { starts, ends, axes, steps }) => [sliceRef(x, starts, ends, axes, steps)],
  vjp({ inputs: [x], attrs, gradOutputs: [g0] }) {
    // Per axis the slice picks first, first+step, ... (count elements). Negative steps are turned into
    // positive ones by reversing g on that axis. Steps > 1 interleave zeros with a Pad on a new inner axis
    // and a Reshape; one Pad then places the block at `first` inside the input's extent.
    let g = g0!;
    const lo = x.shape.map(() => 0);
    const hi = x.shape.map(() => 0);
    attrs.axes.forEach((a, k) => {
      const step = attrs.steps[k];
      const [s, n] = sliceRange(x.shape[a], attrs.starts[k], attrs.ends[k], step);
      const st = Math.abs(step);
      const first = step > 0 ? s : s - (n - 1) * st;
      if (step < 0) g = slice(g, [-1], [-(g.shape[a] + 1)], [a], [-1]);
      let extent = n;
      if (st > 1 && n > 0) {
        const inner = [...g.shape.slice(0, a + 1), 1, ...g.shape.slice(a + 1)];
        const padEnd = inner.map((_, d) => (d === a + 1 ? st - 1 : 0));
        g = pad(
          reshape(g, inner),
          inner.map(() => 0),
          padEnd,
        );
        g = reshape(
          g,
          g.shape.filter((_, d) => d !== a + 1).map((d, i) => (i === a ? n * st : d)),
        );
        extent = n * st;
        const keep = Math.min(extent, x.shape[a] - first);
        if (keep < extent) {
          g = slice(g, [0], [keep], [a], [1]);
          extent = keep;
        }
      }
      lo[a] = first;
      hi[a] = x.shape[a] - first - extent;
    });
    return [pad(g, lo, hi)];
  },
};
export function slice(
  x: Value,
  starts: readonly number[],
  ends: readonly number[],
  axes?: readonly number[],
  steps?: readonly number[],
): Value {
  const ax = normAxes(axes ?? starts.map((_, i) => i), x.rank);
  return apply1(Slice, [x], { starts: [...starts], ends: [...ends], axes: ax, steps: steps ? [...steps] : ax.map(() => 1) });
}

// ---- Pad (constant mode) --------------------------------------------------------------------------------
interface PadAttrs {
  begin: readonly number[];
  end: readonly number[];
  value: number;
}
export const Pad: OpDef<PadAttrs> = {
  type: 'Pad',
  infer: ([x], { begin, end }) => [{ shape: x.shape.map((d, i) => d + begin[i] + end[i]), dtype: x.dtype }],
  emit(e, [x], outs, { begin, end, value }, [t]) {
    const ins = [x, e.int64([...begin, ...end])];
    if (value !== 0) ins.push(e.float([value], [], t.dtype));
    e.node('Pad', ins, {}, outs);
  },
  ref([x], { begin, end, value }) {
    const shape = x.shape.map((d, i) => d + begin[i] + end[i]);
    const out = tensor(shape);
    out.data.fill(value);
    const ostr = strides(shape);
    forEachIndex(x.shape, (c, flat) => {
      const o = c.map((v, d) => v + begin[d]);
      if (o.every((v, d) => v >= 0 && v < shape[d])) out.data[flatIndex(o, ostr)] = x.data[flat];
    });
    return [out];
  },
  // Padding by -pads crops exactly what was added (and re-adds zeros where the forward pad cropped).
  vjp: ({ attrs: { begin, end }, gradOutputs: [g] }) => [
    pad(
      g!,
      begin.map((v) => -v),
      end.map((v) => -v),
    ),
  ],
};
/** Constant padding per axis (negative values crop, as in ONNX). No node when all pads are zero. */
export function pad(x: Value, begin: readonly number[], end: readonly number[], value = 0): Value {
  if (begin.every((v) => v === 0) && end.every((v) => v === 0)) return x;
  return apply1(Pad, [x], { begin: [...begin], end: [...end], value });
}

// ---- Reshape-based shape helpers ------------------------------------------------------------------------
export function unsqueeze(x: Value, axes: readonly number[]): Value {
  const rank = x.rank + axes.length;
  const set = new Set(normAxes(axes, rank));
  const shape: number[] = [];
  let k = 0;
  for (let d = 0; d < rank; d++) shape.push(set.has(d) ? 1 : x.shape[k++]);
  return reshape(x, shape);
}
export function squeeze(x: Value, axes?: readonly number[]): Value {
  const set = new Set(axes ? normAxes(axes, x.rank) : x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of set) if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} has size ${x.shape[a]}`);
  return reshape(
    x,
    x.shape.filter((_, i) => !set.has(i)),
  );
}
/** ONNX Flatten semantics: [prod(shape[:axis]), prod(shape[axis:])]. */
export function flatten(x: Value, axis = 1): Value {
  return reshape(x, [numel(x.shape.slice(0, axis)), numel(x.shape.slice(axis))]);
}
