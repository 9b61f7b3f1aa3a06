// runStagesConcurrently (runs/stage-runner.ts) over a real run manifest: independent stages run at the same
// time and are recorded like any stage; a failure cancels the siblings and leaves the run failed with the
// siblings resumable; a cancel by the caller stops every lane; the records tell how many trainings shared the machine.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRun,
  openRun,
  runStages,
  runStagesConcurrently,
  manifestStageStore,
  trainingsSideBySide,
  type StageResult,
} from '../../../src/engine/runs';

const STAGES = ['split', 'train_f', 'train_g', 'train_f#2', 'report'];
const GROUP = ['train_f', 'train_g', 'train_f#2'];
const requires = () => ['split'];

async function freshRun() {
  const store = mkdtempSync(join(tmpdir(), 'stage-concurrent-'));
  const run = await createRun(store, {
    preset: 'tiny',
    dataset: { path: '/data', fingerprint: null },
    config: {},
    seeds: { split: 0, pairs: [] },
    versions: {},
    executionProvider: 'cpu',
    stageOrder: STAGES,
  });
  await runStages(STAGES, manifestStageStore(run), async () => ({}), { only: { stages: ['split'] } });
  return { run, cleanup: () => rmSync(store, { recursive: true, force: true }) };
}

/** A stage's work that waits until released (or until its signal aborts: then it reports 'cancelled'). */
function gate() {
  const started: string[] = [];
  const waiting = new Map<string, () => void>();
  const work = (stage: string, signal: AbortSignal): Promise<StageResult> =>
    new Promise((resolve) => {
      started.push(stage);
      waiting.set(stage, () => resolve({ outputs: { file: `${stage}.bin` } }));
      signal.addEventListener('abort', () => resolve('cancelled'));
    });
  const release = (stage: string) => waiting.get(stage)!();
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 5));
  };
  return { started, work, release, until };
}

test('two lanes: two stages run at once, the third starts when a lane is free; all recorded done', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const g = gate();
    const result = runStagesConcurrently(STAGES, manifestStageStore(run), g.work, { group: GROUP, limit: 2, requires });
    await g.until(() => g.started.length === 2);
    assert.deepEqual(g.started, ['train_f', 'train_g'], 'both lanes started before either stage finished');
    assert.equal((await openRun(run.dir)).manifest.stages.train_g.status, 'running');
    g.release('train_g');
    await g.until(() => g.started.length === 3);
    assert.equal(g.started[2], 'train_f#2', 'the free lane took the next stage while train_f still ran');
    g.release('train_f');
    g.release('train_f#2');
    assert.equal(await result, 'done');
    const m = (await openRun(run.dir)).manifest;
    assert.deepEqual(
      GROUP.map((s) => [m.stages[s].status, m.stages[s].outputs?.file]),
      GROUP.map((s) => ['done', `${s}.bin`]),
    );
    assert.equal(m.stages.report.status, 'pending');
  } finally {
    cleanup();
  }
});

test('a failing stage cancels its running sibling: the run is failed, the sibling pending (resumable), the error rethrown', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const g = gate();
    const work = (stage: string, signal: AbortSignal) =>
      stage === 'train_g' ? Promise.reject(new Error('out of memory')) : g.work(stage, signal);
    await assert.rejects(
      runStagesConcurrently(STAGES, manifestStageStore(run), work, { group: GROUP, limit: 2, requires }),
      /out of memory/,
    );
    const m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'failed', 'the sibling cancel recorded "interrupted" over the failure');
    assert.equal(m.stages.train_g.status, 'failed');
    assert.equal(m.stages.train_g.error, 'out of memory');
    assert.equal(m.stages.train_f.status, 'pending', 'the cancelled sibling keeps its resume point');
    assert.equal(m.stages['train_f#2'].status, 'pending', 'no new stage starts after a failure');
    assert.deepEqual(g.started, ['train_f']);
  } finally {
    cleanup();
  }
});

test("the caller's cancel stops every lane: 'cancelled', the run interrupted, the running stages pending", async () => {
  const { run, cleanup } = await freshRun();
  try {
    const g = gate();
    const abort = new AbortController();
    const result = runStagesConcurrently(STAGES, manifestStageStore(run), g.work, {
      signal: abort.signal,
      group: GROUP,
      limit: 3,
      requires,
    });
    await g.until(() => g.started.length === 3);
    g.release('train_f#2');
    abort.abort();
    assert.equal(await result, 'cancelled');
    const m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'interrupted');
    assert.deepEqual(
      GROUP.map((s) => m.stages[s].status),
      ['pending', 'pending', 'done'],
    );
  } finally {
    cleanup();
  }
});

test('trainingsSideBySide reads from the stage records how many trainings shared the machine', async () => {
  const { run, cleanup } = await freshRun();
  try {
    // Two lanes: train_f (0–460 ms) and train_g (0–60) start together; train_f#2 (60–520) takes train_g's
    // lane, so at train_f's midpoint (230) and at train_f#2's (290) both lanes were busy (with slack for a loaded machine).
    const g = gate();
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const result = runStagesConcurrently(STAGES, manifestStageStore(run), g.work, { group: GROUP, limit: 2, requires });
    await g.until(() => g.started.length === 2);
    await wait(60);
    g.release('train_g');
    await g.until(() => g.started.length === 3);
    await wait(400);
    g.release('train_f');
    await wait(60);
    g.release('train_f#2');
    assert.equal(await result, 'done');
    const m = (await openRun(run.dir)).manifest;
    assert.equal(trainingsSideBySide(m, 'train_f'), 2);
    assert.equal(trainingsSideBySide(m, 'train_f#2'), 2, 'train_f still ran at its midpoint');
    assert.equal(
      trainingsSideBySide({ ...m, executor: { kind: 'slurm', tasks: {} } }, 'train_f'),
      1,
      'cluster tasks had nodes of their own',
    );
    assert.equal(trainingsSideBySide(m, 'split'), 1, 'only training stages count; a stage alone counts itself');
    assert.equal(trainingsSideBySide(m, 'report'), 1, 'a stage without times: 1');
  } finally {
    cleanup();
  }
});

test('trainingsSideBySide: stages one after the other are 1 each', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const g = gate();
    const result = runStagesConcurrently(STAGES, manifestStageStore(run), g.work, { group: GROUP, limit: 1, requires });
    for (const stage of GROUP) {
      await g.until(() => g.started.includes(stage));
      await new Promise((r) => setTimeout(r, 30));
      g.release(stage);
    }
    assert.equal(await result, 'done');
    const m = (await openRun(run.dir)).manifest;
    assert.deepEqual(
      GROUP.map((s) => trainingsSideBySide(m, s)),
      [1, 1, 1],
    );
  } finally {
    cleanup();
  }
});
