// `sslmem layers <run>` and `sslmem units <run> [--encoder f|g|file.onnx]` (issue 16): LayerMem / ΔLayerMem
// of a finished run's f and g, and UnitMem of one encoder. Results go to <run>/layers.json or units.json
// (written atomically) and to a section of report.md; the last line on stdout is the result file. Ctrl-C
// cancels after the current batch (nothing is written then). `sslmem history <run>`: memorization over
// training, from the snapshots a run saves with --snapshots N (over-training.json).
import * as path from 'node:path';
import { BackendError, type AnalysisProgress, type AnalysisResult } from '../../protocol/backend';
import type { BackendClient } from '../../backend/client';
import { backendOptions, withBackend } from '../backend';
import { defineCommand, EXIT, type CliIO, cancelOnInterrupt } from '../command';
import { UsageError } from '../args';
import { ProgressLine } from '../progress';
import { runtimeFrom, runtimeOptions } from '../runJob';
import { oneRunFolder } from './report';

async function runAnalysis(
  options: { 'in-process'?: boolean; verbose?: boolean },
  io: CliIO,
  send: (client: BackendClient, signal: AbortSignal, onProgress: (p: AnalysisProgress) => void) => Promise<AnalysisResult>,
): Promise<number> {
  const { signal, unsubscribe } = cancelOnInterrupt(io, 'cancelling after the current batch…');
  const bar = new ProgressLine(io.err, io.errIsTTY);
  try {
    const result = await withBackend(options, io, (client) =>
      send(client, signal, (p) => bar.update(p.done, p.total, `${p.stage} batch ${p.done}/${p.total}`)),
    );
    bar.finish();
    if (result.status === 'cancelled' || !result.file) {
      io.err('cancelled; nothing was written\n');
      return EXIT.cancelled;
    }
    if (result.note) io.err(`note: ${result.note}\n`);
    io.err(`report section added to ${path.join(result.runDir, 'report.md')}\n`);
    io.out(`${result.file}\n`);
    return EXIT.ok;
  } catch (err) {
    bar.finish();
    if (err instanceof BackendError && err.code === 'cancelled') {
      io.err('cancelled\n');
      return EXIT.cancelled;
    }
    throw err;
  } finally {
    unsubscribe();
  }
}

const setOption = {
  set: {
    type: 'string',
    description:
      "points: subsets (S_C, S_S, S_I, S_E, comma-separated), top:<k> (highest scores), train (the encoder's training data) or all",
    placeholder: 'set',
  },
} as const;

export const layersCommand = defineCommand({
  name: 'layers',
  summary: "LayerMem and ΔLayerMem per layer of a finished run's f and g (layers.json, report.md)",
  args: '<run-folder>',
  options: {
    ...backendOptions,
    ...runtimeOptions,
    ...setOption,
    reduce: {
      type: 'string',
      description: "a layer's output as: flatten (all values, default) | mean (unit means: channels spatially averaged, tokens averaged)",
      placeholder: 'how',
    },
  },
  async run({ options, positionals }, io) {
    const runDir = path.resolve(oneRunFolder(positionals));
    const reduce = options.reduce;
    if (reduce !== undefined && reduce !== 'flatten' && reduce !== 'mean')
      throw new UsageError(`--reduce must be flatten or mean, got '${reduce}'`);
    return runAnalysis(options, io, (client, signal, onProgress) =>
      client.request('layersSslmem', { runDir, set: options.set, reduce, ...runtimeFrom(options) }, { signal, onProgress }),
    );
  },
});

export const unitsCommand = defineCommand({
  name: 'units',
  summary: "UnitMem per unit of one encoder (f, g or an ONNX file) on a finished run's data (units.json, report.md)",
  args: '<run-folder>',
  options: {
    ...backendOptions,
    ...runtimeOptions,
    ...setOption,
    encoder: {
      type: 'string',
      description: 'f (default), g, or an ONNX encoder file (images [B,C,H,W] -> [B,D]; its output units only)',
      placeholder: 'which',
    },
    augmentations: { type: 'number', description: 'augmentations per point that μ averages over (default 10)', placeholder: 'n' },
    median: {
      type: 'boolean',
      description: "μ_rest = median over the other points (the public code) instead of the mean (the paper's equation)",
    },
    shift: {
      type: 'boolean',
      description: 'units with negative activations: shift by their smallest μ instead of leaving them without a UnitMem',
    },
  },
  async run({ options, positionals }, io) {
    const runDir = path.resolve(oneRunFolder(positionals));
    const e = options.encoder ?? 'f';
    const encoder = e === 'f' || e === 'g' ? e : path.resolve(e);
    const a = options.augmentations;
    if (a !== undefined && (!Number.isInteger(a) || a < 1)) throw new UsageError('--augmentations must be a whole number ≥ 1');
    return runAnalysis(options, io, (client, signal, onProgress) =>
      client.request(
        'unitsSslmem',
        {
          runDir,
          encoder,
          set: options.set,
          augmentations: a,
          rest: options.median ? 'median' : 'mean',
          negative: options.shift ? 'shift' : 'exclude',
          ...runtimeFrom(options),
        },
        { signal, onProgress },
      ),
    );
  },
});

export const historyCommand = defineCommand({
  name: 'history',
  summary:
    "memorization over training: scores of S_C and an S_S sample at the run's f/g snapshots, with training loss and kNN accuracy (over-training.json, report.md; needs a run made with --snapshots N)",
  args: '<run-folder>',
  options: { ...backendOptions, ...runtimeOptions },
  async run({ options, positionals }, io) {
    const runDir = path.resolve(oneRunFolder(positionals));
    return runAnalysis(options, io, (client, signal, onProgress) =>
      client.request('historySslmem', { runDir, ...runtimeFrom(options) }, { signal, onProgress }),
    );
  },
});
