// The sbatch script of a run's training stages: one array, task i runs training stage i of the run
// (indices are stable: a resubmission lists only the unfinished ones), each as
// `<node> <dist>/cli.js stage <run> <stage> --in-process …`, logging to <run>/slurm/<job>_<task>.log.
import type { SlurmOptions } from './slurm-options';

export interface ScriptInput {
  runDir: string;
  runId: string;
  /** Every training stage of the run, in order: the array index is the position here. */
  stages: readonly string[];
  /** The indices to submit (all of them, or the unfinished ones on a resubmission). */
  indices: readonly number[];
  /** The stage command up to the run folder: [node, dist/cli.js]. */
  command: readonly string[];
  /** Flags for every task after the stage name (provider, threads, confirmed paths). */
  flags: readonly string[];
  options: SlurmOptions;
  /** The template file's text (its #SBATCH lines are kept, the rest is ignored). */
  template?: string;
}

/** POSIX single-quoting: the value reaches the command unchanged, whatever it contains. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const taskLogPattern = 'slurm/%A_%a.log';
export const taskLog = (jobId: string, taskId: number) => `slurm/${jobId}_${taskId}.log`;

export function sbatchScript(input: ScriptInput): string {
  const o = input.options;
  const directives = [
    `--job-name=sslmem-${input.runId}`,
    `--array=${input.indices.join(',')}`,
    `--output=${input.runDir}/${taskLogPattern}`,
    '--ntasks=1',
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.account ? [`--account=${o.account}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.gres ? [`--gres=${o.gres}`] : []),
    ...(o.cpusPerTask ? [`--cpus-per-task=${o.cpusPerTask}`] : []),
  ].map((d) => `#SBATCH ${d}`);
  // sbatch reads directives only before the first command: the template's go right after ours.
  const extra = (input.template ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#SBATCH'));
  return [
    '#!/bin/bash',
    `# SSLMem run ${input.runId}: its training stages, one array task each (written by sslmem; resubmitted by resume).`,
    ...directives,
    ...extra,
    'set -euo pipefail',
    `stages=(${input.stages.map(shellQuote).join(' ')})`,
    'stage=${stages[$SLURM_ARRAY_TASK_ID]}',
    `echo "sslmem stage $stage on $(hostname) (job \${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID})"`,
    // exec: the task's process is the stage itself, so scancel's SIGTERM reaches it and it checkpoints.
    `exec ${input.command.map(shellQuote).join(' ')} stage ${shellQuote(input.runDir)} "$stage" --in-process --verbose ${input.flags.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}
