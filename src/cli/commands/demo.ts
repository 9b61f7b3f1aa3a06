// `sslmem demo`: the README's main job — the quick preset on the shipped Fashion-MNIST demo images.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'run SSLMem (quick preset) on the shipped demo dataset (3000 Fashion-MNIST images)',
  options: { ...backendOptions, ...runtimeOptions, workspace: { type: 'string', description: 'where .sslmem/ goes (default: the repository)', placeholder: 'dir' } },
  async run({ options }, io) {
    const repo = path.resolve(io.distDir, '..');
    const workspace = path.resolve(options.workspace ?? repo);
    io.err('SSLMem demo: training f and g (small CNN, SimCLR) on demo/fashion-mnist, then scoring every image.\n');
    return runWithProgress(options, io, (client, signal, onProgress) => client.request('runSslmem', {
      data: path.join(repo, 'demo', 'fashion-mnist'),
      preset: 'quick',
      storeDir: path.join(workspace, '.sslmem', 'runs'),
      cacheDir: path.join(workspace, '.sslmem', 'cache'),
      ...runtimeFrom(options),
    }, { signal, onProgress }));
  },
});
