// Shared by `run`, `resume` and `demo`: send a run job to the backend, draw its progress on stderr,
// cancel it on Ctrl-C (the run stays resumable), and print the run folder as the very last line.
import { BackendError, type RunProgress, type RunResult, type RuntimeParams } from '../protocol/backend';
import { PROVIDER_SETTINGS, describeDecision, isProviderSetting } from '../engine/runtime/providers';
import { UsageError } from './args';
import type { BackendClient } from '../backend/client';
import { withBackend } from './backend';
import { EXIT, type CliIO, cancelOnInterrupt } from './command';
import { StageProgress } from './progress';

export const runtimeOptions = {
  ep: {
    type: 'string',
    description: `execution provider: ${PROVIDER_SETTINGS.join(' | ')} (default auto: measures each one this machine has on the train step and keeps the fastest; an explicit one that cannot run is an error)`,
    placeholder: 'provider',
  },
  threads: { type: 'number', description: 'CPU threads for onnxruntime (default: all cores)', placeholder: 'n' },
} as const;

export function runtimeFrom(options: { ep?: string; threads?: number }): RuntimeParams {
  const provider = options.ep ?? 'auto';
  if (!isProviderSetting(provider)) throw new UsageError(`--ep must be one of ${PROVIDER_SETTINGS.join(', ')}, got '${provider}'`);
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 0))
    throw new UsageError(`--threads must be a non-negative integer, got ${options.threads}`);
  return { provider, threads: options.threads };
}

export function describeProgress(p: RunProgress): { done: number; total: number; message: string } | string {
  switch (p.kind) {
    case 'dataset':
      return `dataset: ${p.n} images (${p.skipped} skipped, decode cache ${p.cache})\n`;
    case 'stage':
      return p.status === 'skip' ? `${p.stage}: already done\n` : p.status === 'start' ? `${p.stage}…\n` : '';
    case 'train':
      return {
        done: p.step,
        total: p.total,
        message: `${p.stage} step ${p.step}/${p.total} loss ${p.loss.toFixed(4)} ${Math.round(p.imagesPerSec)} img/s`,
      };
    case 'score':
      return { done: p.done, total: p.total, message: `${p.stage} batch ${p.done}/${p.total}` };
    case 'provider':
      return `${p.stage}: execution provider ${describeDecision(p.decision)}\n`;
    case 'executor':
      return `${p.message}\n`;
    case 'task':
      return `${p.stage}: ${p.state} (Slurm job ${p.job}${p.node ? ` on ${p.node}` : ''}; log ${p.log})\n`;
  }
}

export async function runWithProgress(
  options: { 'in-process'?: boolean; verbose?: boolean },
  io: CliIO,
  send: (client: BackendClient, signal: AbortSignal, onProgress: (p: RunProgress) => void) => Promise<RunResult>,
): Promise<number> {
  const { signal, unsubscribe } = cancelOnInterrupt(io, 'cancelling after the current step… (the run can be resumed)');
  const bar = new StageProgress(io.err, io.errIsTTY);
  const onProgress = (p: RunProgress) => {
    if (p.kind === 'stage' && p.status !== 'start') bar.end(p.stage);
    const d = describeProgress(p);
    if (typeof d === 'string') {
      if (d) {
        bar.finish();
        io.err(d);
      }
      return;
    }
    bar.update('stage' in p ? p.stage : '', d.done, d.total, d.message);
  };
  try {
    const result = await withBackend(options, io, (client) => send(client, signal, onProgress));
    bar.finish();
    if (result.status === 'cancelled') {
      io.err(`run interrupted; resume with: sslmem resume ${result.runDir}\n`);
      io.out(`${result.runDir}\n`);
      return EXIT.cancelled;
    }
    if (result.reportFile) io.err(`report: ${result.reportFile.replace(/\.json$/, '.md')}\n`);
    io.out(`${result.runDir}\n`);
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
