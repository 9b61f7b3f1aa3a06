// The `retrainSslmem` backend job: validate untrusted wire params, then run the engine's retrain-after-
// removal experiment with progress events and cancellation.
import { BackendError, type RetrainSslmemParams, type RetrainProgress, type RetrainResult } from '../protocol/backend';
import { runRemovalExperiment } from '../engine/sslmem/removal/experiment';
import type { JobContext } from './job-context';
import { concurrentParam, trainWorkerFile } from './sslmemJobs';
import { PROVIDER_SETTINGS as PROVIDERS, isProviderSetting } from '../engine/runtime/providers';

function invalid(message: string): never {
  throw new BackendError(message, 'invalid-params');
}

export function validateRetrainParams(p: Record<string, unknown>): RetrainSslmemParams {
  const runDir = p.runDir;
  if (typeof runDir !== 'string' || runDir.length === 0) invalid('runDir must be a non-empty string');
  const k = p.k;
  if (!Array.isArray(k) || k.length === 0 || k.length > 32) invalid('k must be a list of 1 to 32 numbers');
  for (const v of k) {
    if (typeof v !== 'number' || !(v > 0) || (v >= 1 && !Number.isInteger(v)))
      invalid(`each k must be a whole count ≥ 1 or a fraction in (0, 1), got ${JSON.stringify(v)}`);
  }
  const seeds = p.seeds;
  if (!Number.isInteger(seeds) || (seeds as number) < 1 || (seeds as number) > 100) invalid('seeds must be an integer in [1, 100]');
  const transferData = p.transferData;
  if (transferData !== undefined && (typeof transferData !== 'string' || transferData.length === 0))
    invalid('transferData must be a non-empty string');
  const epochs = p.epochs;
  if (epochs !== undefined && (!Number.isInteger(epochs) || (epochs as number) < 1 || (epochs as number) > 10_000))
    invalid('epochs must be an integer in [1, 10000]');
  if (p.rescore !== undefined && typeof p.rescore !== 'boolean') invalid('rescore must be a boolean');
  const provider = p.provider ?? 'auto';
  if (!isProviderSetting(provider)) invalid(`provider must be one of ${PROVIDERS.join(', ')}`);
  const threads = p.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || (threads as number) < 0 || (threads as number) > 256))
    invalid('threads must be an integer in [0, 256]');
  return {
    runDir,
    k: k as number[],
    seeds: seeds as number,
    transferData: transferData as string | undefined,
    epochs: epochs as number | undefined,
    rescore: p.rescore as boolean | undefined,
    provider,
    threads: threads as number | undefined,
    concurrentTraining: concurrentParam(p),
  };
}

export function retrainSslmemJob(p: RetrainSslmemParams, ctx: JobContext<RetrainProgress>): Promise<RetrainResult> {
  const { provider, threads, concurrentTraining, ...request } = p;
  return runRemovalExperiment(
    request,
    {
      provider,
      threads,
      ...((concurrentTraining ?? 1) > 1 ? { concurrentTraining: { stages: concurrentTraining!, workerFile: trainWorkerFile() } } : {}),
    },
    {
      signal: ctx.signal,
      log: (m) => ctx.log('info', m),
      onEvent: (e) => ctx.progress(e),
    },
  );
}
