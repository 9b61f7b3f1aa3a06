// Augmentation inside the graph: host-sampled parameters (sample.ts) turned into views by standard ONNX ops
// (graph.ts). See README.md for the design, the recipe and measured timings.
export * from './config';
export type { AugSample } from './sample';
export { PARAM, PARAM_COUNT, KeyedRng, sampleAugParams, sampleAugmentations, encodeAugParams, sampleCrop, roundHalfEven } from './sample';
export { augmentViews, LUMA } from './graph';
export { augmentReference } from './reference';
