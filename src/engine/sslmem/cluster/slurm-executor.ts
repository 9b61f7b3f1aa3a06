// A run's training stages as one Slurm job array: submit (only the unfinished stages, so a resume resubmits
// what a failed or preempted task left), follow the tasks through squeue/sacct and the run's stage records,
// record job id and task states in the manifest (`executor`), cancel with scancel. The stages before training
// (the split) and after it (scoring, report) stay with the caller, which runs them locally.
import { existsSync, promises as fs } from 'node:fs';
import { isTrainingStage, type ExecutorTask, type RunHandle, type TaskState } from '../../runs';
import { breakStageLock, stageHolder } from '../../runs/stage-lock';
import { sbatchScript, taskLog } from './slurm-script';
import { arrayTasks, sbatch, scancel, type TaskStatus } from './slurm-commands';
import { checkSharedFs } from './shared-fs';
import type { SlurmOptions } from './slurm-options';

export interface SlurmTrainingInput {
  options: SlurmOptions;
  /** [node, dist/cli.js]: what each task runs (the nodes need both at the same paths). */
  command: readonly string[];
  /** Flags for every task's `stage` command (provider, threads, confirmed paths). */
  flags: readonly string[];
  signal?: AbortSignal;
  /** Notices for the user (shown by every front door, unlike a log line). */
  notify?: (message: string) => void;
  onTask?: (event: { stage: string; state: TaskState; job: string; node: string | null; log: string }) => void;
  /** How often to ask the scheduler (ms). */
  pollMs?: number;
}

const FINAL: readonly TaskState[] = ['done', 'failed', 'cancelled'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Trains the run's unfinished training stages on Slurm; 'done' when all are done, else an error or 'cancelled'. */
export async function trainOnSlurm(run: RunHandle, input: SlurmTrainingInput): Promise<'done' | 'cancelled'> {
  const stages = run.manifest.stageOrder.filter(isTrainingStage);
  await run.reload();
  const unfinished = stages.filter((s) => !run.isDone(s));
  if (unfinished.length === 0) return 'done';
  input.notify?.(checkSharedFs(run.dir).message);

  const previous = run.manifest.executor;
  if (previous?.jobId && (await stillActive(previous.jobId, previous.tasks))) {
    input.notify?.(`Slurm job ${previous.jobId} of this run is still active: following it`);
  } else {
    // The earlier array is over: its tasks' stage locks (another host's, perhaps) are left by ended processes.
    if (previous?.jobId)
      for (const s of unfinished)
        if ((await stageHolder(run.dir, s))?.job?.startsWith(`${previous.jobId}_`)) await breakStageLock(run.dir, s);
    await submit(run, stages, unfinished, input);
  }
  return follow(run, input);
}

async function stillActive(jobId: string, tasks: Record<string, ExecutorTask>): Promise<boolean> {
  const now = await arrayTasks(jobId).catch(() => new Map());
  return Object.values(tasks).some((t) => {
    const s = now.get(t.taskId)?.state;
    return s === 'pending' || s === 'running';
  });
}

async function submit(run: RunHandle, stages: readonly string[], unfinished: readonly string[], input: SlurmTrainingInput): Promise<void> {
  const template = input.options.template ? await fs.readFile(input.options.template, 'utf8') : undefined;
  const earlier = run.manifest.executor;
  const attempt = earlier?.jobId ? (earlier.previousJobIds?.length ?? 0) + 2 : 1;
  const script = `slurm/array-${attempt}.sh`;
  const indices = unfinished.map((s) => stages.indexOf(s));
  await run.writeFile(
    script,
    sbatchScript({
      runDir: run.dir,
      runId: run.id,
      stages,
      indices,
      command: input.command,
      flags: input.flags,
      options: input.options,
      template,
    }),
  );
  const jobId = await sbatch(run.path(script));
  input.notify?.(`submitted ${unfinished.join(', ')} as Slurm job array ${jobId} (${run.path(script)})`);
  for (const s of unfinished)
    input.onTask?.({
      stage: s,
      state: 'pending',
      job: `${jobId}_${stages.indexOf(s)}`,
      node: null,
      log: run.path(taskLog(jobId, stages.indexOf(s))),
    });
  await run.update((m) => {
    const before = m.executor?.jobId ? [...(m.executor.previousJobIds ?? []), m.executor.jobId] : undefined;
    const tasks: Record<string, ExecutorTask> = {};
    for (const s of unfinished) tasks[s] = { taskId: stages.indexOf(s), state: 'pending', log: taskLog(jobId, stages.indexOf(s)) };
    // Stages done by an earlier array keep their record (job id in its log name).
    for (const [s, t] of Object.entries(m.executor?.tasks ?? {})) if (!(s in tasks)) tasks[s] = t;
    m.executor = {
      kind: 'slurm',
      // The options this array was submitted with: the next plain resume submits with them too.
      options: input.options,
      jobId,
      submittedAt: new Date().toISOString(),
      script,
      tasks,
      ...(before ? { previousJobIds: before } : {}),
    };
  });
}

/** The task's state: the stage record wins once it says done; the scheduler's word otherwise. */
function stateOf(done: boolean, status: TaskStatus | undefined, was: TaskState): TaskState {
  if (done) return 'done';
  if (!status) return was === 'pending' || was === 'running' ? was : 'failed'; // not listed yet / any more
  // Slurm says COMPLETED but the stage record is not done: the task ended without finishing its stage.
  return status.state === 'done' ? 'failed' : status.state;
}

async function follow(run: RunHandle, input: SlurmTrainingInput): Promise<'done' | 'cancelled'> {
  const jobId = run.manifest.executor!.jobId!; // set by submit, or the still-active array being followed
  let cancelling = false;
  let unseenPolls = 0;
  let failedPolls = 0;
  for (;;) {
    if (input.signal?.aborted && !cancelling) {
      cancelling = true;
      input.notify?.(`cancelling: scancel ${jobId}`);
      await scancel(jobId);
    }
    let scheduler: Awaited<ReturnType<typeof arrayTasks>>;
    try {
      scheduler = await arrayTasks(jobId);
      failedPolls = 0;
    } catch (err) {
      // A scheduler that does not answer for a while (restart, network): keep asking, then give up; the
      // tasks go on without us and a resume follows them again.
      if (++failedPolls >= 10)
        throw new Error(`cannot follow Slurm job ${jobId}: ${(err as Error).message}. Resume the run to follow it again`);
      await sleep(input.pollMs ?? 2000);
      continue;
    }
    await run.reload();
    const tasks = run.manifest.executor!.tasks;
    const mine = Object.entries(tasks).filter(([, t]) => t.log?.startsWith(`slurm/${jobId}_`));
    // A task the scheduler has never listed (slow controller): keep it pending for a while, then call it lost.
    unseenPolls = mine.some(([, t]) => !scheduler.has(t.taskId)) ? unseenPolls + 1 : 0;
    const changes: Record<string, ExecutorTask> = {};
    for (const [stage, t] of mine) {
      const status = scheduler.get(t.taskId);
      let state = stateOf(run.isDone(stage), status, t.state);
      if (!status && !FINAL.includes(state) && unseenPolls > 30) state = 'failed';
      const node = status?.node ?? t.node;
      if (state !== t.state || node !== t.node) changes[stage] = { ...t, state, ...(node ? { node } : {}) };
    }
    if (Object.keys(changes).length) {
      await run.update((m) => {
        for (const [s, t] of Object.entries(changes)) m.executor!.tasks[s] = t;
      });
      for (const [stage, t] of Object.entries(changes))
        input.onTask?.({ stage, state: t.state, job: `${jobId}_${t.taskId}`, node: t.node ?? null, log: run.path(t.log!) });
    }
    const now = Object.values(run.manifest.executor!.tasks).filter((t) => t.log?.startsWith(`slurm/${jobId}_`));
    if (now.every((t) => FINAL.includes(t.state))) {
      if (now.every((t) => t.state === 'done')) return 'done';
      if (cancelling) return 'cancelled';
      const bad = Object.entries(run.manifest.executor!.tasks).filter(([, t]) => t.state !== 'done');
      const logs = bad.map(([s, t]) => `${s}: ${t.state}${existsSync(run.path(t.log!)) ? ` (log ${run.path(t.log!)})` : ''}`);
      throw new Error(
        `training on Slurm did not finish: ${logs.join('; ')}. Resume the run (sslmem resume <run>, or Resume Run in the editor: it keeps the run's Slurm options) to resubmit the unfinished stages; each continues from its checkpoint`,
      );
    }
    await sleep(input.pollMs ?? 2000);
  }
}
