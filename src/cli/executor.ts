// `--executor slurm` and its options, shared by `run` and `resume`: where the training stages execute; and
// `--concurrent`, how many encoders the local executor trains at the same time.
import * as path from 'node:path';
import { UsageError, type OptionsSpec } from './args';
import type { ExecutorSetting } from '../protocol/backend';
import { slurmOptionsProblem } from '../engine/sslmem/cluster/slurm-options';

export const executorOptions = {
  executor: {
    type: 'string',
    description:
      'where the training stages run: local | slurm (one job array; split, scoring and report run here). run: local by default; resume: the executor and options the run was created with',
    placeholder: 'kind',
  },
  partition: { type: 'string', description: 'slurm: partition (sbatch --partition)', placeholder: 'name' },
  account: { type: 'string', description: 'slurm: account to charge (sbatch --account)', placeholder: 'name' },
  time: { type: 'string', description: 'slurm: time limit per training task, HH:MM:SS (sbatch --time)', placeholder: 'limit' },
  gres: { type: 'string', description: 'slurm: generic resources per task, e.g. gpu:1 (sbatch --gres)', placeholder: 'spec' },
  'cpus-per-task': { type: 'number', description: 'slurm: CPUs per task (sbatch --cpus-per-task)', placeholder: 'n' },
  'sbatch-template': {
    type: 'string',
    description: 'slurm: a file whose #SBATCH lines are added to the job script (--qos, --mem, …)',
    placeholder: 'file',
  },
  concurrent: {
    type: 'number',
    description: `local: train k encoders at the same time, the threads split between them (default 1; on the CPU the results are the same, and two at once trained ~10-15% faster on a 2-core machine)`,
    placeholder: 'k',
  },
} satisfies OptionsSpec;

export function concurrentFrom(o: { concurrent?: number; executor?: string }): number | undefined {
  const k = o.concurrent;
  if (k === undefined) return undefined;
  if (!Number.isInteger(k) || k < 1 || k > 16) throw new UsageError(`--concurrent must be a whole number from 1 to 16, got ${k}`);
  if (o.executor === 'slurm') throw new UsageError('--concurrent belongs to the local executor (Slurm runs every training task at once)');
  return k;
}

type ExecutorFlags = {
  executor?: string;
  partition?: string;
  account?: string;
  time?: string;
  gres?: string;
  'cpus-per-task'?: number;
  'sbatch-template'?: string;
};

export function executorFrom(o: ExecutorFlags): ExecutorSetting | undefined {
  const slurmFlags = (['partition', 'account', 'time', 'gres', 'cpus-per-task', 'sbatch-template'] as const).filter(
    (k) => o[k] !== undefined,
  );
  if (o.executor === undefined || o.executor === 'local') {
    if (slurmFlags.length) throw new UsageError(`--${slurmFlags[0]} needs --executor slurm`);
    return o.executor === 'local' ? { kind: 'local' } : undefined;
  }
  if (o.executor !== 'slurm') throw new UsageError(`--executor must be local or slurm, got '${o.executor}'`);
  const setting = {
    kind: 'slurm' as const,
    partition: o.partition,
    account: o.account,
    time: o.time,
    gres: o.gres,
    cpusPerTask: o['cpus-per-task'],
    template: o['sbatch-template'] ? path.resolve(o['sbatch-template']) : undefined,
  };
  const problem = slurmOptionsProblem(setting);
  if (problem) throw new UsageError(problem);
  // Undefined fields would travel as absent anyway; dropping them keeps the request readable in logs.
  return Object.fromEntries(Object.entries(setting).filter(([, v]) => v !== undefined)) as ExecutorSetting;
}
