// Which executor a resume uses. A run created with the Slurm executor stores its options in the manifest
// (`executor.options`), so a plain resume (CLI or the editor) submits with them again; what the user says on
// this resume wins: other Slurm options, or 'local' to train here.
import type { ExecutorRecord } from '../../runs/manifest';
import type { SlurmExecutor } from '../run-hooks';
import type { SlurmOptions } from './slurm-options';

export interface ResumeExecutorChoice {
  executor?: SlurmExecutor;
  /** Said to the user: which executor and why (absent when nothing is worth saying). */
  notice?: string;
}

/** The options as sbatch flags, for a notice ("default options" when none). */
export function describeSlurmOptions(o: SlurmOptions): string {
  const flags = [
    o.partition && `--partition ${o.partition}`,
    o.account && `--account ${o.account}`,
    o.time && `--time ${o.time}`,
    o.gres && `--gres ${o.gres}`,
    o.cpusPerTask && `--cpus-per-task ${o.cpusPerTask}`,
    o.template && `--sbatch-template ${o.template}`,
  ].filter(Boolean);
  return flags.length ? flags.join(' ') : 'default options';
}

/**
 * stored: the manifest's executor record; asked: this resume's executor (Slurm options given again, 'local',
 * or nothing); command: what a Slurm task runs, for a resume that takes the stored executor.
 */
export function resumeExecutor(
  stored: ExecutorRecord | undefined,
  asked: SlurmExecutor | 'local' | undefined,
  command: readonly string[] | undefined,
): ResumeExecutorChoice {
  if (asked && asked !== 'local') return { executor: asked };
  if (stored?.kind !== 'slurm') return {};
  if (asked === 'local')
    return {
      notice:
        'training locally as asked (--executor local), although this run was created for Slurm; a resume without --executor submits to Slurm again',
    };
  if (!stored.options || !command)
    // Records written before the options were stored: we cannot guess the partition or account.
    return {
      notice:
        "this run's Slurm options were not recorded (an earlier version made it): its training stages run here; resume with --executor slurm and its options to train on Slurm",
    };
  return {
    executor: { kind: 'slurm', options: stored.options, command },
    notice: `resuming with the run's Slurm executor (${describeSlurmOptions(stored.options)}); --executor local trains here instead`,
  };
}
