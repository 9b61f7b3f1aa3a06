// Softmax and LogSoftmax over one axis (opset 13+ semantics), and L2 normalisation as one op with a hand VJP.

import { OpDef, Value, apply1, attr } from '../ir';
import { Tensor, tensor } from '../tensor';
import { div, mul, sub } from './elementwise';
import { cast, greater } from './logic';
import { exp } from './math';
import { normAxes, reduceSum } from './shape';

interface AxisAttrs {
  axis: number;
}

/** Applies f to every 1-D lane along `axis` (reference implementations). */
function lanes(x: Tensor, axis: number, f: (lane: Float64Array) => Float64Array): Tensor {
  const out = tensor(x.shape);
  const n = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = x.data.length / (n * inner);
  const lane = new Float64Array(n);
  for (let o = 0; o < outer; o++)
    for (let q = 0; q < inner; q++) {
      for (let j = 0; j < n; j++) lane[j] = x.data[(o * n + j) * inner + q];
      const r = f(lane);
      for (let j = 0; j < n; j++) out.data[(o * n + j) * inner + q] = r[j];
    }
  return out;
}
function logSoftmaxLane(l: Float64Array): Float64Array {
  const m = Math.max(...l);
  const lse = m + Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0));
  return l.map((v) => v - lse);
}

// dx = y * (g - sum(g * y))
export const Softmax: OpDef<AxisAttrs> = {
  type: 'Softmax',
  infer: ([x]) => [x],
  emit(e, ins, outs, { axis }) {
    e.node('Softmax', ins, { axis: attr.int(axis) }, outs);
  },
  ref: ([x], { axis }) => [lanes(x, axis, (l) => logSoftmaxLane(l).map(Math.exp))],
  vjp: ({ outputs: [y], attrs: { axis }, gradOutputs: [g] }) => [mul(y, sub(g!, reduceSum(mul(g!, y), [axis], true)))],
};
// dx = g - exp(y) * sum(g)
export const LogSoftmax: OpDef<AxisAttrs> = {
  type: 'LogSoftmax',
  infer: ([x]) => [x],
  emit(e, ins, outs, { axis }) {
    e.node('LogSoftmax', ins, { axis: attr.int(axis) }, outs);
  },
  ref: ([x], { axis }) => [lanes(x, axis, logSoftmaxLane)],
  vjp: ({ outputs: [y], attrs: { axis }, gradOutputs: [g] }) => [sub(g!, mul(exp(y), reduceSum(g!, [axis], true)))],
};
export const softmax = (x: Value, axis = -1): Value => apply1(Softmax, [x], { axis: normAxes([axis], x.rank)[0] });
export const logSoftmax = (x: Value, axis = -1): Value => apply1(LogSoftmax, [x], { axis: normAxes([axis], x.rank)[0] });

// ---- L2 normalisation, PyTorch F.normalize: y = x / max(||x||, eps) -----------------------------------
// Outputs [y, n] with n = max(||x||, eps) kept for the VJP: dx = (g - [||x|| > eps] y <g, y>) / n.
interface L2Attrs {
  axis: number;
  eps: number;
}
export const L2Normalize: OpDef<L2Attrs> = {
  type: 'L2Normalize',
  infer: ([x], { axis }) => [x, { shape: x.shape.map((d, i) => (i === axis ? 1 : d)), dtype: x.dtype }],
  emit(e, [x], [y, n], { axis, eps }, [t]) {
    const [ss] = e.node('ReduceSumSquare', [x], { axes: attr.ints([axis]), keepdims: attr.int(1) });
    const [norm] = e.node('Sqrt', [ss]);
    e.node('Max', [norm, e.float([eps], [], t.dtype)], {}, [n]);
    e.node('Div', [x, n], {}, [y]);
  },
  ref([x], { axis, eps }) {
    const n = lanes(x, axis, (l) => l.map(() => Math.max(Math.sqrt(l.reduce((s, v) => s + v * v, 0)), eps)));
    const nk = tensor(x.shape.map((d, i) => (i === axis ? 1 : d)));
    const y = tensor(
      x.shape,
      x.data.map((v, i) => v / n.data[i]),
    );
    // the norm is constant along a lane: nk takes each lane's first entry
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < nk.data.length; i++) nk.data[i] = n.data[Math.floor(i / inner) * inner * x.shape[axis] + (i % inner)];
    return [y, nk];
  },
  vjp({ outputs: [y, n], attrs: { axis, eps }, gradOutputs: [g, gn] }) {
    if (gn) throw new Error('L2Normalize: gradient through the norm output is not supported');
    const unclamped = cast(greater(n, eps), y.dtype);
    return [div(sub(g!, mul(y, mul(reduceSum(mul(g!, y), [axis], true), unclamped))), n)];
  },
};
export function l2normalize(x: Value, axis = -1, eps = 1e-12): Value {
  return x.graph.apply(L2Normalize, [x], { axis: normAxes([axis], x.rank)[0], eps })[0];
}
