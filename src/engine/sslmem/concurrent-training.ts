// A run's stages with its training stages k at a time (RuntimeOptions.concurrentTraining), for the trained
// pipeline and whole-dataset runs alike: the stages before training run first, then the pending training
// stages in k lanes, each encoder in its own worker thread with its share of the threads (train-in-worker.ts),
// then the stages after training. On a 2-core
// machine two quick-preset encoders at 1 thread each train ~10-15% faster together than one after the
// other at 2 threads (docs/benchmarks.md), with the same checkpoints on the CPU provider.
import { isTrainingStage, manifestStageStore, runStages, runStagesConcurrently, type RunHandle, type StageResult } from '../runs';
import { threadsPerStage, type ConcurrentTraining, type PipelineHooks, type RuntimeOptions } from './run-hooks';
import type { ProviderDecision, ProviderSetting } from '../runtime/providers';

/** What a training stage runs with when it is one of several at once: its lane's signal and runtime. */
export interface TrainingLane {
  signal: AbortSignal;
  runtime: RuntimeOptions;
  /** `auto`'s choice, made once before the lanes started (absent for an explicit cpu). */
  decided?: ProviderDecision;
}
export type RunStageWork = (stage: string, lane?: TrainingLane) => Promise<StageResult>;

/**
 * Every pending stage of a run, in order; with `runtime.concurrentTraining` > 1 the training stages k at a time
 * (the stages before them first, the ones after them once all trained).
 */
export async function runRunStages(
  run: RunHandle,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
  work: RunStageWork,
  /** `auto`'s choice for the run's train step with this many threads (decideTrainProvider). */
  decide: (threads: number) => Promise<ProviderDecision>,
): Promise<'done' | 'cancelled'> {
  const order = run.manifest.stageOrder;
  const store = manifestStageStore(run);
  const events = { signal: hooks.signal, onEvent: hooks.onEvent };
  const training = order.filter(isTrainingStage);
  await run.reload();
  const pending = training.filter((s) => !run.isDone(s));
  const plan = await planLanes(runtime, pending, decide, (message) => hooks.onEvent?.({ kind: 'executor', message }));
  if (!plan) return runStages(order, store, (stage) => work(stage), events);

  const first = order.indexOf(training[0]);
  const last = order.indexOf(training[training.length - 1]);
  const before = order.slice(0, first);
  if ((await runStages(order, store, (stage) => work(stage), { ...events, only: { stages: before } })) === 'cancelled') return 'cancelled';
  const laneRuntime: RuntimeOptions = { ...runtime, threads: plan.threads };
  const decided = plan.decided;
  const trained = await runStagesConcurrently(order, store, (stage, signal) => work(stage, { signal, runtime: laneRuntime, decided }), {
    ...events,
    group: pending,
    limit: plan.lanes,
    // A training stage needs only what precedes the first training stage, not its siblings.
    requires: (stage) => (isTrainingStage(stage) ? before : order.slice(0, order.indexOf(stage))),
  });
  if (trained === 'cancelled') return 'cancelled';
  return runStages(order, store, (stage) => work(stage), { ...events, only: { stages: order.slice(last + 1) } });
}

/**
 * How `pending` encoders train: in k lanes (k = min(concurrentTraining.stages, pending)), each with an equal share
 * of the threads and `auto`'s one decision — or one at a time (null): one pending encoder, a GPU asked for, or
 * `auto` choosing a GPU. `notify` says which (the CLI prints it, the training view shows it). `decide` runs
 * before any lane starts, so the stages before training may still be pending; it only opens sessions.
 */
export async function planLanes(
  runtime: { provider?: ProviderSetting; threads?: number; concurrentTraining?: ConcurrentTraining },
  pending: readonly string[],
  decide: (threads: number) => Promise<ProviderDecision>,
  notify: (message: string) => void,
): Promise<{ lanes: number; threads: number; decided?: ProviderDecision } | null> {
  const lanes = Math.min(runtime.concurrentTraining?.stages ?? 1, pending.length);
  const setting = runtime.provider ?? 'auto';
  // Concurrent encoders share the CPU cores; a GPU trains one encoder at a time.
  if (lanes <= 1 || (setting !== 'cpu' && setting !== 'auto')) return null;
  const threads = threadsPerStage(runtime.threads, lanes);
  const decided = setting === 'auto' ? await decide(threads) : undefined;
  if (decided && decided.chosen !== 'cpu') {
    notify(`training one encoder at a time: auto chose ${decided.chosen}, not the CPU`);
    return null;
  }
  notify(`training ${pending.join(', ')}: ${lanes} at a time, ${threads} CPU thread${threads === 1 ? '' : 's'} each`);
  return { lanes, threads, decided };
}
