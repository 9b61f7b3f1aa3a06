import { checkOps } from './check';
import { randomTensor } from '../../helpers/gradcheck';
import { add, mul, neg } from '../../../src/engine/graph/ops/elementwise';
import { erf, exp, gelu, log, pow, relu, sigmoid, sqrt, tanh } from '../../../src/engine/graph/ops/math';
import { cast, greater, maximum, minimum, where, identity } from '../../../src/engine/graph/ops/logic';

const positive = (shape: number[], seed = 5) => randomTensor(shape, seed, 0.5, 2);
// Relu/Max/Min are not differentiable at kinks; the random inputs stay away from them (|x| > 1e-6 whp).
checkOps({
  Relu: { inputs: { a: [3, 4] }, build: (x) => relu(x.a) },
  Exp: { inputs: { a: [3, 4] }, build: (x) => exp(x.a) },
  Log: { inputs: { a: [3, 4] }, values: { a: positive([3, 4]) }, build: (x) => log(x.a) },
  Sqrt: { inputs: { a: [3, 4] }, values: { a: positive([3, 4]) }, build: (x) => sqrt(x.a) },
  'Pow 3': { inputs: { a: [3, 4] }, build: (x) => pow(x.a, 3) },
  'Pow -1.5': { inputs: { a: [3, 4] }, values: { a: positive([3, 4]) }, build: (x) => pow(x.a, -1.5) },
  Neg: { inputs: { a: [2, 3] }, build: (x) => neg(x.a) },
  Sigmoid: { inputs: { a: [3, 4] }, build: (x) => sigmoid(mul(x.a, 3)) },
  Tanh: { inputs: { a: [3, 4] }, build: (x) => tanh(mul(x.a, 2)) },
  Erf: { inputs: { a: [3, 4] }, build: (x) => erf(mul(x.a, 2)) },
  'GELU (exact erf)': { inputs: { a: [3, 5] }, build: (x) => gelu(mul(x.a, 3)) },
  'Max/Min (broadcast)': { inputs: { a: [2, 3], b: [3] }, build: (x) => add(maximum(x.a, x.b), minimum(x.a, 0.1)) },
  'Where (broadcast)': { inputs: { a: [2, 3], b: [3] }, build: (x) => where(greater(x.a, x.b), x.a, mul(x.b, 2)) },
  'Cast float64 round trip': { inputs: { a: [2, 3] }, build: (x) => cast(mul(cast(x.a, 'float64'), 2), 'float32') },
  Identity: { inputs: { a: [2, 3] }, build: (x) => identity(x.a) },
});
