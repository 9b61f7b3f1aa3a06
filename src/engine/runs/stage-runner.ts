// The one loop that runs a resumable sequence of stages: the trained pipeline, the imported-encoder scoring
// and the retrain-after-removal experiment all go through it. It skips the stages that are done, stops
// between stages when cancelled, turns an AbortError inside a stage into "interrupted, resume later", and
// records a failure before rethrowing it. Where a stage's state lives is the store's business: a run's
// manifest (`manifestStageStore`) or, for the removal experiment, one result file per encoder.
import type { RunHandle } from './store';
import type { StageRecord } from './manifest';

/** What a finished stage records (relative to the run folder). */
export type StageDone = Pick<StageRecord, 'outputs' | 'checkpoint'>;

/** What a stage's work returns: done (with what to record), or cancelled (it kept its own resume point). */
export type StageResult = StageDone | 'cancelled';

export interface StageStore {
  isDone(stage: string): boolean | Promise<boolean>;
  start(stage: string): Promise<unknown>;
  finish(stage: string, done: StageDone): Promise<unknown>;
  /** Cancelled: between stages (`stage` null) or inside one, which stays pending for the next resume. */
  interrupt(stage: string | null): Promise<unknown>;
  fail(stage: string, error: unknown): Promise<unknown>;
}

export type StageEvent = { kind: 'stage'; stage: string; status: 'start' | 'done' | 'skip' };

export interface StageRunnerHooks {
  signal?: AbortSignal;
  onEvent?: (event: StageEvent) => void;
}

export async function runStages(stages: readonly string[], store: StageStore, work: (stage: string) => Promise<StageResult>,
  hooks: StageRunnerHooks = {}): Promise<'done' | 'cancelled'> {
  for (const stage of stages) {
    if (await store.isDone(stage)) { hooks.onEvent?.({ kind: 'stage', stage, status: 'skip' }); continue; }
    if (hooks.signal?.aborted) {
      await store.interrupt(null);
      return 'cancelled';
    }
    hooks.onEvent?.({ kind: 'stage', stage, status: 'start' });
    await store.start(stage);
    let result: StageResult;
    try {
      result = await work(stage);
    } catch (e) {
      if ((e as Error).name === 'AbortError') {
        await store.interrupt(stage);
        return 'cancelled';
      }
      await store.fail(stage, e);
      throw e;
    }
    if (result === 'cancelled') {
      await store.interrupt(stage);
      return 'cancelled';
    }
    await store.finish(stage, result);
    hooks.onEvent?.({ kind: 'stage', stage, status: 'done' });
  }
  return 'done';
}

/** A run's stages as its manifest records them (status, timings, checkpoint pointers, the run's status). */
export function manifestStageStore(run: RunHandle): StageStore {
  return {
    isDone: (stage) => run.isDone(stage),
    start: (stage) => run.startStage(stage),
    finish: (stage, done) => run.finishStage(stage, done),
    // Cancelled between stages, the manifest still says 'running' from the stage that just finished.
    interrupt: (stage) => run.update((m) => {
      m.status = 'interrupted';
      if (stage !== null) m.stages[stage] = { ...m.stages[stage], status: 'pending' };
    }),
    fail: (stage, error) => run.failStage(stage, error),
  };
}
