// Concurrent training (`--concurrent 2`: f and g each in its own worker thread, one CPU thread each) against
// the same run trained one encoder at a time: byte-identical checkpoints and scores.csv (on the CPU an
// encoder's result does not depend on its thread count), the two training stages really overlapping in time,
// and a run killed while both train resumes — concurrently again — to the same scores. Also `auto` with
// concurrency: measured once before the workers start (two workers opening WebGPU at once crashed ORT).
import { describe, test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine/sslmem/pipeline';
import { demoSubset, lastLine, spawnCli } from './helpers';

// 200 images: f and g train on ~160 images, batch 32 -> 5 steps per epoch; 12 epochs = 60 steps each,
// checkpoints every 10 steps: a kill after f's first checkpoint lands in the middle of both trainings.
const EPOCHS = 12;
const SEED = 3;
const root = mkdtempSync(path.join(tmpdir(), 'sslmem-concurrent-'));
const data = path.join(root, 'data');
let referenceDir = '';
const file = (dir: string, rel: string) => readFileSync(path.join(dir, rel));
const args = (workspace: string, ...more: string[]) => [
  'run',
  '--data',
  data,
  '--preset',
  'tiny',
  '--epochs',
  String(EPOCHS),
  '--seed',
  String(SEED),
  '--workspace',
  workspace,
  ...more,
];

describe('concurrent training', () => {
  before(async () => {
    demoSubset(data, 20);
    const out = await startRun(
      {
        data,
        preset: 'tiny',
        storeDir: path.join(root, 'ref', 'runs'),
        cacheDir: path.join(root, 'cache'),
        seed: SEED,
        overrides: { epochs: EPOCHS },
      },
      { provider: 'cpu', threads: 2 },
    );
    assert.equal(out.status, 'done');
    referenceDir = out.runDir;
  });
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));

  test('--concurrent 2 --threads 2: f and g train at the same time, 1 thread each, with the same results byte for byte', async () => {
    const r = await spawnCli(args(path.join(root, 'a'), '--ep', 'cpu', '--threads', '2', '--concurrent', '2')).done;
    assert.equal(r.code, 0, r.stderr);
    const runDir = lastLine(r.stdout);
    assert.match(r.stderr, /training train_f, train_g: 2 at a time, 1 CPU thread each/);
    assert.match(r.stderr, /train_f: execution provider cpu, 1 thread/);
    assert.match(r.stderr, /train_g: execution provider cpu, 1 thread/);
    assert.doesNotMatch(r.stderr, /train_[fg]: already done/, 'stages trained by this process reported as skipped');
    for (const rel of ['scores.csv', 'f/checkpoint.bin', 'g/checkpoint.bin', 'f/train-loss.csv', 'g/train-loss.csv'])
      assert.ok(file(runDir, rel).equals(file(referenceDir, rel)), `${rel} differs from the one-at-a-time run`);
    const m = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    const [f, g] = [m.stages.train_f, m.stages.train_g].map((s) => [Date.parse(s.startedAt), Date.parse(s.finishedAt)]);
    assert.ok(f[0] < g[1] && g[0] < f[1], `train_f ${f} and train_g ${g} did not overlap`);
    assert.equal(m.status, 'done');
    assert.equal(m.providerDecision.threads, 1);
  });

  test('killed while both train, resumed with --concurrent 2: continues from both checkpoints, same scores.csv', async () => {
    const workspace = path.join(root, 'b');
    const store = path.join(workspace, '.sslmem', 'runs');
    const run = spawnCli(args(workspace, '--ep', 'cpu', '--threads', '2', '--concurrent', '2', '--in-process'));
    let killedAt = '';
    const watcher = setInterval(() => {
      const id = existsSync(store) ? readdirSync(store)[0] : undefined;
      if (!id || killedAt || !['f', 'g'].every((w) => existsSync(path.join(store, id, w, 'checkpoint.bin')))) return;
      killedAt = 'both checkpointed';
      run.child.kill('SIGKILL');
    }, 10);
    const killed = await run.done;
    clearInterval(watcher);
    assert.equal(killed.signal, 'SIGKILL', `the run ended before it could be killed: ${killed.stderr}`);
    const runDir = path.join(store, readdirSync(store)[0]);
    assert.ok(!existsSync(path.join(runDir, 'scores.csv')));
    const r = await spawnCli(['resume', runDir, '--data', data, '--ep', 'cpu', '--threads', '2', '--concurrent', '2', '--verbose']).done;
    assert.equal(r.code, 0, r.stderr);
    const resumedFrom = [...r.stderr.matchAll(/resuming from step (\d+) of (\d+)/g)].map((x) => Number(x[1]));
    // Both were mid-training at the kill, unless a starved worker let the other finish first (a loaded machine).
    assert.ok(resumedFrom.length >= 1, `no encoder resumed from a checkpoint:\n${r.stderr}`);
    assert.ok(
      resumedFrom.every((s) => s >= 10 && s < 60),
      `resumed at ${resumedFrom}`,
    );
    if (resumedFrom.length === 2) assert.match(r.stderr, /2 at a time/);
    assert.ok(file(runDir, 'scores.csv').equals(file(referenceDir, 'scores.csv')));
  });

  test('--concurrent 2 with --ep auto: one measurement before the workers start, then both train on its choice', async () => {
    const workspace = path.join(root, 'c');
    process.env.SSLMEM_CACHE_DIR = path.join(root, 'provider-cache'); // measured here, not read from this machine's cache
    const child = spawnCli(args(workspace, '--concurrent', '2', '--threads', '2'));
    const r = await child.done;
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(readFileSync(path.join(lastLine(r.stdout), 'manifest.json'), 'utf8'));
    assert.equal(m.providerDecision.setting, 'auto');
    if (m.executionProvider === 'cpu') {
      assert.match(r.stderr, /2 at a time, 1 CPU thread each/);
      assert.ok(file(lastLine(r.stdout), 'scores.csv').equals(file(referenceDir, 'scores.csv')));
    } else {
      assert.match(r.stderr, /training one encoder at a time: auto chose/);
    }
  });
});
