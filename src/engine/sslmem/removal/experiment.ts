// Retrain after removal (method spec §3), from a finished run: for each k, remove the k most memorized
// points of f's training data (S_S ∪ S_C, ranked by the run's scores) and, as control, k random points of
// the same pool (several seeds); retrain f with the same recipe (same config, same training seed as f, so
// only the data differ); evaluate every encoder — the original f included — with kNN and a linear probe on
// the frozen features (probes/evaluate.ts).
// A whole-dataset run goes through the same code with other inputs (whole-inputs.ts): the pool is every
// non-control image, ranked by the run's scores; the probe-test set is the control set; and since none of its
// encoders trained on the whole pool, a full-pool retraining with the run's recipe is the reference.
//
// Resumable and atomic: each retrained encoder lives in <run>/retrain/<kind>-k<k>-s<seed>/ (checkpoint,
// artifacts, removed.json, result.json). A folder with result.json is finished and skipped on rerun; a
// folder with only a checkpoint continues training from it. retrain.json and retrain.md are rewritten at
// the end from the encoders this request asked for (the k list and seeds given), finished now or earlier.
// The run's own files are only read.
import { existsSync, promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadDataset } from '../../data';
import { readCheckpoint } from '../../artifacts/checkpoint';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic';
import { assertProviderUsable } from '../../runtime/session';
import { decideTrainProvider, stepsFor, trainEncoder, type TrainEncoderJob } from '../train-encoder';
import { trainEncoderInWorker } from '../train-in-worker';
import { planLanes } from '../concurrent-training';
import type { ProviderDecision } from '../../runtime/providers';
import { keptIndices, memorizedRemoval, planRetrains, randomRemoval, resolveK, retrainDirName, type RetrainSpec } from './plan';
import { paperRemovalInputs, readRunInputs, type RemovalInputs } from './inputs';
import { readWholeRemovalInputs } from './whole-inputs';
import { openRun } from '../../runs';
import { runConfigOf } from '../run-config';
import { ResultStore } from './result-store';
import { runStages, runStagesConcurrently, type StageEvent, type StageResult } from '../../runs/stage-runner';
import { evaluateEncoder, transferProbeSet, type ProbeSet, type ProbeSettings } from '../probes/evaluate';
import { LINEAR_PROBE_DEFAULTS } from '../probes/linear';
import { conclusionLines, renderRetrainMarkdown } from './report';
import { rescoreRetrained } from './rescore';
import type { RetrainRequest, RetrainHooks, RetrainRuntime, ProbeProtocol, RetrainOutcome, RetrainResults, RetrainRow } from './types';

export type { RetrainEvent, RetrainOutcome } from './types';
import type { SslmemConfig } from '../config-types';

export const RETRAIN_FILES = { json: 'retrain.json', markdown: 'retrain.md', folder: 'retrain' } as const;

/**
 * Where an experiment keeps its encoders and results. With the run's own recipe: retrain/ and
 * retrain.json / retrain.md. With an epochs override the encoders are a different experiment (another
 * schedule: their checkpoints must never be resumed as the other's), so they live in retrain/e<E>/ and
 * the results in retrain-e<E>.json / .md.
 */
export function experimentFiles(epochsOverride: number | null): { folder: string; json: string; markdown: string } {
  if (epochsOverride === null) return { ...RETRAIN_FILES };
  return {
    folder: `${RETRAIN_FILES.folder}/e${epochsOverride}`,
    json: `retrain-e${epochsOverride}.json`,
    markdown: `retrain-e${epochsOverride}.md`,
  };
}

/** A request plus the probe settings (tests and benchmarks set them; the job uses the defaults). */
export interface RetrainRequestWithProbes extends RetrainRequest {
  probe?: ProbeSettings;
}

export async function runRemovalExperiment(
  req: RetrainRequestWithProbes,
  runtime: RetrainRuntime = {},
  hooks: RetrainHooks = {},
): Promise<RetrainOutcome> {
  await assertProviderUsable(runtime.provider); // an explicit provider that cannot run: fail before any work
  if (!Number.isInteger(req.seeds) || req.seeds < 1) throw new Error(`seeds must be a whole number ≥ 1, got ${req.seeds}`);
  if (req.k.length === 0) throw new Error('give at least one k');
  const runDir = resolve(req.runDir);
  const cancelled: RetrainOutcome = { runDir, status: 'cancelled', resultsFile: null, summaryFile: null };
  const inputs = await readRemovalInputs(runDir, hooks.log);
  const { run, loaded, pool, sslmem } = inputs;
  const dataset = loaded.dataset;
  const kResolved = [...new Set(req.k.map((k) => resolveK(k, pool.length)))].sort((a, b) => a - b);
  // Retrained encoders are compared by accuracy only: no snapshots for the over-training analysis (14 MB each).
  const config: SslmemConfig = { ...sslmem, epochs: req.epochs ?? sslmem.epochs, snapshots: 0 };
  const epochsOverride = config.epochs !== sslmem.epochs;
  // A full-data retraining is the reference when the run's own encoder is none: other epochs, or a whole run.
  const baseline = epochsOverride || inputs.original === null;
  const specs = planRetrains(kResolved, req.seeds, baseline);
  const files = experimentFiles(epochsOverride ? config.epochs : null);

  const sets: ProbeSet[] = [{ dataset, train: inputs.probe.train, test: inputs.probe.test }];
  if (req.transferData) {
    const transfer = await loadDataset(req.transferData, sslmem.decode, { cacheDir: inputs.cacheDir ?? undefined });
    sets.push(transferProbeSet(transfer.dataset, inputs.seed));
  }
  const settings = req.probe ?? {};
  const protocol = protocolOf(inputs, sets, settings, req.transferData);
  const probeKey = JSON.stringify({ settings, transfer: req.transferData ? resolve(req.transferData) : null, protocol });

  // Machine time per step: a run that trained k encoders side by side recorded k-shared seconds.
  const { seconds: trainSeconds, steps: timedSteps, sideBySide } = inputs.timing;
  const secondsPerStep = trainSeconds ? trainSeconds / timedSteps / sideBySide : 0;
  const estimatedSeconds = trainSeconds ? specs.reduce((s, spec) => s + secondsPerStep * stepsFor(config, pool.length - spec.k), 0) : null;
  // One stage per encoder: the original f (evaluated, never retrained) when there is one, then each retraining.
  const encoders = [...(inputs.original ? ['original'] : []), ...specs.map(retrainDirName)];
  hooks.onEvent?.({ kind: 'plan', encoders, estimatedSeconds });
  if (estimatedSeconds) hooks.log?.(`about ${Math.round(estimatedSeconds / 60)} min of training (from this run's training time)`);

  const specOf = new Map(specs.map((spec) => [retrainDirName(spec), spec]));
  const folderOf = (name: string) => (name === 'original' ? `${RETRAIN_FILES.folder}/original` : `${files.folder}/${name}`);
  const store = new ResultStore((name) => run.path(`${folderOf(name)}/result.json`), probeKey, hooks.log);

  const evaluateOriginal = async (checkpoint: string): Promise<RetrainRow> => {
    const t0 = performance.now();
    const acc = await evaluateEncoder({
      config: sslmem,
      checkpoint: await readCheckpoint(run.path(checkpoint)),
      sets,
      settings,
      ...runtime,
      signal: hooks.signal,
    });
    return rowOf({ k: 0, kind: 'none', seed: 0 }, acc, {
      trainingSize: pool.length,
      encoder: 'original',
      dir: dirname(checkpoint),
      epochs: sslmem.epochs,
      steps: stepsFor(sslmem, pool.length),
      trainSeconds: 0,
      evalSeconds: (performance.now() - t0) / 1000,
    });
  };

  // A lane: this encoder retrains at the same time as others, in a worker thread (concurrent-training.ts).
  const retrain = async (name: string, spec: RetrainSpec, lane?: RetrainLane): Promise<RetrainRow | null> => {
    const dir = run.path(folderOf(name));
    const removed = removalOf(spec, pool, inputs);
    const kept = keptIndices(pool, removed);
    await writeJsonAtomic(join(dir, 'removed.json'), { kind: spec.kind, k: spec.k, seed: spec.seed, removed: Array.from(removed) });
    // Training time summed over interrupted attempts (train-seconds.json next to the checkpoint).
    const secondsFile = join(dir, 'train-seconds.json');
    const prior = existsSync(secondsFile) ? (JSON.parse(await fs.readFile(secondsFile, 'utf8')) as { seconds: number }).seconds : 0;
    const signal = lane?.signal ?? hooks.signal;
    const job: TrainEncoderJob = {
      config,
      dataset,
      indices: kept,
      seed: inputs.trainSeed,
      dir,
      checkpointPath: join(dir, 'checkpoint.bin'),
      provider: runtime.provider,
      threads: lane?.threads ?? runtime.threads,
      decided: lane?.decided,
      signal,
      log: hooks.log,
      onProgress: (p) => hooks.onEvent?.({ kind: 'train', name, step: p.step, total: p.total, loss: p.loss, imagesPerSec: p.imagesPerSec }),
    };
    const local = lane ? null : await trainEncoder(job);
    const trained = local ?? (await trainEncoderInWorker(lane!.workerFile, job));
    await writeJsonAtomic(secondsFile, { seconds: prior + trained.seconds });
    if (trained.cancelled) return null;
    // A worker's checkpoint is on disk (the worker sends no tensors back).
    const checkpoint = local ? local.checkpoint : await readCheckpoint(job.checkpointPath);
    hooks.onEvent?.({ kind: 'evaluate', name });
    const t0 = performance.now();
    // Evaluated where it trained (for `auto`: the measured choice).
    const acc = await evaluateEncoder({
      config,
      checkpoint,
      sets,
      settings,
      provider: trained.decision.chosen,
      threads: lane?.threads ?? runtime.threads,
      signal,
    });
    return rowOf(spec, acc, {
      trainingSize: kept.length,
      encoder: 'retrained',
      dir: folderOf(name),
      epochs: config.epochs,
      steps: trained.steps,
      trainSeconds: prior + trained.seconds,
      evalSeconds: (performance.now() - t0) / 1000,
    });
  };

  const work = async (name: string, lane?: RetrainLane): Promise<StageResult> => {
    const spec = specOf.get(name);
    const row = spec ? await retrain(name, spec, lane) : await evaluateOriginal(inputs.original!);
    if (!row) return 'cancelled';
    await store.save(name, row);
    return {};
  };

  try {
    const status = await runEncoders(encoders, store, work, runtime, hooks, (threads) => decideTrainProvider(config, threads, hooks.log));
    if (status === 'cancelled') return cancelled;
    const rows = encoders.map((name) => store.row(name));
    let scoreDiffFile: string | undefined;
    if (req.rescore && !inputs.paper) {
      hooks.log?.('re-scoring skipped: a whole-dataset run has no g to score a retrained encoder against');
    } else if (req.rescore && epochsOverride) {
      // g was trained with the run's recipe: against it, an f with other epochs shifts every score, which
      // would drown the per-point changes the diff is for.
      hooks.log?.("re-scoring skipped: it is only meaningful for encoders retrained with the run's own epochs");
    } else if (req.rescore && inputs.paper) {
      const largest: RetrainSpec = { kind: 'memorized', k: kResolved[kResolved.length - 1], seed: 0 };
      scoreDiffFile = (await rescoreRetrained(inputs.paper, config, files.folder, largest, runtime, hooks)) ?? undefined;
    }
    const results: RetrainResults = {
      format: 'sslmem-retrain',
      version: 1,
      ...(inputs.mode === 'whole' ? { mode: 'whole' as const } : {}),
      runId: run.id,
      createdAt: new Date().toISOString(),
      kRequested: req.k,
      kResolved,
      seeds: req.seeds,
      poolSize: pool.length,
      protocol,
      rows,
      conclusion: [],
      scoreDiffFile,
    };
    results.runSignal = await runSignalOf(run.path('report.json'));
    results.conclusion = conclusionLines(results);
    await writeJsonAtomic(run.path(files.json), results);
    await writeFileAtomic(run.path(files.markdown), renderRetrainMarkdown(results, run.manifest, epochsOverride));
    return { runDir, status: 'done', resultsFile: run.path(files.json), summaryFile: run.path(files.markdown) };
  } catch (e) {
    if ((e as Error).name === 'AbortError') return cancelled;
    throw e;
  }
}

/** A retraining that runs at the same time as others: its signal, threads, worker and `auto`'s one decision. */
interface RetrainLane {
  signal: AbortSignal;
  threads: number;
  workerFile: string;
  decided?: ProviderDecision;
}

/**
 * Every pending encoder of the experiment: the original f's evaluation first, then the retrainings — with
 * `runtime.concurrentTraining` > 1 up to k at a time (planLanes: the CPU only), else one after the other.
 */
async function runEncoders(
  encoders: readonly string[],
  store: ResultStore,
  work: (name: string, lane?: RetrainLane) => Promise<StageResult>,
  runtime: RetrainRuntime,
  hooks: RetrainHooks,
  decide: (threads: number) => Promise<ProviderDecision>,
): Promise<'done' | 'cancelled'> {
  const events = {
    signal: hooks.signal,
    onEvent: (ev: StageEvent) =>
      hooks.onEvent?.({ kind: 'encoder', name: ev.stage, index: encoders.indexOf(ev.stage), total: encoders.length, status: ev.status }),
  };
  const retrains = encoders.filter((name) => name !== 'original');
  const pending: string[] = [];
  for (const name of retrains) if (!(await store.isDone(name))) pending.push(name);
  const plan = runtime.concurrentTraining ? await planLanes(runtime, pending, decide, (m) => hooks.log?.(m)) : null;
  if (!plan || !runtime.concurrentTraining) return runStages(encoders, store, (name) => work(name), events);
  const original = encoders.filter((name) => name === 'original');
  if (
    (await runStages(encoders, store, (name) => work(name), { ...events, only: { stages: original, requires: () => [] } })) === 'cancelled'
  )
    return 'cancelled';
  const { workerFile } = runtime.concurrentTraining;
  return runStagesConcurrently(
    encoders,
    store,
    (name, signal) => work(name, { signal, threads: plan.threads, workerFile, decided: plan.decided }),
    {
      ...events,
      group: pending,
      limit: plan.lanes,
      requires: () => [],
    },
  );
}

/** The experiment's inputs for a finished run of either kind (a paper run's, or a whole run's: whole-inputs.ts). */
export async function readRemovalInputs(runDir: string, log?: (m: string) => void): Promise<RemovalInputs> {
  const run = await openRun(runDir);
  const kind = runConfigOf(run.manifest.config, run.manifest.preset, run.path('manifest.json')).kind;
  if (kind === 'whole') return readWholeRemovalInputs(run, log);
  return paperRemovalInputs(await readRunInputs(runDir, log, 'retrain after removal'));
}

/** The removed set of one retraining (pure given the run: memorized = top-k by score, random = seeded draw). */
export function removalOf(spec: RetrainSpec, pool: Int32Array, inputs: Pick<RemovalInputs, 'scoreByIndex'>): Int32Array {
  if (spec.kind === 'none') return new Int32Array(0);
  return spec.kind === 'memorized' ? memorizedRemoval(pool, (i) => inputs.scoreByIndex[i], spec.k) : randomRemoval(pool, spec.k, spec.seed);
}

function rowOf(
  spec: RetrainSpec,
  acc: Awaited<ReturnType<typeof evaluateEncoder>>,
  rest: Pick<RetrainRow, 'trainingSize' | 'encoder' | 'dir' | 'epochs' | 'steps' | 'trainSeconds' | 'evalSeconds'>,
): RetrainRow {
  const row: RetrainRow = {
    k: spec.k,
    removal: spec.kind,
    seed: spec.seed,
    linearProbeAccuracy: acc[0].linearProbeAccuracy,
    knnAccuracy: acc[0].knnAccuracy,
    ...rest,
  };
  if (acc[1]) {
    row.transferLinearProbeAccuracy = acc[1].linearProbeAccuracy;
    row.transferKnnAccuracy = acc[1].knnAccuracy;
  }
  return row;
}

type Welch = { meanDifference: number; t: number; p: number };
/** Welch S_C vs S_S (a whole run's report: scored vs control) from the run's report.json, when readable. */
async function runSignalOf(file: string): Promise<RetrainResults['runSignal']> {
  try {
    const report = JSON.parse(await fs.readFile(file, 'utf8')) as { tests?: { C_vs_S?: Welch }; scoredVsControl?: Welch };
    const c = report.tests?.C_vs_S ?? report.scoredVsControl;
    return c && typeof c.p === 'number' ? { meanDifference: c.meanDifference, t: c.t, p: c.p } : undefined;
  } catch {
    return undefined;
  }
}

function protocolOf(inputs: RemovalInputs, sets: ProbeSet[], settings: ProbeSettings, transferData?: string): ProbeProtocol {
  const l = { ...LINEAR_PROBE_DEFAULTS, ...settings.linear };
  return {
    probeTrain: inputs.probe.trainDescription,
    probeTest: inputs.probe.testDescription,
    probeTrainSize: sets[0].train.length,
    probeTestSize: sets[0].test.length,
    knn: { k: settings.knn?.k ?? 20, vote: settings.knn?.vote ?? 'weighted', metric: 'cosine' },
    linear: {
      epochs: l.epochs,
      batch: l.batch,
      learningRate: l.learningRate,
      weightDecay: l.weightDecay,
      optimizer: l.optimizer,
      standardised: true,
    },
    ...(sets[1] && transferData
      ? { transfer: { data: resolve(transferData), trainSize: sets[1].train.length, testSize: sets[1].test.length } }
      : {}),
  };
}
