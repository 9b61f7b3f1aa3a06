// The run list's view of a Slurm run (what the Runs tree shows under a run: each task's state, job and node,
// and its log one click away), read tolerantly: a log path that leaves the run's slurm/ folder is dropped.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, listRuns } from '../../../src/engine/runs';

test('listRuns: a Slurm run lists its tasks with state, array task id, node and absolute log path', async () => {
  const store = mkdtempSync(join(tmpdir(), 'list-slurm-'));
  try {
    const run = await createRun(store, {
      preset: 'tiny',
      dataset: { path: '/data', fingerprint: null },
      config: {},
      seeds: { split: 0, pairs: [] },
      versions: {},
      executionProvider: 'cpu',
      stageOrder: ['split', 'train_f', 'train_g', 'report'],
    });
    await run.update((m) => {
      m.executor = {
        kind: 'slurm',
        jobId: '12',
        submittedAt: '',
        script: 'slurm/array-2.sh',
        previousJobIds: ['9'],
        tasks: {
          train_f: { taskId: 0, state: 'running', node: 'gpu017', log: 'slurm/12_0.log' },
          train_g: { taskId: 1, state: 'done', node: 'gpu002', log: 'slurm/9_1.log' },
          score_x: { taskId: 2, state: 'failed', log: '../../etc/passwd' },
        },
      };
    });
    const [summary] = await listRuns(store);
    assert.equal(summary.slurm?.jobId, '12');
    assert.deepEqual(summary.slurm?.tasks, [
      { stage: 'train_f', taskId: 0, job: '12_0', state: 'running', node: 'gpu017', log: join(run.dir, 'slurm/12_0.log') },
      { stage: 'train_g', taskId: 1, job: '9_1', state: 'done', node: 'gpu002', log: join(run.dir, 'slurm/9_1.log') },
      { stage: 'score_x', taskId: 2, job: '12_2', state: 'failed' },
    ]);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});
