// The worker thread of train-in-worker.ts (bundled as dist/train-worker.js): trains one encoder and reports
// its log lines, provider decision, progress and result to the thread that started it.
import { parentPort, workerData } from 'node:worker_threads';
import { ProviderUnavailableError } from '../runtime/providers';
import { trainEncoder } from './train-encoder';
import type { FromWorker, ToWorker, WorkerJob } from './train-in-worker';

const port = parentPort;
if (!port) throw new Error('train-worker.js runs as a worker thread (train-in-worker.ts starts it)');
const post = (m: FromWorker) => port.postMessage(m);
const controller = new AbortController();
port.on('message', (m: ToWorker) => {
  if (m.kind === 'abort') controller.abort();
});

trainEncoder({
  ...(workerData as WorkerJob),
  signal: controller.signal,
  log: (message) => post({ kind: 'log', message }),
  onProvider: (decision) => post({ kind: 'provider', decision }),
  onProgress: (progress) => post({ kind: 'progress', progress }),
})
  .then(({ checkpoint: _checkpoint, ...result }) => post({ kind: 'done', result }))
  .catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({
      kind: 'error',
      name: err.name,
      message: err.message,
      ...(err instanceof ProviderUnavailableError ? { provider: err.provider, reason: err.reason } : {}),
    });
  })
  .finally(() => port.close());
