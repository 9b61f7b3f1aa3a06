// Encoders (no training objective); methods in src/engine/methods turn them into SslProblems.
export * from './types';
export { smallCnn, type SmallCnnOptions } from './small-cnn';
export { resnet18, type ResNet18Options } from './resnet18';
export { vitTiny, patchify, type VitOptions, type VitEncoder } from './vit';
export { Specs, applyBatchNorm, applyConv, applyLayerNorm, applyLinear, spatialMean } from './layers';
