// The one stage loop (runs/stage-runner.ts) over a real run manifest: what it skips, records, and how a
// cancel (between stages, inside a stage, by AbortError) and a failure leave the manifest.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, openRun, runStages, manifestStageStore, type StageEvent, type StageResult } from '../../../src/engine/runs';

const STAGES = ['a', 'b', 'c'];

async function freshRun() {
  const store = mkdtempSync(join(tmpdir(), 'stage-runner-'));
  const run = await createRun(store, {
    preset: 'tiny',
    dataset: { path: '/data', fingerprint: null },
    config: {},
    seeds: { split: 0, pairs: [] },
    versions: {},
    executionProvider: 'cpu',
    stageOrder: STAGES,
  });
  return { run, cleanup: () => rmSync(store, { recursive: true, force: true }) };
}

test('runs every stage in order, records outputs, and skips done stages on the next call', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const ran: string[] = [];
    const events: StageEvent[] = [];
    const work = async (s: string): Promise<StageResult> => {
      ran.push(s);
      return { outputs: { file: `${s}.json` } };
    };
    assert.equal(await runStages(STAGES, manifestStageStore(run), work, { onEvent: (e) => events.push(e) }), 'done');
    assert.deepEqual(ran, STAGES);
    const m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'done');
    assert.deepEqual(
      STAGES.map((s) => m.stages[s].outputs?.file),
      ['a.json', 'b.json', 'c.json'],
    );
    assert.deepEqual(
      events.map((e) => `${e.stage}:${e.status}`),
      ['a:start', 'a:done', 'b:start', 'b:done', 'c:start', 'c:done'],
    );
    ran.length = 0;
    events.length = 0;
    assert.equal(await runStages(STAGES, manifestStageStore(run), work, { onEvent: (e) => events.push(e) }), 'done');
    assert.deepEqual(ran, [], 'a done stage ran again');
    assert.deepEqual(
      events.map((e) => e.status),
      ['skip', 'skip', 'skip'],
    );
  } finally {
    cleanup();
  }
});

test('a cancel inside a stage leaves it pending and the run interrupted; the resume runs only what is left', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const abort = new AbortController();
    const work = async (s: string): Promise<StageResult> => {
      if (s === 'b') {
        abort.abort();
        return 'cancelled';
      }
      return {};
    };
    assert.equal(await runStages(STAGES, manifestStageStore(run), work, { signal: abort.signal }), 'cancelled');
    let m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'interrupted');
    assert.deepEqual(
      STAGES.map((s) => m.stages[s].status),
      ['done', 'pending', 'pending'],
    );
    const ran: string[] = [];
    const resumed = await openRun(run.dir);
    assert.equal(
      await runStages(STAGES, manifestStageStore(resumed), async (s) => {
        ran.push(s);
        return {};
      }),
      'done',
    );
    assert.deepEqual(ran, ['b', 'c']);
    m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'done');
  } finally {
    cleanup();
  }
});

test('an AbortError thrown by a stage is a cancel, not a failure; a signal aborted between stages stops before the next', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const abort = new AbortController();
    const work = async (s: string): Promise<StageResult> => {
      if (s === 'a') {
        abort.abort();
        return {};
      } // finishes a, then the loop must stop before b
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    };
    assert.equal(await runStages(STAGES, manifestStageStore(run), work, { signal: abort.signal }), 'cancelled');
    let m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'interrupted');
    assert.deepEqual(
      STAGES.map((s) => m.stages[s].status),
      ['done', 'pending', 'pending'],
    );
    assert.equal(await runStages(STAGES, manifestStageStore(await openRun(run.dir)), work), 'cancelled');
    m = (await openRun(run.dir)).manifest;
    assert.equal(m.stages.b.status, 'pending', 'an AbortError inside b was recorded as something else');
    assert.equal(m.status, 'interrupted');
  } finally {
    cleanup();
  }
});

test('a failing stage is recorded as failed with its message and the error is rethrown', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const work = async (s: string): Promise<StageResult> => {
      if (s === 'b') throw new Error('disk full');
      return {};
    };
    await assert.rejects(runStages(STAGES, manifestStageStore(run), work), /disk full/);
    const m = (await openRun(run.dir)).manifest;
    assert.equal(m.status, 'failed');
    assert.equal(m.stages.b.status, 'failed');
    assert.equal(m.stages.b.error, 'disk full');
    assert.equal(m.stages.c.status, 'pending');
  } finally {
    cleanup();
  }
});
