// Slurm's own commands, run as child processes: sbatch to submit, squeue (and sacct, when the cluster keeps
// accounting) to follow, scancel to cancel. Everything Slurm says is parsed here and nowhere else.
import { execFile } from 'node:child_process';
import type { TaskState } from '../../runs';

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new Error(
            missing
              ? `${cmd} not found: is Slurm's client installed on this machine and on the PATH?`
              : `${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`,
          ),
        );
      } else resolve(stdout);
    });
  });
}

/** Submits a script; returns the job id (`--parsable` prints `<id>` or `<id>;<cluster>`). */
export async function sbatch(scriptFile: string): Promise<string> {
  const out = (await run('sbatch', ['--parsable', scriptFile])).trim();
  const id = out.split(';')[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed '${out}', not a job id`);
  return id;
}

export async function scancel(jobId: string): Promise<void> {
  await run('scancel', [jobId]);
}

export interface TaskStatus {
  state: TaskState;
  slurmState: string;
  node: string | null;
}

/** Slurm's job states as the executor's task states. */
export function taskStateOf(slurmState: string): TaskState {
  const s = slurmState.replace(/\+$/, '').split(' ')[0];
  if (['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED', 'STOPPED'].includes(s))
    return 'pending';
  if (['RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'RESIZING'].includes(s)) return 'running';
  if (s === 'COMPLETED') return 'done';
  if (['CANCELLED', 'PREEMPTED', 'REVOKED'].includes(s)) return 'cancelled';
  return 'failed'; // FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, SPECIAL_EXIT
}

/** Parses `<taskId>|<state>|<nodes>` lines (squeue -o '%K|%T|%N', sacct -P -o JobID,State,NodeList). */
export function parseTaskLines(text: string, jobId: string): Map<number, TaskStatus> {
  const tasks = new Map<number, TaskStatus>();
  for (const line of text.split('\n')) {
    const [rawId, slurmState, node] = line.trim().split('|');
    if (!rawId || !slurmState) continue;
    // squeue prints the task index; sacct prints <job>_<task> (and <job>_<task>.batch steps, skipped).
    const m = /^(?:(\d+)_)?(\d+)$/.exec(rawId);
    if (!m || (m[1] !== undefined && m[1] !== jobId)) continue;
    tasks.set(Number(m[2]), {
      state: taskStateOf(slurmState),
      slurmState,
      node: node && node !== '(null)' && node !== 'None assigned' ? node : null,
    });
  }
  return tasks;
}

/**
 * The array's tasks as the scheduler knows them now (squeue keeps finished ones for MinJobAge; sacct after).
 * Throws when squeue itself fails (controller down, no config): the caller decides how long to tolerate that.
 */
export async function arrayTasks(jobId: string): Promise<Map<number, TaskStatus>> {
  // A pending array shows as one line "<first>-<last>" in %K unless -r splits it: -r. A job squeue no longer
  // knows is an error on some versions ("Invalid job id specified"): that is an empty answer, not a failure.
  const text = await run('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%K|%T|%N']).catch((e: Error) => {
    if (/Invalid job id/i.test(e.message)) return '';
    throw e;
  });
  const queued = parseTaskLines(text, jobId);
  let accounted = new Map<number, TaskStatus>();
  try {
    accounted = parseTaskLines(await run('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State,NodeList']), jobId);
  } catch {
    /* no accounting on this cluster */
  }
  return new Map([...accounted, ...queued]);
}
