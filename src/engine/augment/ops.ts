// Forward-only ops that only the augmentation graph needs (the rest comes from ../graph). Augmentation is
// applied to data and never differentiated, so these OpDefs carry shape inference, ONNX emission and a
// float64 reference, but no VJP (autodiff reports an error if one ever ends up between parameters and a loss).

import { OpDef, Value, apply1 } from '../graph/ir';
import { tensor } from '../graph/tensor';

function unary(type: string, f: (x: number) => number): OpDef<null> {
  return {
    type,
    infer: ([x]) => [x],
    emit(e, ins, outs) {
      e.node(type, ins, {}, outs);
    },
    ref: ([x]) => [tensor(x.shape, Array.from(x.data, f))],
  };
}
export const Floor = unary('Floor', Math.floor);
export const Abs = unary('Abs', Math.abs);
export const floor = (x: Value) => apply1(Floor, [x], null);
export const abs = (x: Value) => apply1(Abs, [x], null);

interface ClipAttrs {
  min: number;
  max: number;
}
/** Clip with constant bounds (ONNX takes them as scalar inputs since opset 11). */
export const Clip: OpDef<ClipAttrs> = {
  type: 'Clip',
  infer: ([x]) => [x],
  emit(e, ins, outs, { min, max }, [t]) {
    e.node('Clip', [ins[0], e.float([min], [], t.dtype), e.float([max], [], t.dtype)], {}, outs);
  },
  ref: ([x], { min, max }) => [
    tensor(
      x.shape,
      Array.from(x.data, (v) => Math.min(max, Math.max(min, v))),
    ),
  ],
};
export const clip = (x: Value, min: number, max: number) => apply1(Clip, [x], { min, max });
