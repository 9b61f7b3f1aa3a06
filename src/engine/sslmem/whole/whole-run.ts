// A whole-dataset run, end to end and resumable: design -> train#0 … train#{m-1} -> score#0 … score#{m-1} ->
// report (runs/manifest.ts wholeStages). Every image gets a score: each encoder trains on its half of the
// non-control images (design.ts) and is scored on every image; whole-scores.ts turns the m loss vectors into
// L_in/L_out, scores, standard errors and p-values against the control set. All encoders share the run's
// seed (initialisation and batch order keyed by it), like f and g in the paper protocol, so two encoders
// differ by their data. Same stage runner, manifest store, checkpointing and keyed scoring views as pipeline.ts.
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoadedDataset } from '../../data';
import { createRun, wholeStages, type RunHandle, type StageResult } from '../../runs';
import { readCheckpoint } from '../../artifacts/checkpoint';
import { assertProviderUsable } from '../../runtime/session';
import { resolvePreset } from '../config';
import type { SslmemConfig } from '../config-types';
import { scoreEncoder } from '../score-encoder';
import { scoringSeedOf } from '../view-batches';
import { saveLosses } from '../losses-file';
import { assertFiniteLosses } from '../finite';
import { RUN_CONFIG_VERSION, runConfigOf, RunConfigError, type WholeRunConfig } from '../run-config';
import { assertSameDataset, trustedDataSource } from '../resume-checks';
import { loadRunDataset, scoringProvider, trainStage } from '../run-stages';
import type { PipelineHooks, ResumeOptions, RunOutcome, RuntimeOptions } from '../run-hooks';
import { runRunStages, type TrainingLane } from '../concurrent-training';
import { decideTrainProvider } from '../train-encoder';
import { reopenDamagedReport } from '../report/results-check';
import { recordChosenPaths } from '../../runs/chosen-paths';
import { datasetRelative } from '../../runs/dataset-path';
import { designProblem, drawDesign, parseDesign, saveDesign, trainingIndicesOf, type WholeDesign } from './design';
import { missingFigure, wholeReportStage } from './whole-report';

export const WHOLE_DEFAULTS = { encoders: 4, fdr: 0.1 } as const;

/** Default control set: 10% of the images, at least 20 and at most 500 (a p-value resolution of 1/(1 + c)). */
export const defaultControlSize = (n: number) => Math.max(20, Math.min(500, Math.round(n / 10)));

export interface WholeRunRequest {
  data: string;
  preset: string;
  overrides?: Partial<SslmemConfig>;
  seed?: number;
  encoders?: number;
  control?: number;
  fdr?: number;
  storeDir: string;
  cacheDir?: string;
}

export const DESIGN_FILE = 'design.json';
export const wholeLossesFile = (j: number) => `losses-e${j}.bin`;
const encoderFolder = (j: number) => `e${j}`;

export async function startWholeRun(req: WholeRunRequest, runtime: RuntimeOptions, hooks: PipelineHooks = {}): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider);
  const sslmem = resolvePreset(req.preset, req.overrides);
  const fdr = req.fdr ?? WHOLE_DEFAULTS.fdr;
  if (!(fdr > 0 && fdr < 1)) throw new Error(`the false-discovery rate must lie in (0, 1), got ${fdr}`);
  const data = resolve(req.data);
  const loaded = await loadRunDataset({ data, decode: sslmem.decode, cacheDir: req.cacheDir ?? null }, hooks);
  const n = loaded.dataset.n;
  const stored: WholeRunConfig = {
    kind: 'whole',
    version: RUN_CONFIG_VERSION,
    sslmem,
    data,
    seed: req.seed ?? 0,
    encoders: req.encoders ?? WHOLE_DEFAULTS.encoders,
    control: req.control ?? defaultControlSize(n),
    fdr,
    cacheDir: req.cacheDir ?? null,
  };
  // Every input is checked before the run folder exists.
  const problem = designProblem(n, stored.encoders, stored.control);
  if (problem) throw new Error(problem);
  const perEncoder = Math.floor((n - stored.control) / 2);
  if (perEncoder < sslmem.batch)
    throw new Error(
      `each encoder would train on ${perEncoder} images, fewer than one batch of ${sslmem.batch}; use a smaller control set or batch, or more images`,
    );
  const run = await createRun(req.storeDir, {
    preset: req.preset,
    stageOrder: wholeStages(stored.encoders),
    dataset: {
      path: data,
      relative: datasetRelative(req.storeDir, data),
      kind: loaded.source.kind,
      fingerprint: loaded.fingerprint,
      n,
      skipped: loaded.dataset.skipped.length,
    },
    config: stored as unknown as Record<string, unknown>,
    seeds: { split: stored.seed, pairs: [], encoders: Array.from({ length: stored.encoders }, () => stored.seed) },
    versions: { sslmemStudio: '0.1.0', onnxruntimeNode: ort.env.versions.node ?? 'unknown', node: process.versions.node },
    executionProvider: runtime.provider ?? 'auto',
  });
  recordChosenPaths(run.dir, [data]);
  hooks.log?.(`run ${run.id} in ${run.dir} (whole dataset: ${stored.encoders} encoders, ${stored.control} control images)`);
  return execute(run, stored, loaded, runtime, hooks);
}

/** Resumes a whole-dataset run (pipeline.ts resumeRun dispatches here by the config's kind). */
export async function resumeWholeRun(
  run: RunHandle,
  runtime: RuntimeOptions,
  hooks: PipelineHooks = {},
  options: ResumeOptions = {},
): Promise<RunOutcome> {
  const raw = runConfigOf(run.manifest.config, run.manifest.preset, run.path('manifest.json'));
  if (raw.kind !== 'whole') throw new RunConfigError(`${run.path('manifest.json')}: not a whole-dataset run`);
  const stored: WholeRunConfig = { ...raw, ...trustedDataSource(run, raw, options, hooks) };
  await reopenDamagedReport(run, 'report', hooks.log, () => missingFigure(run));
  const loaded = await loadRunDataset({ data: stored.data, decode: stored.sslmem.decode, cacheDir: stored.cacheDir }, hooks);
  assertSameDataset(run, loaded, stored.data);
  hooks.log?.(`resuming run ${run.id}: pending ${run.pendingStages().join(', ')}`);
  return execute(run, stored, loaded, runtime, hooks);
}

async function execute(
  run: RunHandle,
  stored: WholeRunConfig,
  loaded: LoadedDataset,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
): Promise<RunOutcome> {
  const { dataset } = loaded;
  const config = stored.sslmem;
  let design: WholeDesign | null = null;
  const readDesign = async () =>
    (design ??= parseDesign(JSON.parse(await fs.readFile(run.path(DESIGN_FILE), 'utf8')), dataset.n, run.path(DESIGN_FILE)));
  const everyImage = Int32Array.from({ length: dataset.n }, (_, i) => i);

  const score = async (stage: string, j: number): Promise<StageResult> => {
    const checkpoint = await readCheckpoint(run.path(`${encoderFolder(j)}/checkpoint.bin`));
    const losses = await scoreEncoder({
      config,
      dataset,
      rows: everyImage,
      checkpoint,
      seed: scoringSeedOf(stored.seed),
      ...runtime,
      provider: scoringProvider(runtime, run, hooks),
      signal: hooks.signal,
      onProgress: (done, total) => hooks.onEvent?.({ kind: 'score', stage, done, total }),
    });
    assertFiniteLosses(`e${j}`, losses.mean, everyImage, dataset.paths);
    await saveLosses(run.path(wholeLossesFile(j)), losses, {
      encoder: `e${j}`,
      K: config.scoring.pairs,
      normalise: config.scoring.normalise,
    });
    return { outputs: { losses: wholeLossesFile(j) } };
  };

  const work = async (stage: string, lane?: TrainingLane): Promise<StageResult> => {
    const [name, index] = stage.split('#');
    const j = Number(index);
    switch (name) {
      case 'design': {
        design = drawDesign(dataset.n, { m: stored.encoders, control: stored.control, seed: stored.seed });
        await saveDesign(run.path(DESIGN_FILE), design, { datasetFingerprint: loaded.fingerprint, paths: dataset.paths });
        return { outputs: { design: DESIGN_FILE } };
      }
      case 'train':
        return trainStage(
          run,
          stage,
          {
            config,
            dataset,
            indices: trainingIndicesOf(await readDesign(), j),
            seed: stored.seed,
            folder: encoderFolder(j),
            decided: lane?.decided,
          },
          lane?.runtime ?? runtime,
          lane ? { ...hooks, signal: lane.signal } : hooks,
        );
      case 'score':
        return score(stage, j);
      case 'report':
        return wholeReportStage(run, dataset, await readDesign(), stored, runtime, {
          provider: scoringProvider(runtime, run, hooks),
          log: hooks.log,
        });
      default:
        throw new Error(`unknown stage "${stage}"`);
    }
  };

  const status = await runRunStages(run, runtime, hooks, work, (threads) => decideTrainProvider(config, threads, hooks.log));
  if (status === 'cancelled') return { runDir: run.dir, status, reportFile: null };
  return { runDir: run.dir, status: 'done', reportFile: run.path('report.json') };
}
