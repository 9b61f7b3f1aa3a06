// Layer analyses of a finished run (issue 16): LayerMem / ΔLayerMem (f and g) and UnitMem (one encoder).
export * from './types';
export { computeLayerMem, type LayersRequest, type AnalysisRuntime, type AnalysisHooks, type AnalysisOutcome } from './layermem';
export { computeUnitMem, type UnitsRequest } from './unitmem';
export { parsePointSet, describePointSet } from './points';
export { computeOverTraining, fixedSample, type OverTrainingRequest } from './over-training';
