// The one loop that runs a resumable sequence of stages: the trained pipeline, the imported-encoder scoring
// and the retrain-after-removal experiment all go through it. It skips the stages that are done, stops
// between stages when cancelled, turns an AbortError inside a stage into "interrupted, resume later", and
// records a failure before rethrowing it. Where a stage's state lives is the store's business: a run's
// manifest (`manifestStageStore`) or, for the removal experiment, one result file per encoder.
import type { RunHandle } from './store';
import type { StageRecord } from './manifest';
import { claimStage } from './stage-lock';

/** What a finished stage records (relative to the run folder). */
export type StageDone = Pick<StageRecord, 'outputs' | 'checkpoint'>;

/** What a stage's work returns: done (with what to record), or cancelled (it kept its own resume point). */
export type StageResult = StageDone | 'cancelled';

export interface StageStore {
  isDone(stage: string): boolean | Promise<boolean>;
  /**
   * Claim a stage for this process before it starts (no other live process may run it at the same time);
   * returns the release. Optional: a store whose stages only one process ever runs needs none.
   */
  claim?(stage: string): Promise<() => Promise<void>>;
  start(stage: string): Promise<unknown>;
  finish(stage: string, done: StageDone): Promise<unknown>;
  /** Cancelled: between stages (`stage` null) or inside one, which stays pending for the next resume. */
  interrupt(stage: string | null): Promise<unknown>;
  fail(stage: string, error: unknown): Promise<unknown>;
  /** After a failed stage's siblings were cancelled (runStagesConcurrently): the run is failed, not interrupted. */
  failRun?(): Promise<unknown>;
}

export type StageEvent = { kind: 'stage'; stage: string; status: 'start' | 'done' | 'skip' };

export interface StageRunnerHooks {
  signal?: AbortSignal;
  onEvent?: (event: StageEvent) => void;
  /**
   * Run only these stages (one stage of a run, executed by a cluster job): the others are neither run nor
   * skipped. What a selected stage needs must be done already, else an error names what is missing;
   * `requires` says what that is (default: every stage before it, in order).
   */
  only?: { stages: readonly string[]; requires?: (stage: string) => readonly string[] };
}

/** The stages a selected stage needs by default: all that come before it. */
const earlierStages = (stages: readonly string[]) => (stage: string) => stages.slice(0, stages.indexOf(stage));

async function checkSelection(stages: readonly string[], store: StageStore, only: NonNullable<StageRunnerHooks['only']>): Promise<void> {
  const unknown = only.stages.filter((s) => !stages.includes(s));
  if (unknown.length) throw new Error(`unknown stage ${unknown.map((s) => `"${s}"`).join(', ')} (stages: ${stages.join(', ')})`);
  const requires = only.requires ?? earlierStages(stages);
  for (const stage of only.stages) {
    const missing: string[] = [];
    for (const need of requires(stage)) if (!only.stages.includes(need) && !(await store.isDone(need))) missing.push(need);
    if (missing.length) throw new Error(`stage ${stage} needs ${missing.join(', ')} done first`);
  }
}

export async function runStages(
  stages: readonly string[],
  store: StageStore,
  work: (stage: string) => Promise<StageResult>,
  hooks: StageRunnerHooks = {},
): Promise<'done' | 'cancelled'> {
  if (hooks.only) await checkSelection(stages, store, hooks.only);
  for (const stage of stages) {
    if (hooks.only && !hooks.only.stages.includes(stage)) continue;
    if (await store.isDone(stage)) {
      hooks.onEvent?.({ kind: 'stage', stage, status: 'skip' });
      continue;
    }
    if (hooks.signal?.aborted) {
      await store.interrupt(null);
      return 'cancelled';
    }
    const release = await store.claim?.(stage);
    try {
      // Another process may have finished it between the check above and the claim.
      if (release && (await store.isDone(stage))) {
        hooks.onEvent?.({ kind: 'stage', stage, status: 'skip' });
        continue;
      }
      if ((await runOne(stage, store, work, hooks)) === 'cancelled') return 'cancelled';
    } finally {
      await release?.();
    }
  }
  return 'done';
}

async function runOne(
  stage: string,
  store: StageStore,
  work: (stage: string) => Promise<StageResult>,
  hooks: StageRunnerHooks,
): Promise<'done' | 'cancelled'> {
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
  return 'done';
}

/** A run's stages as its manifest records them (status, timings, checkpoint pointers, the run's status). */
export function manifestStageStore(run: RunHandle): StageStore {
  return {
    // Re-read: with stages executed by other processes (cluster jobs), this process's copy may be behind.
    isDone: async (stage) => {
      await run.reload();
      return run.isDone(stage);
    },
    claim: (stage) => claimStage(run.dir, stage),
    start: (stage) => run.startStage(stage),
    finish: (stage, done) => run.finishStage(stage, done),
    // Cancelled between stages, the manifest still says 'running' from the stage that just finished.
    interrupt: (stage) =>
      run.update((m) => {
        m.status = 'interrupted';
        if (stage !== null) m.stages[stage] = { ...m.stages[stage], status: 'pending' };
      }),
    fail: (stage, error) => run.failStage(stage, error),
    failRun: () =>
      run.update((m) => {
        m.status = 'failed';
      }),
  };
}

/**
 * Independent stages (`group`: e.g. the training stages, which need only what precedes the first of them) run
 * up to `limit` at a time, each through the same claim/record steps as runStages; `work` gets the signal to
 * stop on. The stages before the group must be done (the caller runs them first). A failure cancels the
 * siblings still running (each keeps its resume point), waits for them, marks the run failed again (their
 * cancels recorded 'interrupted') and rethrows; a cancel by the caller stops every lane.
 */
export async function runStagesConcurrently(
  stages: readonly string[],
  store: StageStore,
  work: (stage: string, signal: AbortSignal) => Promise<StageResult>,
  hooks: StageRunnerHooks & { group: readonly string[]; limit: number; requires?: (stage: string) => readonly string[] },
): Promise<'done' | 'cancelled'> {
  const controller = new AbortController();
  const stopAll = () => controller.abort(hooks.signal?.reason);
  if (hooks.signal?.aborted) stopAll();
  hooks.signal?.addEventListener('abort', stopAll);
  const queue = [...hooks.group];
  let failure: { error: unknown } | null = null;
  let cancelled = false;
  const lane = async () => {
    for (let stage = queue.shift(); stage !== undefined && !failure; stage = queue.shift()) {
      const s = stage;
      try {
        const status = await runStages(stages, store, (x) => work(x, controller.signal), {
          signal: controller.signal,
          onEvent: hooks.onEvent,
          only: { stages: [s], requires: hooks.requires },
        });
        if (status === 'cancelled') cancelled = true;
      } catch (error) {
        failure ??= { error };
        controller.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(hooks.limit, hooks.group.length)) }, lane));
  } finally {
    hooks.signal?.removeEventListener('abort', stopAll);
  }
  const failed = failure as { error: unknown } | null; // set by the lanes (TypeScript cannot see that)
  if (failed) {
    await store.failRun?.();
    throw failed.error;
  }
  return cancelled ? 'cancelled' : 'done';
}
