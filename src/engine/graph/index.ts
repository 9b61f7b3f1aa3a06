// Public surface of the graph IR: import from here. Each op family lives in ops/<family>.ts with its
// OpDef (infer / emit / ref / vjp) next to the builder function that models call.
export * from './tensor';
export * from './ir';
export * from './autodiff';
export * from './onnx-export';
export * from './reference';
export * from './ops/elementwise';
export * from './ops/shape';
export * from './ops/logic';
export * from './ops/math';
export * from './ops/matmul';
export * from './ops/layout';
export * from './ops/gather';
export * from './ops/reduce';
export * from './ops/softmax';
export * from './ops/conv';
export * from './ops/conv-grad';
export * from './ops/pool';
export * from './ops/norm';
export * from './optim';
