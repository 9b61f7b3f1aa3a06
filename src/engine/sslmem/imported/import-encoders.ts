// Scoring with IMPORTED encoders f and g (ONNX files, see encoder.ts) on a dataset and a given split:
// a normal run folder (preset 'imported') with stages split -> score_f -> score_g -> report, resumable like a
// trained run. The views are made exactly as for trained encoders (view-batches.ts): the engine's augmentation graph (its own
// onnxruntime session, in front of the imported model), parameters keyed by (scoring seed, pair k, view v,
// dataset index), so f and g see the same views and a run's own encode.onnx reproduces that run's losses.
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sampleSize, type Dataset, type LoadedDataset } from '../../data';
import { createRun, IMPORTED_STAGES, runStages, manifestStageStore, type RunHandle, type StageResult } from '../../runs';
import { recipe, PARAM_COUNT, type RecipeName } from '../../augment';
import { buildViewsGraph } from '../../artifacts/views';
import { assertProviderUsable, openSession } from '../../runtime/session';
import { loadSplit, checkSplitUsable } from '../split-load';
import { scoredIndices, type Split } from '../../runs/subsets';
import { AlignmentAccumulator } from '../scores';
import { type Normalisation } from '../../runs/subsets';
import { saveLosses, type LossArrays } from '../losses-file';
import { forEachViewBatch } from '../view-batches';
import { openImportedEncoder, type ImportedEncoder, type ImportedEncoderInfo } from './encoder';
import type { PipelineHooks, ResumeOptions, RunOutcome, RuntimeOptions } from '../run-hooks';
import { trustedManifestPath } from '../manifest-paths';
import { assertSameDataset, trustedDataSource } from '../resume-checks';
import { assertFiniteLosses } from '../finite';
import { reopenDamagedReport } from '../report/results-check';
import { recordChosenPaths } from '../../runs/chosen-paths';
import { datasetRelative } from '../../runs/dataset-path';
import {
  IMPORTED_PRESET,
  RUN_CONFIG_VERSION,
  runConfigOf,
  RunConfigError,
  type ImportedEncoderRecord,
  type ImportedRunConfig,
} from '../run-config';
import { loadRunDataset, lossesFile, reportStage, splitStage } from '../run-stages';

export { IMPORTED_PRESET } from '../run-config';

export interface ImportedRunRequest {
  f: string;
  g: string;
  data: string;
  splitFile: string;
  storeDir: string;
  cacheDir?: string;
  /** K view pairs per point (default 8). */
  pairs?: number;
  /** Seed of the scoring views (default 0; a trained run with seed s uses scoringSeedOf(s)). */
  seed?: number;
  /** Augmentation recipe for the views (default: 'fashion-mnist' for 1 channel, 'simclr' for 3). */
  augment?: RecipeName;
  /** Images per augmentation pass when the encoder's batch is dynamic (default 100). */
  batch?: number;
  normalisation?: Normalisation;
}

const describeEncoder = (e: ImportedEncoderInfo): ImportedEncoderRecord => ({
  file: e.file,
  sha256: e.sha256,
  input: e.input,
  output: e.output,
  batch: e.batch,
});

export async function startImportedRun(req: ImportedRunRequest, runtime: RuntimeOptions, hooks: PipelineHooks = {}): Promise<RunOutcome> {
  await assertProviderUsable(runtime.provider); // an explicit provider that cannot run: fail before any work
  // Nothing is trained here, so `auto` has no train step to measure: imported encoders are scored on the CPU.
  if ((runtime.provider ?? 'auto') === 'auto') hooks.log?.('execution provider: cpu (auto with imported encoders: no training to measure)');
  const pairs = req.pairs ?? 8;
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`pairs must be a whole number >= 1, got ${pairs}`);
  // Open both models first: a bad model or mismatched f/g shapes fail before any folder is made.
  const encoders: ImportedEncoderInfo[] = [];
  for (const file of [req.f, req.g]) {
    const e = await openImportedEncoder(resolve(file), { provider: 'cpu', log: hooks.log });
    try {
      await e.encode(new Float32Array(e.channels * e.height * e.width), 1); // a wrong output shape fails here
    } finally {
      await e.release();
    }
    encoders.push(e);
  }
  const [f, g] = encoders;
  if (f.channels !== g.channels || f.height !== g.height || f.width !== g.width) {
    throw new Error(`f and g take different images: f ${f.channels}×${f.height}×${f.width}, g ${g.channels}×${g.height}×${g.width}`);
  }
  const config: ImportedRunConfig = {
    kind: 'imported',
    version: RUN_CONFIG_VERSION,
    encoders: { f: describeEncoder(f), g: describeEncoder(g) },
    data: resolve(req.data),
    splitFile: resolve(req.splitFile),
    cacheDir: req.cacheDir ?? null,
    decode: { height: f.height, width: f.width, channels: f.channels },
    augment: req.augment ?? (f.channels === 1 ? 'fashion-mnist' : 'simclr'),
    scoring: {
      pairs,
      batch: f.batch ?? g.batch ?? req.batch ?? 100,
      normalise: true,
      normalisation: req.normalisation ?? 'symmetric',
      seed: req.seed ?? 0,
    },
  };
  const loaded = await loadRunDataset(config, hooks);
  checkSplitUsable(await loadSplit(config.splitFile, loaded.dataset)); // a bad or unusable split fails before a run folder exists
  const run = await createRun(req.storeDir, {
    preset: IMPORTED_PRESET,
    stageOrder: IMPORTED_STAGES,
    dataset: {
      path: config.data,
      relative: datasetRelative(req.storeDir, config.data),
      kind: loaded.source.kind,
      fingerprint: loaded.fingerprint,
      n: loaded.dataset.n,
      skipped: loaded.dataset.skipped.length,
    },
    config: config as unknown as Record<string, unknown>,
    seeds: { split: 0, pairs: [], scoring: config.scoring.seed },
    versions: { sslmemStudio: '0.1.0', onnxruntimeNode: ort.env.versions.node ?? 'unknown', node: process.versions.node },
    executionProvider: runtime.provider ?? 'auto',
  });
  recordChosenPaths(run.dir, [config.data, config.splitFile, config.encoders.f.file, config.encoders.g.file]);
  hooks.log?.(`run ${run.id} in ${run.dir} (imported encoders)`);
  return execute(run, config, loaded, runtime, hooks);
}

export async function resumeImportedRun(
  run: RunHandle,
  runtime: RuntimeOptions,
  hooks: PipelineHooks = {},
  options: ResumeOptions = {},
): Promise<RunOutcome> {
  const config = trustedImportedRunConfig(run, options, hooks);
  await reopenDamagedReport(run, 'report', hooks.log);
  // Each pending scoring stage checks its encoder's fingerprint (model + checkpoint) before using it.
  const loaded = await loadRunDataset(config, hooks);
  assertSameDataset(run, loaded, config.data);
  return execute(run, config, loaded, runtime, hooks);
}

/** The manifest's config with the dataset, split and encoder paths checked (manifest-paths.ts) and the cache confined. */
function trustedImportedRunConfig(run: RunHandle, options: ResumeOptions, hooks: PipelineHooks): ImportedRunConfig {
  const raw = runConfigOf(run.manifest.config, run.manifest.preset, run.path('manifest.json'));
  if (raw.kind !== 'imported')
    throw new RunConfigError(`${run.path('manifest.json')}: preset 'imported' but its config is a trained run's`);
  return {
    ...raw,
    ...trustedDataSource(run, raw, options, hooks),
    splitFile: trustedManifestPath(run.dir, 'split file', raw.splitFile, options.confirmed),
    encoders: {
      f: { ...raw.encoders.f, file: trustedManifestPath(run.dir, 'encoder f', raw.encoders.f.file, options.confirmed) },
      g: { ...raw.encoders.g, file: trustedManifestPath(run.dir, 'encoder g', raw.encoders.g.file, options.confirmed) },
    },
  };
}

async function execute(
  run: RunHandle,
  config: ImportedRunConfig,
  loaded: LoadedDataset,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
): Promise<RunOutcome> {
  const { dataset } = loaded;
  let split: Split | null = null;
  const readSplit = async () => (split ??= await loadSplit(run.path('split.json'), dataset));

  const score = async (stage: string, who: 'f' | 'g'): Promise<StageResult> => {
    const encoder = await openImportedEncoder(config.encoders[who].file, { ...runtime, log: hooks.log });
    let losses: LossArrays;
    try {
      if (encoder.sha256 !== config.encoders[who].sha256)
        throw new Error(`encoder ${who} (${encoder.file}) changed since this run started; start a new run`);
      await run.update((m) => {
        m.executionProvider = encoder.provider;
      });
      losses = await scoreWithEncoder(encoder, dataset, scoredIndices(await readSplit()), config, runtime, hooks, stage);
    } finally {
      await encoder.release();
    }
    assertFiniteLosses(who, losses.mean, scoredIndices(await readSplit()), dataset.paths);
    const file = lossesFile(who, 0, 1);
    await saveLosses(run.path(file), losses, { encoder: who, K: config.scoring.pairs, normalise: config.scoring.normalise });
    return { outputs: { losses: file } };
  };

  const work = async (stage: string): Promise<StageResult> => {
    switch (stage) {
      case 'split':
        split = await loadSplit(config.splitFile, dataset);
        return splitStage(run, split, loaded, null);
      case 'score_f':
      case 'score_g':
        return score(stage, stage === 'score_f' ? 'f' : 'g');
      case 'report':
        return reportStage(run, loaded, await readSplit(), 1, config.scoring.normalisation);
      default:
        throw new Error(`unknown stage "${stage}"`);
    }
  };

  const status = await runStages(run.manifest.stageOrder, manifestStageStore(run), work, { signal: hooks.signal, onEvent: hooks.onEvent });
  return { runDir: run.dir, status, reportFile: status === 'done' ? run.path('report.json') : null };
}

async function scoreWithEncoder(
  encoder: ImportedEncoder,
  dataset: Dataset,
  rows: Int32Array,
  config: ImportedRunConfig,
  runtime: RuntimeOptions,
  hooks: PipelineHooks,
  stage: string,
): Promise<LossArrays> {
  const augment = recipe(config.augment, config.decode.channels, [config.decode.height, config.decode.width]);
  const B = Math.min(config.scoring.batch, rows.length);
  const K = config.scoring.pairs;
  const { session } = await openSession(buildViewsGraph(augment, B), ['views'], { ...runtime, log: hooks.log });
  const size = sampleSize(dataset);
  const acc = new AlignmentAccumulator(rows.length, { normalise: config.scoring.normalise });
  try {
    const options = { batch: B, pairs: K, augment, seed: config.scoring.seed, signal: hooks.signal };
    await forEachViewBatch(dataset, rows, options, async (b) => {
      const out = await session.run({
        images: new ort.Tensor('float32', b.images, [B, dataset.channels, dataset.height, dataset.width]),
        aug: new ort.Tensor('float32', b.aug, [2, B, PARAM_COUNT]),
      });
      const views = out.views.data as Float32Array;
      // Only the real rows of each view go through the imported encoder (it may be the slow part).
      const first = await encoder.encode(views.subarray(0, b.real * size), b.real);
      const second = await encoder.encode(views.subarray(B * size, (B + b.real) * size), b.real);
      acc.add(b.rowIds.subarray(0, b.real), first.repr, second.repr, first.dim);
      hooks.onEvent?.({ kind: 'score', stage, done: b.done, total: b.total });
    });
  } finally {
    await session.release();
  }
  const r = acc.result();
  return { mean: r.mean, stderr: r.stderr, count: r.count };
}
