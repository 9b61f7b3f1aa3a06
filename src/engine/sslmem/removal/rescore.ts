// Per-sample score differences: re-score one retrained f against the run's g with the run's scoring seed
// (identical views), and compare each point's normalised score with the original. Shows which points
// become memorized once the top ones are gone. Cached in <experiment folder>/<name>/score-diff.json.
import { existsSync, promises as fs } from 'node:fs';
import { readCheckpoint } from '../../artifacts/checkpoint';
import { writeJsonAtomic } from '../../util/atomic';
import type { SslmemConfig } from '../config-types';
import { scoreEncoder } from '../score-encoder';
import { computeScores } from '../scores';
import { scoredIndices, subsetOfEach } from '../../runs/subsets';
import { gLossesOf, type RunInputs } from './inputs';
import { retrainDirName, type RetrainSpec } from './plan';
import type { RetrainHooks, RetrainRuntime } from './types';
import type { ScoreDiff } from './types';

/** Returns the diff file relative to the run, or null when it cannot be computed (several seed pairs). */
export async function rescoreRetrained(
  inputs: RunInputs,
  config: SslmemConfig,
  folder: string,
  spec: RetrainSpec,
  runtime: RetrainRuntime,
  hooks: RetrainHooks,
): Promise<string | null> {
  const name = retrainDirName(spec);
  const relative = `${folder}/${name}/score-diff.json`;
  const file = inputs.run.path(relative);
  if (existsSync(file)) return relative;
  const lg = await gLossesOf(inputs);
  if (!lg) {
    hooks.log?.('re-scoring needs a run with one (f, g) seed pair; skipped');
    return null;
  }
  const { dataset } = inputs.loaded;
  const rows = scoredIndices(inputs.split);
  const checkpoint = await readCheckpoint(inputs.run.path(`${folder}/${name}/checkpoint.bin`));
  const lf = await scoreEncoder({
    config,
    dataset,
    rows,
    checkpoint,
    seed: inputs.scoringSeed,
    ...runtime,
    signal: hooks.signal,
    onProgress: (done, total) => hooks.onEvent?.({ kind: 'score', name, done, total }),
  });
  const after = computeScores({ lf: lf.mean, lg }, config.scoring.normalisation).normalised;
  const removedFile = inputs.run.path(`${folder}/${name}/removed.json`);
  const removed = new Set((JSON.parse(await fs.readFile(removedFile, 'utf8')) as { removed: number[] }).removed);
  const subsetOf = subsetOfEach(inputs.split, dataset.n);
  const diff: ScoreDiff = {
    dir: `${folder}/${name}`,
    k: spec.k,
    removal: spec.kind,
    index: Array.from(rows),
    path: Array.from(rows, (i) => dataset.paths[i]),
    subset: Array.from(rows, (i) => subsetOf[i] ?? ''),
    before: Array.from(rows, (i) => inputs.scoreByIndex[i]),
    after: Array.from(after),
    removed: Array.from(rows, (i) => removed.has(i)),
  };
  await writeJsonAtomic(file, diff);
  return relative;
}
