// Throughput of two trainers stepping at the same time, each in its own worker thread with half the threads,
// against one trainer with all the threads: `node dist/bench/concurrent-step.js [steps] [threads]`.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { Trainer } from '../src/engine/runtime/trainer';
import { augmentationOf, buildProblem } from '../src/engine/sslmem/config';
import { PRESETS } from '../src/engine/sslmem/presets';

async function timeSteps(threads: number, steps: number): Promise<number> {
  const problem = buildProblem(PRESETS.quick);
  const t = await Trainer.create({
    problem,
    batch: 128,
    augment: augmentationOf(PRESETS.quick),
    provider: 'cpu',
    threads,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
  });
  t.init(0);
  const [c, h, w] = problem.inputShape;
  const images = new Float32Array(128 * c * h * w).map((_, i) => ((i * 2654435761) >>> 0) / 4294967296);
  for (let i = 0; i < 2; i++) await t.step(images);
  const s = performance.now();
  for (let i = 0; i < steps; i++) await t.step(images);
  const ms = performance.now() - s;
  await t.release();
  return ms;
}
const inWorker = (threads: number, steps: number) =>
  new Promise<number>((res, rej) => {
    const w = new Worker(__filename, { workerData: { threads, steps } });
    w.once('message', res);
    w.once('error', rej);
  });
async function main() {
  const steps = Number(process.argv[2] ?? 20);
  const threads = Number(process.argv[3] ?? 2);
  for (let round = 0; round < 3; round++) {
    const single = (await inWorker(threads, steps)) / steps;
    const both = await Promise.all([inWorker(threads / 2, steps), inWorker(threads / 2, steps)]);
    const pair = Math.max(...both) / (2 * steps); // the timed loops overlap (same set-up time in both)
    console.log(
      `round ${round}: one trainer × ${threads} threads ${single.toFixed(0)} ms/step; two workers × ${threads / 2} threads at once: ${pair.toFixed(0)} ms per step of either ; ratio ${(single / pair).toFixed(3)}; load ${loadavg()[0].toFixed(2)}`,
    );
  }
}
if (isMainThread)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
else timeSteps(workerData.threads, workerData.steps).then((ms) => parentPort!.postMessage(ms));
