// Stop-gradient (PyTorch's .detach()): an ONNX Identity whose VJP sends no gradient back, so autodiff
// treats its output as a constant. SimSiam's target branch and BYOL's target network need it.

import { OpDef, Value, apply1 } from '../graph';

export const StopGradient: OpDef<null> = {
  type: 'StopGradient',
  infer: ([x]) => [x],
  emit(e, ins, outs) {
    e.node('Identity', ins, {}, outs);
  },
  ref: ([x]) => [x],
  vjp: () => [null],
};

export const stopGradient = (x: Value): Value => apply1(StopGradient, [x], null);
