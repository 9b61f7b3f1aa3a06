// Reproducibility on CPU: (1) the same run twice with the same seed gives byte-identical scores.csv; (2) a run
// SIGKILLed in the middle of training (a real `node dist/cli.js run` process, killed once its first
// mid-training checkpoint exists) and then `sslmem resume`d continues from that checkpoint and ends with
// the same scores.csv as the uninterrupted run: "a run killed mid-way resumes where it stopped". Both runs save
// 3 snapshots (steps 6, 12, 18): the resumed run's snapshots and loss histories equal the uninterrupted run's.
import { describe, test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine/sslmem/pipeline';
import { listRuns } from '../../../src/engine/runs';
import { LOSS_HISTORY_FILE, readLossHistory } from '../../../src/engine/runs/loss-history';
import { demoSubset, lastLine, spawnCli } from './helpers';

// 120 images: f and g train on ~97 images, batch 32 -> 3 steps per epoch; 6 epochs = 18 steps per encoder,
// so the trainer checkpoints at step 10 (every max(10, 18/20) steps) and the kill lands in steps 10..17.
const EPOCHS = 6;
const SEED = 5;
const root = mkdtempSync(path.join(tmpdir(), 'sslmem-resume-'));
const data = path.join(root, 'data');
const cacheDir = path.join(root, 'cache');
let reference = '';
let referenceDir = '';

describe('determinism and resume after SIGKILL', () => {
  before(async () => {
    demoSubset(data, 12);
    const out = await startRun(
      { data, preset: 'tiny', storeDir: path.join(root, 'a', 'runs'), cacheDir, seed: SEED, overrides: { epochs: EPOCHS, snapshots: 3 } },
      { provider: 'cpu' },
    );
    assert.equal(out.status, 'done');
    referenceDir = out.runDir;
    reference = readFileSync(path.join(out.runDir, 'scores.csv'), 'utf8');
  });
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));

  test('the same run twice on CPU with the same seed: byte-identical scores.csv (2nd: `sslmem run`, backend child)', async () => {
    const workspace = path.join(root, 'b');
    const r = await spawnCli([
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
      '--ep',
      'cpu',
    ]).done;
    assert.equal(r.code, 0, r.stderr);
    const runDir = lastLine(r.stdout);
    assert.equal(path.dirname(runDir), path.join(workspace, '.sslmem', 'runs'), 'last stdout line is the run folder');
    assert.match(r.stderr, new RegExp(`report: ${runDir.replace(/[/\\.]/g, '\\$&')}/report\\.md`));
    assert.equal(readFileSync(path.join(runDir, 'scores.csv'), 'utf8'), reference);
    assert.ok(reference.split('\n').length > 100);
  });

  test('kill -9 during train_f, then `sslmem resume`: continues from the checkpoint, same scores.csv', async () => {
    const workspace = path.join(root, 'c');
    const store = path.join(workspace, '.sslmem', 'runs');
    const run = spawnCli([
      'run',
      '--data',
      data,
      '--preset',
      'tiny',
      '--epochs',
      String(EPOCHS),
      '--seed',
      String(SEED),
      '--snapshots',
      '3',
      '--workspace',
      workspace,
      '--in-process',
      '--ep',
      'cpu',
    ]);
    // Watch the run folder: kill as soon as f's first mid-training checkpoint is on disk.
    let killedAt = '';
    const watcher = setInterval(() => {
      const id = existsSync(store) ? readdirSync(store)[0] : undefined;
      if (!id || !existsSync(path.join(store, id, 'f', 'checkpoint.bin')) || killedAt) return;
      const m = JSON.parse(readFileSync(path.join(store, id, 'manifest.json'), 'utf8'));
      killedAt = `${m.stages.train_f.status} at step ${m.stages.train_f.progress?.done}`;
      run.child.kill('SIGKILL');
    }, 20);
    const killed = await run.done;
    clearInterval(watcher);
    assert.equal(killed.signal, 'SIGKILL', `the run ended before it could be killed: ${killed.stderr}`);
    assert.match(killedAt, /^running at step/);
    const runDir = path.join(store, readdirSync(store)[0]);
    const left = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    assert.equal(left.status, 'running', 'a killed process cannot record anything');
    assert.ok(!existsSync(path.join(runDir, 'scores.csv')));
    assert.equal((await listRuns(store))[0].status, 'interrupted', 'the run list sees the writer is gone');

    // The dataset lies outside the workspace (root/c): the user confirms it (a manifest alone is not trusted to name it).
    const resumed = spawnCli(['resume', runDir, '--data', data, '--in-process', '--ep', 'cpu', '--verbose']);
    const r = await resumed.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), runDir, 'last stdout line is the run folder');
    assert.match(r.stderr, /marked interrupted/);
    const from = /resuming from step (\d+) of (\d+)/.exec(r.stderr);
    assert.ok(from, `resume did not start from a checkpoint:\n${r.stderr}`);
    assert.ok(Number(from[1]) >= 10 && Number(from[1]) < Number(from[2]), `resumed at step ${from[1]} of ${from[2]} (killed ${killedAt})`);
    assert.match(r.stderr, /split: already done/);
    assert.equal(readFileSync(path.join(runDir, 'scores.csv'), 'utf8'), reference);
    assert.equal(JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8')).status, 'done');
    // The loss history was cut back to the checkpoint and retrained; the snapshots are the same weights.
    for (const who of ['f', 'g']) {
      const history = readFileSync(path.join(runDir, who, 'train-loss.csv'), 'utf8');
      assert.equal(history, readFileSync(path.join(referenceDir, who, 'train-loss.csv'), 'utf8'), `${who}/train-loss.csv`);
      assert.equal(history.trim().split('\n').length, 1 + 18);
      const snaps = readdirSync(path.join(runDir, who, 'snapshots')).sort();
      assert.deepEqual(snaps, ['step-000006.bin', 'step-000012.bin', 'step-000018.bin']);
      for (const s of snaps)
        assert.ok(
          readFileSync(path.join(runDir, who, 'snapshots', s)).equals(readFileSync(path.join(referenceDir, who, 'snapshots', s))),
          `${who}/${s}`,
        );
      // What a resumed run's live view plots (issue 17 item 7): every step once, as the uninterrupted run's.
      const resumedHistory = await readLossHistory(path.join(runDir, who, LOSS_HISTORY_FILE));
      assert.deepEqual(
        resumedHistory.map((p) => p.step),
        Array.from({ length: 18 }, (_, i) => i + 1),
        `${who}: steps`,
      );
    }
  });
});
