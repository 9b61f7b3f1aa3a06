// One stage of a run, as a cluster task executes it: runStages' `only` (runs the selected stages, refuses when
// what they need is not done), the per-stage lock (a live holder, here a real `sleep` process, is refused; a
// holder whose process is gone is taken over), and manifest updates from two processes at once (each re-reads
// under the manifest's lock file, so neither loses the other's stage records).
import { test as nodeTest } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, openRun, runStages, manifestStageStore, type StageResult } from '../../../src/engine/runs';
import { stageLockFile } from '../../../src/engine/runs/stage-lock';

// The worker half of the last test: this same bundle run as a child process with the run folder in its env
// (it registers no tests: node would run them in the child too).
const WORKER = process.env.SSLMEM_TEST_MANIFEST_WORKER;
const test = (WORKER ? () => undefined : nodeTest) as typeof nodeTest;

const STAGES = ['split', 'train_f', 'train_g', 'score_f', 'report'];
const done = async (): Promise<StageResult> => ({ outputs: {} });

async function freshRun(stageOrder = STAGES) {
  const store = mkdtempSync(join(tmpdir(), 'stage-select-'));
  const run = await createRun(store, {
    preset: 'tiny',
    dataset: { path: '/data', fingerprint: null },
    config: {},
    seeds: { split: 0, pairs: [] },
    versions: {},
    executionProvider: 'cpu',
    stageOrder,
  });
  return { run, cleanup: () => rmSync(store, { recursive: true, force: true }) };
}

// A training stage needs what precedes the first training stage, not its sibling (the pipeline's rule).
const requires = (s: string) => (s.startsWith('train') ? ['split'] : STAGES.slice(0, STAGES.indexOf(s)));

test('only: runs just the selected stage; refuses while a stage it needs is not done', async () => {
  const { run, cleanup } = await freshRun();
  try {
    const ran: string[] = [];
    const work = async (s: string) => {
      ran.push(s);
      return done();
    };
    await assert.rejects(
      runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['train_g'], requires } }),
      /stage train_g needs split done first/,
    );
    assert.deepEqual(ran, []);
    await runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['split'] } });
    // train_g while train_f is still pending: fine, they are independent.
    assert.equal(await runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['train_g'], requires } }), 'done');
    assert.deepEqual(ran, ['split', 'train_g']);
    const m = (await openRun(run.dir)).manifest;
    assert.deepEqual(
      STAGES.map((s) => m.stages[s].status),
      ['done', 'pending', 'done', 'pending', 'pending'],
    );
    assert.notEqual(m.status, 'done');
    // With the default requirement (every earlier stage) score_f needs both trainings.
    await assert.rejects(
      runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['score_f'] } }),
      /stage score_f needs train_f done first/,
    );
    await assert.rejects(runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['train_h'] } }), /unknown stage "train_h"/);
    assert.ok(!existsSync(stageLockFile(run.dir, 'train_g')), 'the lock is released after the stage');
  } finally {
    cleanup();
  }
});

test('stage lock: a live holder is refused with its pid; once its process is gone the lock is taken over', async () => {
  const { run, cleanup } = await freshRun();
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    await runStages(STAGES, manifestStageStore(run), done, { only: { stages: ['split'] } });
    mkdirSync(join(run.dir, 'locks'), { recursive: true });
    writeFileSync(
      stageLockFile(run.dir, 'train_f'),
      JSON.stringify({ pid: sleeper.pid, host: hostname(), since: new Date().toISOString() }),
    );
    const ran: string[] = [];
    const work = async (s: string) => {
      ran.push(s);
      return done();
    };
    await assert.rejects(
      runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['train_f'], requires } }),
      new RegExp(`stage train_f is being executed by process ${sleeper.pid} on ${hostname()}`),
    );
    assert.deepEqual(ran, []);
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    assert.equal(await runStages(STAGES, manifestStageStore(run), work, { only: { stages: ['train_f'], requires } }), 'done');
    assert.deepEqual(ran, ['train_f']);
    assert.ok(!existsSync(stageLockFile(run.dir, 'train_f')));
  } finally {
    sleeper.kill('SIGKILL');
    cleanup();
  }
});

if (WORKER) {
  void (async () => {
    const run = await openRun(WORKER);
    const me = process.env.SSLMEM_TEST_STAGE!;
    for (let i = 1; i <= 40; i++) await run.progressStage(me, { done: i, total: 40 });
    process.exit(0);
  })();
}

test("two processes updating one manifest at once: neither loses the other's records", async () => {
  const { run, cleanup } = await freshRun();
  try {
    const worker = (stage: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [__filename], {
          stdio: 'inherit',
          env: { ...process.env, SSLMEM_TEST_MANIFEST_WORKER: run.dir, SSLMEM_TEST_STAGE: stage },
        });
        child.on('exit', resolve);
      });
    assert.deepEqual(await Promise.all([worker('train_f'), worker('train_g')]), [0, 0]);
    const m = (await openRun(run.dir)).manifest;
    assert.deepEqual(m.stages.train_f.progress, { done: 40, total: 40 });
    assert.deepEqual(m.stages.train_g.progress, { done: 40, total: 40 });
    assert.ok(!existsSync(join(run.dir, 'manifest.json.lock')));
  } finally {
    cleanup();
  }
});
