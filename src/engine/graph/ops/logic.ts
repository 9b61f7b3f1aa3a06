// Comparisons, selection and type conversion: Greater, Less, Equal (bool results, not differentiable),
// Where (differentiable in its two branches), Cast (differentiable between float types), Identity,
// and elementwise Max/Min of two tensors (gradient to the larger/smaller one; ties go to the first operand).

import { OpDef, Value, apply1 } from '../ir';
import { DType, ONNX_ELEM_TYPE, Tensor, broadcastIndex, broadcastShapes, isFloat, numel, tensor } from '../tensor';
import { lift, mul } from './elementwise';
import { sumToShape } from './shape';

type Operand = Value | number;

function broadcastRef(ts: readonly Tensor[], f: (...xs: number[]) => number): Tensor {
  const shape = ts.map((t) => t.shape).reduce((a, b) => broadcastShapes(a, b));
  const idx = ts.map((t) => broadcastIndex(t.shape, shape));
  const out = tensor(shape);
  for (let i = 0; i < numel(shape); i++) out.data[i] = f(...ts.map((t, k) => t.data[idx[k][i]]));
  return out;
}

function compareOp(type: string, f: (x: number, y: number) => boolean): OpDef<null> {
  return {
    type,
    infer([a, b]) {
      if (a.dtype !== b.dtype) throw new Error(`dtype mismatch ${a.dtype} vs ${b.dtype}`);
      return [{ shape: broadcastShapes(a.shape, b.shape), dtype: 'bool' }];
    },
    emit(e, ins, outs) {
      e.node(type, ins, {}, outs);
    },
    ref: ([a, b]) => [broadcastRef([a, b], (x, y) => (f(x, y) ? 1 : 0))],
  };
}
export const Greater = compareOp('Greater', (x, y) => x > y);
export const Less = compareOp('Less', (x, y) => x < y);
export const Equal = compareOp('Equal', (x, y) => x === y);

function compare(op: OpDef<null>, a: Value, b: Operand): Value {
  return apply1(op, [a, lift(b, a)], null);
}
export const greater = (a: Value, b: Operand) => compare(Greater, a, b);
export const less = (a: Value, b: Operand) => compare(Less, a, b);
export const equal = (a: Value, b: Operand) => compare(Equal, a, b);

// ---- Cast ---------------------------------------------------------------------------------------------
interface CastAttrs {
  to: DType;
}
export const Cast: OpDef<CastAttrs> = {
  type: 'Cast',
  infer: ([x], { to }) => [{ shape: x.shape, dtype: to }],
  emit(e, ins, outs, { to }) {
    e.node('Cast', ins, { to: { kind: 'int', value: ONNX_ELEM_TYPE[to] } }, outs);
  },
  ref([x], { to }) {
    const conv = to === 'bool' ? (v: number) => (v !== 0 ? 1 : 0) : isFloat(to) ? (v: number) => v : Math.trunc;
    return [tensor(x.shape, x.data.map(conv))];
  },
  vjp({ inputs: [x], attrs: { to }, gradOutputs: [g] }) {
    return [isFloat(x.dtype) && isFloat(to) ? cast(g!, x.dtype) : null];
  },
};
export function cast(x: Value, to: DType): Value {
  return x.dtype === to ? x : apply1(Cast, [x], { to });
}

// ---- Where(cond, a, b) ----------------------------------------------------------------------------------
export const Where: OpDef<null> = {
  type: 'Where',
  infer([c, a, b]) {
    if (c.dtype !== 'bool') throw new Error(`condition must be bool, got ${c.dtype}`);
    if (a.dtype !== b.dtype) throw new Error(`dtype mismatch ${a.dtype} vs ${b.dtype}`);
    return [{ shape: broadcastShapes(c.shape, broadcastShapes(a.shape, b.shape)), dtype: a.dtype }];
  },
  emit(e, ins, outs) {
    e.node('Where', ins, {}, outs);
  },
  ref: ([c, a, b]) => [broadcastRef([c, a, b], (cv, av, bv) => (cv ? av : bv))],
  vjp({ inputs: [c, a, b], gradOutputs: [g] }) {
    const zero = g!.graph.constant(tensor([]), g!.dtype);
    return [null, sumToShape(where(c, g!, zero), a.shape), sumToShape(where(c, zero, g!), b.shape)];
  },
};
export function where(cond: Value, a: Operand, b: Operand): Value {
  const like = typeof a === 'number' ? (b as Value) : a;
  return apply1(Where, [cond, lift(a, like), lift(b, like)], null);
}

// ---- Identity -----------------------------------------------------------------------------------------
export const Identity: OpDef<null> = {
  type: 'Identity',
  infer: ([x]) => [x],
  emit(e, ins, outs) {
    e.node('Identity', ins, {}, outs);
  },
  ref: ([x]) => [x],
  vjp: ({ gradOutputs: [g] }) => [g],
};
/** An explicit copy; needed only where an ONNX graph must output an input unchanged. */
export const identity = (x: Value): Value => apply1(Identity, [x], null);

// ---- Max / Min of two tensors -------------------------------------------------------------------------
function extremumOp(type: 'Max' | 'Min'): OpDef<null> {
  const pick = type === 'Max' ? (x: number, y: number) => (x >= y ? x : y) : (x: number, y: number) => (x <= y ? x : y);
  return {
    type,
    infer([a, b]) {
      if (a.dtype !== b.dtype) throw new Error(`dtype mismatch ${a.dtype} vs ${b.dtype}`);
      return [{ shape: broadcastShapes(a.shape, b.shape), dtype: a.dtype }];
    },
    emit(e, ins, outs) {
      e.node(type, ins, {}, outs);
    },
    ref: ([a, b]) => [broadcastRef([a, b], pick)],
    vjp({ inputs: [a, b], gradOutputs: [g] }) {
      // First operand wins ties: mask_a = [a >= b] for Max, i.e. not(b > a).
      const bWins = cast(type === 'Max' ? greater(b, a) : less(b, a), g!.dtype);
      const ga = mul(g!, apply1(Sub1, [bWins], null));
      const gb = mul(g!, bWins);
      return [sumToShape(ga, a.shape), sumToShape(gb, b.shape)];
    },
  };
}
export const Max = extremumOp('Max');
export const Min = extremumOp('Min');
export const maximum = (a: Value, b: Operand): Value => apply1(Max, [a, lift(b, a)], null);
export const minimum = (a: Value, b: Operand): Value => apply1(Min, [a, lift(b, a)], null);

/** 1 - x, as one node (used for masks). */
const Sub1: OpDef<null> = {
  type: 'OneMinus',
  infer: ([x]) => [x],
  emit(e, [x], outs, _a, [t]) {
    e.node('Sub', [e.float([1], [], t.dtype), x], {}, outs);
  },
  ref: ([x]) => [
    tensor(
      x.shape,
      x.data.map((v) => 1 - v),
    ),
  ],
};
