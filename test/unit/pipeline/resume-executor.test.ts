// `sslmem resume` and the executor a run was created with (manifest `executor.options`), through the CLI and the
// backend: no --executor takes the stored Slurm options, --executor local trains here and says so. The run's
// training stage is done, so the Slurm executor has nothing to submit and no Slurm is needed; the real
// resubmission through Slurm is test/slurm/.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createRun } from '../../../src/engine/runs';
import { resolvePreset } from '../../../src/engine/sslmem/config';
import { cli, demoSubset, tempDir } from './helpers';

async function slurmRun(ws: string, data: string): Promise<string> {
  const run = await createRun(path.join(ws, '.sslmem', 'runs'), {
    preset: 'tiny',
    stageOrder: ['split', 'train_f'],
    dataset: { path: data, fingerprint: null },
    config: { sslmem: resolvePreset('tiny'), data, seed: 0, splitFile: null, cacheDir: null },
    seeds: { split: 0, pairs: [{ f: 0, g: 0 }] },
    versions: { sslmemStudio: 'test' },
    executionProvider: 'cpu',
    executor: { kind: 'slurm', options: { partition: 'short', time: '00:05:00' }, tasks: {} },
  });
  for (const s of run.manifest.stageOrder) await run.finishStage(s);
  return run.dir;
}

test('resume without --executor uses the Slurm options stored with the run; --executor local says it trains here', async (t) => {
  const ws = tempDir(t, 'sslmem-resume-executor-');
  const data = demoSubset(path.join(ws, 'data'), 1);
  const runDir = await slurmRun(ws, data);

  const plain = await cli(['resume', runDir, '--in-process', '--ep', 'cpu']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /resuming with the run's Slurm executor \(--partition short --time 00:05:00\)/);

  const local = await cli(['resume', runDir, '--in-process', '--ep', 'cpu', '--executor', 'local']);
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stderr, /training locally as asked \(--executor local\)/);
  assert.doesNotMatch(local.stderr, /Slurm executor \(/);
});
