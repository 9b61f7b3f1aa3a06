// Which executor a resume uses (cluster/resume-executor.ts): the run's stored Slurm options unless this resume
// says otherwise. The end-to-end check (a plain `sslmem resume` resubmitting through Slurm): test/slurm/.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { describeSlurmOptions, resumeExecutor } from '../../../src/engine/sslmem/cluster/resume-executor';
import type { ExecutorRecord } from '../../../src/engine/runs/manifest';

const command = ['/usr/bin/node', '/opt/sslmem/dist/cli.js'];
const stored: ExecutorRecord = {
  kind: 'slurm',
  options: { partition: 'gpu', time: '01:00:00', cpusPerTask: 2 },
  jobId: '41',
  tasks: { train_f: { taskId: 0, state: 'cancelled', log: 'slurm/41_0.log' } },
};

test('a plain resume of a Slurm run uses the stored options and says so', () => {
  const c = resumeExecutor(stored, undefined, command);
  assert.deepEqual(c.executor, { kind: 'slurm', options: stored.options, command });
  assert.match(c.notice!, /run's Slurm executor \(--partition gpu --time 01:00:00 --cpus-per-task 2\)/);
});

test('options given on the resume win over the stored ones', () => {
  const asked = { kind: 'slurm' as const, options: { partition: 'long' }, command };
  assert.deepEqual(resumeExecutor(stored, asked, command), { executor: asked });
});

test('--executor local trains here, and says the run was created for Slurm', () => {
  const c = resumeExecutor(stored, 'local', command);
  assert.equal(c.executor, undefined);
  assert.match(c.notice!, /training locally as asked \(--executor local\)/);
});

test('a local run resumes locally, silently, whatever was asked', () => {
  assert.deepEqual(resumeExecutor(undefined, undefined, command), {});
  assert.deepEqual(resumeExecutor(undefined, 'local', command), {});
});

test('a record without options (an earlier version) trains here and tells how to use Slurm', () => {
  const { options: _o, ...old } = stored;
  const c = resumeExecutor(old, undefined, command);
  assert.equal(c.executor, undefined);
  assert.match(c.notice!, /options were not recorded.*--executor slurm/);
});

test('a run created but not yet submitted (options only) resumes on Slurm with default options', () => {
  const c = resumeExecutor({ kind: 'slurm', options: {}, tasks: {} }, undefined, command);
  assert.deepEqual(c.executor, { kind: 'slurm', options: {}, command });
  assert.match(c.notice!, /default options/);
  assert.equal(describeSlurmOptions({ gres: 'gpu:1', template: '/t.sh' }), '--gres gpu:1 --sbatch-template /t.sh');
});
