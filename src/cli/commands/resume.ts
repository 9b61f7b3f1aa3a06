// `sslmem resume <run-folder>`: continue a cancelled or killed run at its first unfinished stage.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { UsageError } from '../args';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';
import { concurrentFrom, executorFrom, executorOptions } from '../executor';

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'continue an interrupted run where it stopped',
  args: '<run-folder>',
  options: {
    ...backendOptions,
    ...runtimeOptions,
    ...executorOptions,
    // A run's manifest is not trusted to point outside its workspace; these confirm such paths (docs/reliability.md).
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
    f: { type: 'string', description: 'confirm imported encoder f, when it lies outside the workspace', placeholder: 'onnx' },
    g: { type: 'string', description: 'confirm imported encoder g, when it lies outside the workspace', placeholder: 'onnx' },
  },
  async run({ options, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one run folder');
    const runDir = path.resolve(positionals[0]);
    const confirmed = [options.data, options.split, options.f, options.g].filter((p): p is string => !!p).map((p) => path.resolve(p));
    return runWithProgress(options, io, (client, signal, onProgress) =>
      client.request(
        'resumeSslmem',
        { runDir, confirmed, ...runtimeFrom(options), executor: executorFrom(options), concurrentTraining: concurrentFrom(options) },
        { signal, onProgress },
      ),
    );
  },
});
