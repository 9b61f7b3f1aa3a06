import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRun, openRun, newRunId } from '../../../src/engine/runs/store';
import { pipelineStages } from '../../../src/engine/runs/manifest';
import { listRuns } from '../../../src/engine/runs/list';
import { writeFileAtomic } from '../../../src/engine/util/atomic';
import { tempDir } from '../data/fixtures';

const INIT = {
  preset: 'quick',
  dataset: { path: 'demo/fashion-mnist', kind: 'image-folder', fingerprint: 'f00d' },
  config: { epochs: 1 },
  seeds: { split: 0, pairs: [{ f: 1, g: 2 }] },
  versions: { sslmem: '0.1.0' },
  executionProvider: 'cpu',
};

// When started as a child (see the resume test) this file plays a training run that gets killed.
async function childRun(store: string): Promise<void> {
  const run = await createRun(store, INIT);
  await run.startStage('split');
  await run.finishStage('split', { outputs: { split: 'split.json' } });
  await run.startStage('train_f');
  for (let step = 1; ; step++) {
    const ckpt = `f/step-${String(step).padStart(4, '0')}.ckpt`;
    await writeFileAtomic(run.path(ckpt), `weights after step ${step}`);
    await run.progressStage('train_f', { done: step, total: 1000, unit: 'steps' }, ckpt);
    process.stdout.write(`step ${step}\n`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
if (process.env.SSLMEM_STORE_CHILD) void childRun(process.env.SSLMEM_STORE_CHILD);
else
  describe('run store', () => {
    test('run ids sort by creation time', () => {
      const ids = [new Date('2026-01-02T03:04:05.006Z'), new Date('2026-01-02T03:04:05.010Z'), new Date('2026-11-30T00:00:00Z')].map((d) =>
        newRunId(d),
      );
      assert.match(ids[0], /^20260102T030405006Z-[0-9a-f]{4}$/);
      assert.deepEqual([...ids].sort(), ids);
    });

    test('stages: start, progress, finish; timings; status done when all stages are', async (t) => {
      const store = tempDir(t);
      const run = await createRun(store, INIT);
      assert.deepEqual(run.manifest.stageOrder, pipelineStages(1));
      assert.deepEqual(run.pendingStages(), ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report']);
      for (const stage of run.manifest.stageOrder) {
        await run.startStage(stage);
        await run.finishStage(stage);
      }
      const m = JSON.parse(readFileSync(join(run.dir, 'manifest.json'), 'utf8'));
      assert.equal(m.status, 'done');
      assert.deepEqual(Object.keys(m.timings), pipelineStages(1));
      assert.ok(Object.values(m.timings).every((s) => typeof s === 'number' && s >= 0));
      await assert.rejects(run.startStage('nope'), /unknown stage/);
      assert.throws(() => run.path('../escape'), /inside the run/);
      assert.deepEqual(pipelineStages(2).slice(0, 4), ['split', 'train_f#0', 'train_f#1', 'train_g#0']);
    });

    test('a run killed mid-stage resumes from that stage and its last checkpoint', async (t) => {
      const store = tempDir(t);
      const child = spawn(process.execPath, [__filename], {
        env: { ...process.env, SSLMEM_STORE_CHILD: store },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (/step 5\n/.test(out)) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((r) => child.on('exit', r));
      const [summary] = await listRuns(store);
      // The killed process never got to record anything: the manifest still says running, but its writer is
      // gone, so the run list reports it as interrupted.
      assert.equal(summary.status, 'interrupted');
      assert.equal(summary.nextStage, 'train_f');
      const run = await openRun(summary.dir);
      assert.equal(run.manifest.status, 'running');
      assert.deepEqual(run.pendingStages(), ['train_f', 'train_g', 'score_f', 'score_g', 'report']);
      assert.ok(run.isDone('split'));
      const ckpt = run.checkpointOf('train_f')!;
      assert.ok(existsSync(ckpt));
      const step = run.manifest.stages.train_f.progress!.done;
      assert.ok(step >= 5);
      assert.equal(
        readFileSync(ckpt, 'utf8'),
        `weights after step ${step}`,
        'the recorded checkpoint is complete and matches the progress',
      );
      // Resuming: the stage restarts and finishes; the rest continue.
      await run.startStage('train_f');
      await run.finishStage('train_f');
      assert.deepEqual(run.pendingStages().slice(0, 1), ['train_g']);
    });

    test('listRuns: newest first, summaries for the Runs tree, unreadable manifests reported with their problem', async (t) => {
      const store = tempDir(t);
      const older = await createRun(store, INIT, new Date('2026-01-01T00:00:00Z'));
      const newer = await createRun(
        store,
        { ...INIT, preset: 'paper-cifar10', executionProvider: 'webgpu' },
        new Date('2026-02-01T00:00:00Z'),
      );
      await newer.update((m) => {
        m.subsetSizes = { S_S: 40000, S_C: 5000, S_I: 5000, S_E: 10000 };
      });
      await newer.startStage('split');
      await newer.finishStage('split');
      mkdirSync(join(store, 'broken-run'));
      writeFileSync(join(store, 'broken-run', 'manifest.json'), '{ not json');
      const list = await listRuns(store);
      assert.deepEqual(
        list.map((r) => r.id),
        [newer.id, older.id, 'broken-run'],
      );
      const n = list.find((r) => r.id === newer.id)!;
      assert.equal(n.preset, 'paper-cifar10');
      assert.equal(n.executionProvider, 'webgpu');
      assert.deepEqual(n.subsetSizes, { S_S: 40000, S_C: 5000, S_I: 5000, S_E: 10000 });
      assert.equal(n.stagesDone, 1);
      assert.equal(n.stagesTotal, 6);
      assert.equal(n.nextStage, 'train_f');
      assert.equal(typeof n.timings!.split, 'number');
      assert.match(list.find((r) => r.id === 'broken-run')!.problem ?? '', /not valid JSON/);
      assert.deepEqual(await listRuns(join(store, 'missing')), []);
    });
  });
