// The Slurm executor's pieces that need no Slurm: the sbatch script (directives, template lines, quoting, the
// stage command each task runs, executed here by bash with a stub node), what squeue/sacct print parsed into
// task states, the shared-filesystem verdict, and the CLI's --executor flags. The real thing: test/slurm/.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sbatchScript } from '../../../src/engine/sslmem/cluster/slurm-script';
import { parseTaskLines, taskStateOf } from '../../../src/engine/sslmem/cluster/slurm-commands';
import { checkSharedFs, mountOf } from '../../../src/engine/sslmem/cluster/shared-fs';
import { executorFrom } from '../../../src/cli/executor';

test('sbatch script: directives, template #SBATCH lines only, and task i runs training stage i with the flags quoted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sbatch-script-'));
  try {
    const args = join(dir, 'args.txt');
    const fakeNode = join(dir, 'node');
    writeFileSync(fakeNode, `#!/bin/bash\nprintf '%s\\n' "$@" > ${args}\n`);
    chmodSync(fakeNode, 0o755);
    const script = sbatchScript({
      runDir: join(dir, "run 'x'"),
      runId: 'r1',
      stages: ['train_f', 'train_g#1'],
      indices: [1],
      command: [fakeNode, '/opt/sslmem/dist/cli.js'],
      flags: ['--ep', 'cpu', '--data', '/data/with space'],
      options: { partition: 'gpu', account: 'lab', time: '02:00:00', gres: 'gpu:1', cpusPerTask: 4 },
      template: '#SBATCH --qos=long\necho not a directive\n  #SBATCH --mem=8G\n',
    });
    for (const d of [
      '--job-name=sslmem-r1',
      '--array=1',
      '--partition=gpu',
      '--account=lab',
      '--time=02:00:00',
      '--gres=gpu:1',
      '--cpus-per-task=4',
      '--qos=long',
      '--mem=8G',
    ]) {
      assert.match(script, new RegExp(`^#SBATCH ${d.replace(/[+]/g, '\\$&')}$`, 'm'));
    }
    assert.doesNotMatch(script, /not a directive/);
    // Every directive comes before the first command (sbatch stops reading them there).
    const lines = script.split('\n');
    const lastDirective = lines.map((l) => l.startsWith('#SBATCH')).lastIndexOf(true);
    assert.ok(lastDirective < lines.findIndex((l) => l && !l.startsWith('#')));
    writeFileSync(join(dir, 'job.sh'), script);
    execFileSync('bash', [join(dir, 'job.sh')], {
      env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '7' },
      stdio: 'ignore',
    });
    assert.deepEqual(readFileSync(args, 'utf8').trimEnd().split('\n'), [
      '/opt/sslmem/dist/cli.js',
      'stage',
      join(dir, "run 'x'"),
      'train_g#1',
      '--in-process',
      '--verbose',
      '--ep',
      'cpu',
      '--data',
      '/data/with space',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('squeue and sacct lines become task states; other jobs and batch steps are ignored', () => {
  const squeue = '0|RUNNING|node07\n1|PENDING|\n2|COMPLETED|node08\n';
  assert.deepEqual(
    [...parseTaskLines(squeue, '42')].map(([i, t]) => [i, t.state, t.node]),
    [
      [0, 'running', 'node07'],
      [1, 'pending', null],
      [2, 'done', 'node08'],
    ],
  );
  const sacct = '42_0|CANCELLED by 0|node07\n42_0.batch|CANCELLED|node07\n42_1|PREEMPTED|node09\n42_3|TIMEOUT|node1\n41_2|FAILED|x\n';
  assert.deepEqual(
    [...parseTaskLines(sacct, '42')].map(([i, t]) => [i, t.state]),
    [
      [0, 'cancelled'],
      [1, 'cancelled'],
      [3, 'failed'],
    ],
  );
  for (const [s, want] of [
    ['OUT_OF_MEMORY', 'failed'],
    ['NODE_FAIL', 'failed'],
    ['COMPLETING', 'running'],
    ['REQUEUED', 'pending'],
  ] as const)
    assert.equal(taskStateOf(s), want);
});

test('shared filesystem: NFS is shared, tmpfs warns, a local disk is unknown; the real /dev/shm is tmpfs', () => {
  const info = [
    '22 1 8:1 / / rw - ext4 /dev/sda1 rw',
    '30 22 0:40 / /scratch rw - lustre 10.0.0.1@tcp:/fs rw',
    '31 22 0:41 / /home rw - nfs4 server:/home rw',
    '32 22 0:42 / /tmp rw - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(mountOf('/home/ana/ws/.sslmem/runs', info), { mount: '/home', fstype: 'nfs4' });
  assert.deepEqual(mountOf('/scratch/x', info), { mount: '/scratch', fstype: 'lustre' });
  assert.deepEqual(mountOf('/tmpfoo', info), { mount: '/', fstype: 'ext4' });
  if (existsSync('/dev/shm') && mountOf('/dev/shm')?.fstype === 'tmpfs') {
    const v = checkSharedFs('/dev/shm');
    assert.equal(v.shared, 'no');
    assert.match(v.message, /^warning: \/dev\/shm is on tmpfs .*only a job running on this same machine can see it/);
  }
});

test('CLI: --executor slurm with its options; slurm options without it, or bad values, are usage errors', () => {
  assert.deepEqual(executorFrom({ executor: 'slurm', gres: 'gpu:1', time: '1-00:00:00', 'cpus-per-task': 8 }), {
    kind: 'slurm',
    gres: 'gpu:1',
    time: '1-00:00:00',
    cpusPerTask: 8,
  });
  assert.equal(executorFrom({}), undefined);
  assert.throws(() => executorFrom({ gres: 'gpu:1' }), /--gres needs --executor slurm/);
  assert.throws(() => executorFrom({ executor: 'pbs' }), /--executor must be local or slurm/);
  assert.throws(() => executorFrom({ executor: 'slurm', partition: 'gpu\n#SBATCH --x' }), /partition must be a plain word/);
  assert.throws(() => executorFrom({ executor: 'slurm', time: 'soon' }), /time must look like/);
});
