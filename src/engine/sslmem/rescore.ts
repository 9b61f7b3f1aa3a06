// Re-scoring a finished run's encoders with other scoring settings (e.g. more view pairs K): a NEW run folder
// (the source run stays as it was, so its results remain valid and comparable) whose split and training
// stages are recorded as done, with the source's split.json and encoder folders linked in. Resuming the
// new run (resumeRun) then performs only score_f, score_g and report, and it is itself an ordinary,
// resumable, self-contained run. Files are hard-linked where possible: every write in a run is a
// write-then-rename, so a link is never modified through the other folder.
import { promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createRun, openRun } from '../runs';
import { IMPORTED_PRESET } from './run-config';
import { recordChosenPaths } from '../runs/chosen-paths';
import { trustedWithoutConfirmation } from './manifest-paths';

export interface RescoreChanges {
  /** K view pairs per point. */
  pairs?: number;
}

const REUSED = (stage: string) => !/^(score_[fg]|report)(#\d+)?$/.test(stage);

/** Creates the re-scoring run next to the source (or in `storeDir`) and returns its folder. */
export async function prepareRescore(sourceDir: string, changes: RescoreChanges, storeDir?: string): Promise<string> {
  const source = await openRun(resolve(sourceDir)).catch((e: Error) => {
    throw new Error(`${sourceDir} is not a readable run folder: ${e.message}`);
  });
  const m = source.manifest;
  const unfinished = m.stageOrder.filter((s) => REUSED(s) && !source.isDone(s));
  if (unfinished.length)
    throw new Error(`run ${m.id} has not finished ${unfinished.join(', ')}; resume it first (sslmem resume ${source.dir})`);
  if (changes.pairs !== undefined && (!Number.isInteger(changes.pairs) || changes.pairs < 1))
    throw new Error(`pairs must be a whole number >= 1, got ${changes.pairs}`);

  const config = structuredClone(m.config) as Record<string, unknown> & {
    scoring?: { pairs: number };
    sslmem?: { scoring: { pairs: number } };
  };
  const scoring = m.preset === IMPORTED_PRESET ? config.scoring : config.sslmem?.scoring;
  if (!scoring) throw new Error(`run ${m.id} has no scoring settings in its manifest`);
  if (changes.pairs !== undefined) scoring.pairs = changes.pairs;
  config.rescoredFrom = { run: m.id, dir: source.dir };

  const run = await createRun(storeDir ?? dirname(source.dir), {
    preset: m.preset,
    dataset: m.dataset,
    config,
    seeds: m.seeds,
    versions: m.versions,
    executionProvider: m.executionProvider,
    stageOrder: m.stageOrder,
  });
  // The new run reads what the source run read: the paths the source may follow without a confirmation
  // (inside its workspace, or chosen for it here) are chosen for the new run too.
  const named = [
    config.data,
    config.splitFile,
    (config.encoders as { f?: { file?: unknown } } | undefined)?.f?.file,
    (config.encoders as { g?: { file?: unknown } } | undefined)?.g?.file,
  ];
  recordChosenPaths(
    run.dir,
    named.filter((p): p is string => typeof p === 'string' && isAbsolute(p) && trustedWithoutConfirmation(source.dir, p)),
  );
  const entries = await fs.readdir(source.dir, { withFileTypes: true });
  for (const e of entries) {
    // split.json and the encoder folders (f, g, f-0, g-1, …): what the reused stages produced.
    if (e.isFile() && e.name === 'split.json') await linkOrCopy(join(source.dir, e.name), run.path(e.name));
    else if (e.isDirectory() && /^[fg](-\d+)?$/.test(e.name)) await linkTree(join(source.dir, e.name), run.path(e.name));
  }
  await run.update((next) => {
    for (const s of m.stageOrder.filter(REUSED)) next.stages[s] = structuredClone(m.stages[s]);
    for (const [k, v] of Object.entries(m.timings)) if (REUSED(k)) next.timings[k] = v;
    next.subsetSizes = m.subsetSizes;
    next.status = 'interrupted'; // i.e. resumable: `sslmem resume` (or resumeRun) does the scoring
  });
  return run.dir;
}

async function linkTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const e of await fs.readdir(from, { withFileTypes: true })) {
    if (e.name.endsWith('.tmp')) continue; // an interrupted atomic write
    if (e.isDirectory()) await linkTree(join(from, e.name), join(to, e.name));
    else if (e.isFile()) await linkOrCopy(join(from, e.name), join(to, e.name));
  }
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
  } catch {
    await fs.copyFile(from, to); // another filesystem, or links not allowed
  }
}
