// The Slurm executor against a REAL single-node Slurm (scripts/test-host/slurm.sh starts munged, slurmctld and
// slurmd as root and stops them by PID afterwards): (1) a tiny run whose training stages run as an sbatch
// array gives byte-identical scores.csv to the same run executed locally (same seed, provider and threads);
// (2) train_f's task scancel'd mid-training makes the controller fail with the task named, and a plain resume
// (no --executor: the run's stored Slurm options) resubmits train_f alone, which continues from its checkpoint to the same scores.csv; (3) a controller killed
// while its tasks run is replaced by a plain resume that follows the same array; (4) Ctrl-C of the controller
// scancels the array. Needs root (it installs and starts the daemons); skipped otherwise.
import { describe, test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, execSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../src/engine/sslmem/pipeline';
import { demoSubset, lastLine, REPO, spawnCli } from '../unit/pipeline/helpers';

// 120 images, batch 32: 3 steps per epoch; 12 epochs = 36 steps per encoder, checkpoints at steps 10, 20, 30,
// so a task killed after its first checkpoint still has 26 steps to lose.
const EPOCHS = 12;
const SEED = 3;
const FLAGS = ['--preset', 'tiny', '--epochs', String(EPOCHS), '--seed', String(SEED), '--ep', 'cpu', '--threads', '1'];
const isRoot = process.getuid?.() === 0;
const root = mkdtempSync(path.join(tmpdir(), 'sslmem-slurm-'));
const slurmDir = path.join(root, 'slurm');
const data = path.join(root, 'data');
let reference = '';

const manifestOf = (runDir: string) => JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
/** The manifest, or null while the run folder has none yet (it is created first, then written atomically). */
const manifestNow = (runDir: string) => (existsSync(path.join(runDir, 'manifest.json')) ? manifestOf(runDir) : null);
/** CLIs this file started: a failed assertion must not leave one polling a Slurm that after() stopped. */
const started: { child: ChildProcess }[] = [];
const cli = (args: string[]) => {
  const c = spawnCli(args);
  started.push(c);
  return c;
};
const onlyRun = (workspace: string) => {
  const store = path.join(workspace, '.sslmem', 'runs');
  const ids = existsSync(store) ? readdirSync(store) : [];
  return ids.length ? path.join(store, ids[0]) : null;
};
const squeue = (job: string) => execFileSync('squeue', ['-h', '-r', '-t', 'all', '-j', job, '-o', '%K|%T'], { encoding: 'utf8' });

describe(
  'Slurm executor on a real single-node Slurm',
  { skip: isRoot ? false : 'needs root: it installs and starts slurmctld, slurmd and munged' },
  () => {
    before(async () => {
      chmodSync(root, 0o755); // munged (user munge) must reach its socket below this folder
      const out = execFileSync('bash', [path.join(REPO, 'scripts/test-host/slurm.sh'), 'start', slurmDir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      process.env.SLURM_CONF = lastLine(out).replace(/^SLURM_CONF=/, ''); // spawned CLIs and the sbatch they run inherit it
      demoSubset(data, 12);
      const local = await startRun(
        {
          data,
          preset: 'tiny',
          storeDir: path.join(root, 'local', 'runs'),
          cacheDir: path.join(root, 'cache'),
          seed: SEED,
          overrides: { epochs: EPOCHS },
        },
        { provider: 'cpu', threads: 1 },
      );
      reference = readFileSync(path.join(local.runDir, 'scores.csv'), 'utf8');
    });
    after(() => {
      for (const c of started) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      if (existsSync(slurmDir))
        execFileSync('bash', [path.join(REPO, 'scripts/test-host/slurm.sh'), 'stop', slurmDir], { stdio: 'inherit' });
      rmSync(root, { recursive: true, force: true });
    });

    test('sslmem run --executor slurm: training as a job array, the same scores.csv as the local run', async () => {
      const workspace = path.join(root, 'a');
      const r = await cli([
        'run',
        '--data',
        data,
        ...FLAGS,
        '--workspace',
        workspace,
        '--executor',
        'slurm',
        '--cpus-per-task',
        '1',
        '--time',
        '00:10:00',
      ]).done;
      assert.equal(r.code, 0, r.stderr);
      const runDir = lastLine(r.stdout);
      assert.equal(readFileSync(path.join(runDir, 'scores.csv'), 'utf8'), reference);
      const m = manifestOf(runDir);
      assert.equal(m.status, 'done');
      assert.equal(m.executor.kind, 'slurm');
      assert.match(m.executor.jobId, /^\d+$/);
      const host = execSync('hostname -s', { encoding: 'utf8' }).trim();
      assert.deepEqual(m.executor.tasks, {
        train_f: { taskId: 0, state: 'done', node: host, log: `slurm/${m.executor.jobId}_0.log` },
        train_g: { taskId: 1, state: 'done', node: host, log: `slurm/${m.executor.jobId}_1.log` },
      });
      // Each task really ran the stage command, in its own process under Slurm (its log says so).
      assert.match(
        readFileSync(path.join(runDir, `slurm/${m.executor.jobId}_0.log`), 'utf8'),
        new RegExp(`sslmem stage train_f on ${host} \\(job ${m.executor.jobId}_0\\)`),
      );
      assert.match(r.stderr, new RegExp(`train_g: done \\(Slurm job ${m.executor.jobId}_1 on ${host}`));
      assert.match(r.stderr, /score_f…/);
      assert.match(r.stderr, / is on \S+ \(mount \//, "the run store's filesystem is checked and named");
      assert.match(r.stderr, new RegExp(`submitted train_f, train_g as Slurm job array ${m.executor.jobId}`));
      const script = readFileSync(path.join(runDir, m.executor.script), 'utf8');
      assert.match(script, /#SBATCH --array=0,1\n/);
      assert.match(script, /#SBATCH --cpus-per-task=1\n/);
      assert.match(script, /#SBATCH --time=00:10:00\n/);
      assert.deepEqual(readdirSync(path.join(runDir, 'locks')), [], 'every stage lock released');
    });

    test('scancel of train_f mid-training: the controller fails naming it; a plain resume resubmits train_f alone with the stored options, same scores.csv', async () => {
      const workspace = path.join(root, 'b');
      const slurmFlags = ['--executor', 'slurm', '--cpus-per-task', '1', '--time', '00:10:00'];
      const run = cli(['run', '--data', data, ...FLAGS, '--workspace', workspace, ...slurmFlags]);
      let cancelledAt = '';
      const watcher = setInterval(() => {
        const runDir = onlyRun(workspace);
        if (!runDir || cancelledAt || !existsSync(path.join(runDir, 'f', 'checkpoint.bin'))) return;
        const m = manifestNow(runDir);
        if (!m?.executor) return;
        cancelledAt = `at least step 10 (manifest: ${m.stages.train_f.progress?.done}, ${m.stages.train_f.status})`;
        execFileSync('scancel', [`${m.executor.jobId}_0`]);
      }, 20);
      const r = await run.done;
      clearInterval(watcher);
      assert.ok(cancelledAt, `train_f ended before it could be cancelled: ${r.stderr}`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /training on Slurm did not finish: train_f: cancelled/);
      const runDir = onlyRun(workspace)!;
      const first = manifestOf(runDir);
      assert.equal(first.stages.train_g.status, 'done', 'the other task was not disturbed');
      assert.notEqual(first.stages.train_f.status, 'done');
      assert.equal(first.executor.tasks.train_f.state, 'cancelled');
      assert.ok(!existsSync(path.join(runDir, 'scores.csv')));

      assert.deepEqual(first.executor.options, { cpusPerTask: 1, time: '00:10:00' }, 'the Slurm options are stored with the run');

      // A plain resume (no --executor): the stored options, through Slurm again.
      const resumed = await cli(['resume', runDir, '--data', data, '--ep', 'cpu', '--threads', '1']).done;
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(lastLine(resumed.stdout), runDir);
      assert.match(resumed.stderr, /resuming with the run's Slurm executor \(--time 00:10:00 --cpus-per-task 1\)/);
      const m = manifestOf(runDir);
      const resubmitted = readFileSync(path.join(runDir, m.executor.script), 'utf8');
      assert.match(resubmitted, /#SBATCH --cpus-per-task=1\n/);
      assert.match(resubmitted, /#SBATCH --time=00:10:00\n/);
      assert.deepEqual(m.executor.previousJobIds, [first.executor.jobId]);
      assert.notEqual(m.executor.jobId, first.executor.jobId);
      assert.match(readFileSync(path.join(runDir, m.executor.script), 'utf8'), /#SBATCH --array=0\n/, 'only train_f resubmitted');
      assert.equal(m.executor.tasks.train_f.log, `slurm/${m.executor.jobId}_0.log`);
      assert.equal(
        m.executor.tasks.train_g.log,
        `slurm/${first.executor.jobId}_1.log`,
        'train_g keeps the record of the array that trained it',
      );
      const log = readFileSync(path.join(runDir, m.executor.tasks.train_f.log), 'utf8');
      const from = /resuming from step (\d+) of (\d+)/.exec(log);
      assert.ok(
        from && Number(from[1]) >= 10 && Number(from[1]) < Number(from[2]),
        `train_f did not continue from its checkpoint (cancelled at ${cancelledAt}):\n${log}`,
      );
      assert.equal(readFileSync(path.join(runDir, 'scores.csv'), 'utf8'), reference);
      assert.equal(m.status, 'done');
    });

    test('the controller killed while its tasks run: a plain resume follows the same array (no resubmission), same scores.csv', async () => {
      const workspace = path.join(root, 'd');
      const run = cli(['run', '--data', data, ...FLAGS, '--workspace', workspace, '--executor', 'slurm', '--in-process']);
      let job = '';
      const watcher = setInterval(() => {
        const runDir = onlyRun(workspace);
        const m = runDir ? manifestNow(runDir) : null;
        if (job || !m?.executor || m.stages.train_f.status !== 'running') return;
        job = m.executor.jobId;
        run.child.kill('SIGKILL');
      }, 20);
      const killed = await run.done;
      clearInterval(watcher);
      assert.equal(killed.signal, 'SIGKILL', `the run ended before it could be killed: ${killed.stderr}`);
      const runDir = onlyRun(workspace)!;
      // A plain resume: the run's stored executor follows the array still running.
      const resumed = await cli(['resume', runDir, '--data', data, '--ep', 'cpu', '--threads', '1']).done;
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, new RegExp(`Slurm job ${job} of this run is still active: following it`));
      assert.doesNotMatch(resumed.stderr, /submitted/);
      const m = manifestOf(runDir);
      assert.equal(m.executor.jobId, job);
      assert.equal(m.executor.previousJobIds, undefined);
      assert.equal(readFileSync(path.join(runDir, 'scores.csv'), 'utf8'), reference);
    });

    test('Ctrl-C of the controller scancels the array; the run is interrupted and resumable', async () => {
      const workspace = path.join(root, 'c');
      const run = cli(['run', '--data', data, ...FLAGS, '--workspace', workspace, '--executor', 'slurm']);
      let job = '';
      // SIGINT as soon as the array is submitted: its tasks are pending or starting.
      const watcher = setInterval(() => {
        const runDir = onlyRun(workspace);
        if (job || !runDir) return;
        const m = manifestNow(runDir);
        if (m?.executor?.jobId) {
          job = m.executor.jobId;
          run.child.kill('SIGINT');
        }
      }, 20);
      const r = await run.done;
      clearInterval(watcher);
      assert.ok(job, r.stderr);
      assert.equal(r.code, 130, r.stderr);
      // The scheduler's word: every task of the array was cancelled (nothing else here cancels it).
      for (const line of squeue(job).trim().split('\n').filter(Boolean)) assert.match(line, /\|CANCELLED$/, squeue(job));
      const m = manifestOf(onlyRun(workspace)!);
      assert.equal(m.status, 'interrupted');
      for (const t of Object.values(m.executor.tasks) as { state: string }[]) assert.equal(t.state, 'cancelled');
    });
  },
);
