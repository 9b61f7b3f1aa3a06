// `sslmem demo`: the README's main job — the quick preset on the shipped Fashion-MNIST demo images.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { UsageError } from '../args';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';
import { concurrentFrom, executorOptions } from '../executor';

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'run SSLMem (quick preset) on the shipped demo dataset (3000 Fashion-MNIST images)',
  options: {
    ...backendOptions,
    ...runtimeOptions,
    workspace: { type: 'string', description: 'where .sslmem/ goes (default: the repository)', placeholder: 'dir' },
    concurrent: {
      ...executorOptions.concurrent,
      description:
        'train k encoders at the same time, the threads split between them (default 2: f and g together; 1: one after the other, same results on the CPU)',
    },
    snapshots: {
      type: 'number',
      description: 'save f and g at n evenly spaced training steps, for `sslmem history` (default 0: none)',
      placeholder: 'n',
    },
  },
  async run({ options }, io) {
    const n = options.snapshots;
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new UsageError(`--snapshots must be a whole number >= 0, got ${n}`);
    const repo = path.resolve(io.distDir, '..');
    const workspace = path.resolve(options.workspace ?? repo);
    io.err('SSLMem demo: training f and g (small CNN, SimCLR) on demo/fashion-mnist, then scoring every image.\n');
    return runWithProgress(options, io, (client, signal, onProgress) =>
      client.request(
        'runSslmem',
        {
          data: path.join(repo, 'demo', 'fashion-mnist'),
          preset: 'quick',
          storeDir: path.join(workspace, '.sslmem', 'runs'),
          cacheDir: path.join(workspace, '.sslmem', 'cache'),
          ...(n ? { overrides: { snapshots: n } } : {}),
          ...runtimeFrom(options),
          concurrentTraining: concurrentFrom(options) ?? 2,
        },
        { signal, onProgress },
      ),
    );
  },
});
