// `sslmem stage <run> <stage>` on a real run: a done stage is skipped, an unknown one named, a stage whose
// lock a live process holds (a real `sleep`) refused with that pid, exit codes as for every command; and the
// one-stage path really trains: train_g reset to pending (checkpoint kept) is executed alone and ends done.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine/sslmem/pipeline';
import { openRun } from '../../../src/engine/runs';
import { stageLockFile } from '../../../src/engine/runs/stage-lock';
import { cli, demoSubset, tempDir } from './helpers';

test('sslmem stage: skip a done stage, name an unknown one, refuse a live lock holder, execute one stage', async (t) => {
  const root = tempDir(t, 'sslmem-stage-');
  const data = demoSubset(path.join(root, 'data'), 6);
  const out = await startRun(
    { data, preset: 'tiny', storeDir: path.join(root, 'runs'), cacheDir: path.join(root, 'cache'), seed: 1, overrides: { epochs: 1 } },
    { provider: 'cpu', threads: 1 },
  );
  const runDir = out.runDir;
  const flags = ['--in-process', '--ep', 'cpu', '--threads', '1', '--data', data];

  const skipped = await cli(['stage', runDir, 'train_f', ...flags]);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stderr, /train_f: already done/);
  assert.doesNotMatch(skipped.stderr, /train_g|score_f/, 'only the named stage is looked at');

  const unknown = await cli(['stage', runDir, 'train_x', ...flags]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown stage "train_x"/);

  const run = await openRun(runDir);
  await run.update((m) => {
    m.stages.train_g = { status: 'pending' };
  });
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  mkdirSync(path.join(runDir, 'locks'), { recursive: true });
  writeFileSync(
    stageLockFile(runDir, 'train_g'),
    JSON.stringify({ pid: sleeper.pid, host: hostname(), since: new Date().toISOString(), job: '77_1' }),
  );
  const refused = await cli(['stage', runDir, 'train_g', ...flags]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    new RegExp(`stage train_g is being executed by process ${sleeper.pid} on ${hostname()} \\(Slurm job 77_1\\)`),
  );

  sleeper.kill('SIGKILL');
  await new Promise((r) => sleeper.once('exit', r));
  const ran = await cli(['stage', runDir, 'train_g', ...flags, '--verbose']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /train_g…/);
  assert.match(ran.stderr, /resuming from step \d+ of \d+/, 'the stage continues from the checkpoint it kept');
  assert.doesNotMatch(ran.stderr, /score_f|report…/);
  assert.equal(JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8')).stages.train_g.status, 'done');
});
