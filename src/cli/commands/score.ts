// `sslmem score`: memorization scores with EXISTING encoders, no training.
//   --run <run-folder> [--pairs K]   re-score a finished run's f and g (e.g. with more view pairs). Writes a
//       NEW run folder next to it (the old results stay valid); its last stdout line is that folder.
//   --f f.onnx --g g.onnx --data <path> --split split.json [--pairs K]   imported encoders (images
//       [B,C,H,W] float32 -> [B,D], e.g. exported from PyTorch): a normal run folder with preset 'imported'.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { UsageError } from '../args';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';
import { prepareRescore } from '../../engine/sslmem/rescore';

const IMPORT_OPTIONS = ['f', 'g', 'data', 'split'] as const;

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'score with existing encoders: re-score a run (--run), or imported ONNX encoders (--f/--g)',
  options: {
    ...backendOptions,
    ...runtimeOptions,
    run: { type: 'string', description: 're-score this finished run (into a new run folder)', placeholder: 'run-folder' },
    f: { type: 'string', description: 'encoder f as ONNX (trained on S_S ∪ S_C): images [B,C,H,W] -> [B,D]', placeholder: 'f.onnx' },
    g: { type: 'string', description: 'encoder g as ONNX (trained on S_S ∪ S_I)', placeholder: 'g.onnx' },
    data: { type: 'string', description: 'the dataset f and g were trained on (folder or file)', placeholder: 'path' },
    split: { type: 'string', description: 'the split f and g were trained with (JSON: paths or indices per subset)', placeholder: 'file' },
    pairs: { type: 'number', description: "K view pairs per point (default: the run's K; 8 for imported encoders)", placeholder: 'K' },
    seed: { type: 'number', description: 'seed of the scoring views, imported encoders only (default 0)', placeholder: 'n' },
    augment: {
      type: 'string',
      description: 'view recipe, imported encoders only: simclr | fashion-mnist | mild | weak | none (default by channels)',
      placeholder: 'recipe',
    },
    batch: { type: 'number', description: "images per pass when the encoder's batch is dynamic (default 100)", placeholder: 'n' },
    workspace: {
      type: 'string',
      description: 'workspace holding .sslmem/ (default: current folder; --run: next to the run)',
      placeholder: 'dir',
    },
  },
  async run({ options }, io) {
    const storeOf = (ws: string) => path.join(path.resolve(ws), '.sslmem', 'runs');
    if (options.run) {
      const mixed = [...IMPORT_OPTIONS, 'seed', 'augment', 'batch'].filter((o) => options[o as keyof typeof options] !== undefined);
      if (mixed.length) throw new UsageError(`--run re-scores a run's own encoders; it takes no ${mixed.map((o) => `--${o}`).join(', ')}`);
      const runDir = await prepareRescore(
        options.run,
        { pairs: options.pairs },
        options.workspace ? storeOf(options.workspace) : undefined,
      );
      io.err(`re-scoring ${path.resolve(options.run)} into ${runDir}\n`);
      return runWithProgress(options, io, (client, signal, onProgress) =>
        client.request('resumeSslmem', { runDir, ...runtimeFrom(options) }, { signal, onProgress }),
      );
    }
    const missing = IMPORT_OPTIONS.filter((o) => !options[o]);
    if (missing.length)
      throw new UsageError(
        `give --run <run-folder>, or all of --f, --g, --data, --split (missing ${missing.map((o) => `--${o}`).join(', ')})`,
      );
    const workspace = options.workspace ?? '.';
    return runWithProgress(options, io, (client, signal, onProgress) =>
      client.request(
        'scoreImported',
        {
          f: path.resolve(options.f!),
          g: path.resolve(options.g!),
          data: path.resolve(options.data!),
          splitFile: path.resolve(options.split!),
          storeDir: storeOf(workspace),
          cacheDir: path.join(path.resolve(workspace), '.sslmem', 'cache'),
          pairs: options.pairs,
          seed: options.seed,
          augment: options.augment as 'simclr' | undefined,
          batch: options.batch,
          ...runtimeFrom(options),
        },
        { signal, onProgress },
      ),
    );
  },
});
