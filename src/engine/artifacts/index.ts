// Training artifacts: train-step and encode graphs, checkpoints, the manifest. See README.md.
export * from './io-names';
export { buildTrainStep, type TrainStepOptions, type TrainStepArtifact, type StatePair } from './train-step';
export { buildEncode, type EncodeOptions, type EncodeArtifact } from './encode';
export { initParams, initSpecs, initTensor, type NamedArrays } from './init';
export { encodeCheckpoint, decodeCheckpoint, readCheckpoint, writeCheckpoint, type Checkpoint, type CheckpointHeader } from './checkpoint';
export { FILES, makeManifest, writeArtifacts, type ArtifactManifest, type ArtifactSet } from './manifest';
