// ReduceMean, ReduceMax, ReduceMin (opset 17: axes is an attribute for these, unlike ReduceSum).
// ReduceMax/Min VJP: the gradient goes to the elements equal to the extremum, split evenly among ties
// (mask / count), which is what PyTorch's amax/amin do. Random float inputs have no ties.

import { OpDef, Value, apply1, attr } from '../ir';
import { numel } from '../tensor';
import { div, mul } from './elementwise';
import { cast, equal } from './logic';
import { expand, normAxes, reduceRef, reduceSum, reducedShape, reshape } from './shape';

interface ReduceAttrs {
  axes: readonly number[];
  keepdims: boolean;
}

function reduceOp(
  type: string,
  init: number,
  combine: (a: number, v: number) => number,
  finish: ((a: number, n: number) => number) | undefined,
  vjp: (x: Value, y: Value, g: Value, axes: readonly number[]) => Value,
): OpDef<ReduceAttrs> {
  return {
    type,
    infer: ([x], { axes, keepdims }) => [{ shape: reducedShape(x.shape, axes, keepdims), dtype: x.dtype }],
    emit(e, ins, outs, { axes, keepdims }) {
      e.node(type, ins, { axes: attr.ints(axes), keepdims: attr.int(keepdims ? 1 : 0) }, outs);
    },
    ref: ([x], { axes, keepdims }) => [reduceRef(x, axes, keepdims, init, combine, finish)],
    vjp({ inputs: [x], outputs: [y], attrs: { axes }, gradOutputs: [g] }) {
      const keep = reducedShape(x.shape, axes, true);
      return [vjp(x, reshape(y, keep), reshape(g!, keep), axes)];
    },
  };
}

export const ReduceMean = reduceOp(
  'ReduceMean',
  0,
  (a, v) => a + v,
  (a, n) => a / n,
  (x, _y, g, axes) => expand(mul(g, 1 / (numel(x.shape) / numel(reducedShape(x.shape, axes, true)))), x.shape),
);
const extremumVjp = (x: Value, y: Value, g: Value, axes: readonly number[]): Value => {
  const mask = cast(equal(x, y), x.dtype);
  return mul(mask, div(g, reduceSum(mask, axes, true)));
};
export const ReduceMax = reduceOp('ReduceMax', -Infinity, Math.max, undefined, extremumVjp);
export const ReduceMin = reduceOp('ReduceMin', Infinity, Math.min, undefined, extremumVjp);

function reduce(op: OpDef<ReduceAttrs>, x: Value, axes: readonly number[] | undefined, keepdims: boolean): Value {
  return apply1(op, [x], { axes: normAxes(axes ?? x.shape.map((_, i) => i), x.rank), keepdims });
}
/** Mean over `axes` (default: all). */
export const reduceMean = (x: Value, axes?: readonly number[], keepdims = false): Value => reduce(ReduceMean, x, axes, keepdims);
export const reduceMax = (x: Value, axes?: readonly number[], keepdims = false): Value => reduce(ReduceMax, x, axes, keepdims);
export const reduceMin = (x: Value, axes?: readonly number[], keepdims = false): Value => reduce(ReduceMin, x, axes, keepdims);
