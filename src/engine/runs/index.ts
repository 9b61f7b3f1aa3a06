export * from './manifest';
export { RunHandle, createRun, openRun, readManifest, newRunId, isStaleRunning, MANIFEST_FILE, type RunInit } from './store';
export { listRuns, type RunSummary } from './list';
export { buildScoreTable, rowsOf, type ScoreTable, type RowScores } from './score-table';
export { scoresToCsv, writeScoresCsv, CSV_COLUMNS } from './scores-csv';
export { encodeScoresBin, writeScoresBin, type ScoresBinHeader, type ScoreRow } from './scores-bin';
export { openScoresBin, type ScoresBinReader } from './scores-bin-reader';
export {
  runStages,
  manifestStageStore,
  runStagesConcurrently,
  type StageRunnerHooks,
  type StageStore,
  type StageDone,
  type StageResult,
  type StageEvent,
} from './stage-runner';
