// `sslmem stage <run-folder> <stage>`: execute exactly one stage of an existing run, in this process by
// default when asked (--in-process; what each Slurm array task runs). Resumes the stage from its checkpoint;
// refused while another live process holds the stage, or when the stages it needs are not done.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { UsageError } from '../args';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';

export const stageCommand = defineCommand({
  name: 'stage',
  summary: 'execute one stage of an existing run (e.g. train_f), resuming it from its checkpoint',
  args: '<run-folder> <stage>',
  options: {
    ...backendOptions,
    ...runtimeOptions,
    data: {
      type: 'string',
      description: 'confirm the dataset the manifest names, when it lies outside the workspace',
      placeholder: 'path',
    },
    split: {
      type: 'string',
      description: 'confirm the split file the manifest names, when it lies outside the workspace',
      placeholder: 'file',
    },
  },
  async run({ options, positionals }, io) {
    if (positionals.length !== 2) throw new UsageError('give a run folder and a stage name');
    const [runDir, stage] = [path.resolve(positionals[0]), positionals[1]];
    const confirmed = [options.data, options.split].filter((p): p is string => !!p).map((p) => path.resolve(p));
    return runWithProgress(options, io, (client, signal, onProgress) =>
      client.request('stageSslmem', { runDir, stage, confirmed, ...runtimeFrom(options) }, { signal, onProgress }),
    );
  },
});
