// Layer analyses of a finished run (issue 16): LayerMem / ΔLayerMem (f and g) and UnitMem (one encoder).
export * from './types';
export { computeLayerMem, type LayersRequest } from './layermem';
export type { AnalysisRuntime, AnalysisHooks, AnalysisOutcome } from './analysis';
export { FINAL_LAYER_ONLY } from './imported-run';
export { computeUnitMem, type UnitsRequest } from './unitmem';
export { parsePointSet, describePointSet } from './points';
export { computeOverTraining, fixedSample, type OverTrainingRequest } from './over-training';
