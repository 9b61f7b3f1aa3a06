import { checkOps } from './check';
import { reduceMax, reduceMean, reduceMin } from '../../../src/engine/graph/ops/reduce';
import { l2normalize, logSoftmax, softmax } from '../../../src/engine/graph/ops/softmax';
import { mul } from '../../../src/engine/graph/ops/elementwise';
import { tensor } from '../../../src/engine/graph/tensor';

checkOps({
  'ReduceMean keepdims': { inputs: { a: [2, 3, 4] }, build: (x) => reduceMean(x.a, [0, 2], true) },
  'ReduceMean all': { inputs: { a: [2, 3] }, build: (x) => reduceMean(x.a) },
  ReduceMax: { inputs: { a: [2, 3, 4] }, build: (x) => reduceMax(x.a, [1]) },
  ReduceMin: { inputs: { a: [3, 4] }, build: (x) => reduceMin(x.a, [-1], true) },
  // Ties: the gradient is split between equal maxima, which is also what central differences give there.
  'ReduceMax ties split': {
    inputs: { a: [2, 3] },
    values: { a: tensor([2, 3], [1, 0.5, 1, -1, -0.25, -2]) },
    build: (x) => reduceMax(x.a, [1]),
  },
  'Softmax axis 1': { inputs: { a: [2, 3, 2] }, build: (x) => softmax(mul(x.a, 3), 1) },
  'LogSoftmax last axis': { inputs: { a: [3, 4] }, build: (x) => logSoftmax(mul(x.a, 3)) },
  'L2 normalise last axis': { inputs: { a: [3, 4] }, build: (x) => l2normalize(x.a, -1) },
  'L2 normalise axis 0 (clamped lane)': {
    inputs: { a: [2, 3] },
    values: { a: tensor([2, 3], [1e-5, 0.5, -0.2, -1e-5, 0.3, 0.7]) },
    build: (x) => l2normalize(x.a, 0, 1e-3),
  },
});
