// Broadcasting binary arithmetic (Add, Sub, Mul, Div) and the helpers every broadcasting VJP needs.
// This file is the template for the others: an OpDef with infer / emit / ref / vjp together, then a small
// builder function that users of the IR call (`add(a, b)`), accepting plain numbers as constants.

import { OpDef, Value, apply1 } from '../ir';
import { Tensor, broadcastIndex, broadcastShapes, numel, tensor } from '../tensor';
import { sumToShape } from './shape';

type Operand = Value | number;

/** A number becomes a scalar constant of the other operand's dtype. */
export function lift(x: Operand, like: Value): Value {
  return typeof x === 'number' ? like.graph.constant(tensor([], [x]), like.dtype) : x;
}

function binaryRef(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = tensor(shape);
  for (let i = 0; i < numel(shape); i++) out.data[i] = f(a.data[ia[i]], b.data[ib[i]]);
  return out;
}

function binaryOp(
  type: string,
  f: (x: number, y: number) => number,
  vjp: (a: Value, b: Value, out: Value, g: Value) => [Value | null, Value | null],
): OpDef<null> {
  return {
    type,
    infer([a, b]) {
      if (a.dtype !== b.dtype) throw new Error(`dtype mismatch ${a.dtype} vs ${b.dtype}`);
      return [{ shape: broadcastShapes(a.shape, b.shape), dtype: a.dtype }];
    },
    emit(e, ins, outs) {
      e.node(type, ins, {}, outs);
    },
    ref: ([a, b]) => [binaryRef(a, b, f)],
    vjp({ inputs: [a, b], outputs: [out], gradOutputs: [g] }) {
      const [ga, gb] = vjp(a, b, out, g!);
      return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape)];
    },
  };
}

export const Add = binaryOp(
  'Add',
  (x, y) => x + y,
  (_a, _b, _o, g) => [g, g],
);
export const Sub = binaryOp(
  'Sub',
  (x, y) => x - y,
  (_a, _b, _o, g) => [g, neg(g)],
);
export const Mul = binaryOp(
  'Mul',
  (x, y) => x * y,
  (a, b, _o, g) => [mul(g, b), mul(g, a)],
);
// d(a/b)/db = -a/b^2 = -out/b
export const Div = binaryOp(
  'Div',
  (x, y) => x / y,
  (_a, b, out, g) => [div(g, b), neg(div(mul(g, out), b))],
);

function binary(op: OpDef<null>, a: Operand, b: Operand): Value {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${op.type} of two numbers`);
  const va = typeof a === 'number' ? lift(a, b as Value) : a;
  const vb = lift(b, va);
  return apply1(op, [va, vb], null);
}

export const add = (a: Operand, b: Operand) => binary(Add, a, b);
export const sub = (a: Operand, b: Operand) => binary(Sub, a, b);
export const mul = (a: Operand, b: Operand) => binary(Mul, a, b);
export const div = (a: Operand, b: Operand) => binary(Div, a, b);

// ---- Neg (its own op: one ONNX Neg instead of a Mul by a -1 constant) ----------------------------------
export const Neg: OpDef<null> = {
  type: 'Neg',
  infer: ([x]) => [x],
  emit(e, ins, outs) {
    e.node('Neg', ins, {}, outs);
  },
  ref: ([x]) => [
    tensor(
      x.shape,
      x.data.map((v) => -v),
    ),
  ],
  vjp: ({ gradOutputs: [g] }) => [neg(g!)],
};
export const neg = (a: Value): Value => apply1(Neg, [a], null);
