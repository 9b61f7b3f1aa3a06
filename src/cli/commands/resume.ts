// `sslmem resume <run-folder>`: continue a cancelled or killed run at its first unfinished stage.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { UsageError } from '../args';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'continue an interrupted run where it stopped',
  args: '<run-folder>',
  options: { ...backendOptions, ...runtimeOptions },
  async run({ options, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one run folder');
    const runDir = path.resolve(positionals[0]);
    return runWithProgress(options, io, (client, signal, onProgress) =>
      client.request('resumeSslmem', { runDir, ...runtimeFrom(options) }, { signal, onProgress }));
  },
});
