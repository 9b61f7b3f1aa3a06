// `sslmem retrain --run <dir> --k 100,300 --seeds 3`: retrain f without its k most memorized points and
// without k random points (per seed), evaluate every encoder with kNN and a linear probe, write
// <run>/retrain.json and retrain.md. A whole-dataset run: the same on its training pool (every non-control
// image), probed on its control set, against a full-pool retraining (engine: removal/whole-inputs.ts). Resumable: a rerun skips finished encoders. Ctrl-C cancels after the
// current step. The last line on stdout is the retrain.md path (or the run folder when cancelled).
import * as path from 'node:path';
import { BackendError, type RetrainProgress } from '../../protocol/backend';
import { backendOptions, withBackend } from '../backend';
import { defineCommand, EXIT, cancelOnInterrupt } from '../command';
import { UsageError } from '../args';
import { StageProgress } from '../progress';
import { concurrentFrom, executorOptions } from '../executor';
import { runtimeFrom, runtimeOptions } from '../runJob';

export function parseKList(text: string): number[] {
  const ks = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (ks.length === 0 || ks.some((k) => !(k > 0) || (k >= 1 && !Number.isInteger(k)))) {
    throw new UsageError(`--k must be a comma-separated list of counts (e.g. 100,300) or fractions (e.g. 0.05,0.1), got '${text}'`);
  }
  return ks;
}

function describe(p: RetrainProgress): { done: number; total: number; message: string } | string {
  switch (p.kind) {
    case 'plan':
      return `encoders: ${p.encoders.join(', ')}${p.estimatedSeconds ? ` (about ${Math.ceil(p.estimatedSeconds / 60)} min of training, from this run's timings)` : ''}\n`;
    case 'encoder':
      return p.status === 'skip'
        ? `[${p.index + 1}/${p.total}] ${p.name}: already done\n`
        : p.status === 'start'
          ? `[${p.index + 1}/${p.total}] ${p.name}…\n`
          : '';
    case 'train':
      return {
        done: p.step,
        total: p.total,
        message: `${p.name} step ${p.step}/${p.total} loss ${p.loss.toFixed(4)} ${Math.round(p.imagesPerSec)} img/s`,
      };
    case 'evaluate':
      return `${p.name}: kNN and linear probe on frozen features\n`;
    case 'score':
      return { done: p.done, total: p.total, message: `${p.name} re-scoring ${p.done}/${p.total}` };
  }
}

export const retrainCommand = defineCommand({
  name: 'retrain',
  summary: "retrain f (or a whole run's encoders) without their most memorized vs random points and compare downstream accuracy",
  options: {
    ...backendOptions,
    ...runtimeOptions,
    run: { type: 'string', description: 'a finished run folder (.sslmem/runs/<id>)', placeholder: 'dir' },
    k: {
      type: 'string',
      description: "points to remove: counts or fractions of f's training set (whole runs: of the non-control images), comma-separated",
      placeholder: 'list',
    },
    seeds: { type: 'number', description: 'random-removal seeds per k (default 3)', placeholder: 'n' },
    epochs: {
      type: 'number',
      description: "train the retrained encoders for n epochs instead of the run's (adds a full-data baseline)",
      placeholder: 'n',
    },
    transfer: { type: 'string', description: 'a second labeled image folder for transfer probing', placeholder: 'dir' },
    rescore: { type: 'boolean', description: 're-score the largest-k memorized retraining against g (per-sample score differences)' },
    concurrent: {
      ...executorOptions.concurrent,
      description: 'retrain k encoders at the same time, the threads split between them (default 1; same results on the CPU)',
    },
  },
  async run({ options }, io) {
    if (!options.run) throw new UsageError('--run is required');
    if (!options.k) throw new UsageError('--k is required');
    const k = parseKList(options.k);
    const seeds = options.seeds ?? 3;
    if (!Number.isInteger(seeds) || seeds < 1) throw new UsageError('--seeds must be a whole number ≥ 1');
    const runDir = path.resolve(options.run);
    const { signal, unsubscribe } = cancelOnInterrupt(io, 'cancelling after the current step… (rerun the same command to continue)');
    // Per encoder: with --concurrent several retrain at once, and their progress interleaves.
    const bar = new StageProgress(io.err, io.errIsTTY);
    const onProgress = (p: RetrainProgress) => {
      if (p.kind === 'encoder' && p.status !== 'start') bar.end(p.name);
      const d = describe(p);
      if (typeof d === 'string') {
        if (d) {
          bar.finish();
          io.err(d);
        }
        return;
      }
      bar.update('name' in p ? p.name : '', d.done, d.total, d.message);
    };
    try {
      const result = await withBackend(options, io, (client) =>
        client.request(
          'retrainSslmem',
          {
            runDir,
            k,
            seeds,
            epochs: options.epochs,
            rescore: options.rescore,
            transferData: options.transfer ? path.resolve(options.transfer) : undefined,
            ...runtimeFrom(options),
            concurrentTraining: concurrentFrom(options),
          },
          { signal: signal, onProgress },
        ),
      );
      bar.finish();
      if (result.status === 'cancelled' || !result.summaryFile) {
        io.err('retraining interrupted; run the same command again to continue\n');
        io.out(`${result.runDir}\n`);
        return EXIT.cancelled;
      }
      io.err(`results: ${result.resultsFile}\n`);
      io.out(`${result.summaryFile}\n`);
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
  },
});
