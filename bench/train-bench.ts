// `npm run bench:train`: train-step throughput of the engine (onnxruntime-node, CPU) against PyTorch on the
// same machine — same model, batch, threads, augmentation work and optimizer (Adam) — with engine and
// PyTorch steps INTERLEAVED (one each per round) so both see the same background load; medians after
// warm-up. Also a large ORT float32 MatMul as the machine's FLOP-rate reference, and the train step's
// achieved rate from an analytic FLOP count. Writes bench-results/train.json and docs/benchmarks.md.
//
// Environment: BENCH_THREADS (default 2), BENCH_ROUNDS (scales the measured steps), BENCH_CASES
// (comma-separated case names), BENCH_PROFILE=1 (ORT per-op profile of each engine step), TORCH_BLAS_DIR
// (a folder with an optimised libblas.so.3 for Debian's torch, e.g. OpenBLAS; found automatically when
// libopenblas0-pthread is installed).
import * as ort from 'onnxruntime-node';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { Graph, matmul, toOnnxBytes } from '../src/engine/graph';
import { SslProblem } from '../src/engine/models/types';
import { SmallCnnOptions, smallCnn } from '../src/engine/models/small-cnn';
import { resnet18 } from '../src/engine/models/resnet18';
import { vitTiny } from '../src/engine/models/vit';
import { simclr } from '../src/engine/methods/simclr';
import { mae } from '../src/engine/methods/mae';
import { AugConfig, fashionMnistRecipe, simclrRecipe, weakRecipe } from '../src/engine/augment/config';
import { buildProblem } from '../src/engine/sslmem/config';
import { PRESETS } from '../src/engine/sslmem/presets';
import { Trainer } from '../src/engine/runtime/trainer';
import { trainStepFlops } from './flops';
import { TorchWorker, torchBlasDir } from './torch-worker';
import { opTimes } from './ort-profile';
import { BenchRow, writeReport } from './train-report';

const root = join(__dirname, '..', '..');
const threads = Number(process.env.BENCH_THREADS ?? 2);
const roundsScale = Number(process.env.BENCH_ROUNDS ?? 1);
const profile = process.env.BENCH_PROFILE === '1';

interface Case {
  name: string;
  model: string;
  method: string;
  batch: number;
  rounds: number;
  problem: SslProblem;
  augment: AugConfig;
  torch: Record<string, unknown>;
}

function cases(): Case[] {
  const small = smallCnn({ inChannels: 1, imageSize: 28 });
  const resnet = resnet18({ inChannels: 3, imageSize: 32 });
  // The quick preset's own model (what `npm run demo` trains): smallCnn at the preset's width + flatten ->
  // Linear(512), SimCLR projDim 64, the weak augmentation, batch 128. PyTorch builds the same model from
  // the preset's options.
  const quick = PRESETS.quick;
  const quickModel = smallCnn({ inChannels: 1, imageSize: 28, ...(quick.model.options as SmallCnnOptions) });
  const vit = { inChannels: 3, imageSize: 32, patch: 4, dim: 192, depth: 12, heads: 3 };
  const maeOpts = { maskRatio: 0.75, decoderDim: 128, decoderDepth: 2, decoderHeads: 4, normPixLoss: true };
  return [
    {
      name: 'smallCnn-simclr',
      model: 'smallCnn (1×28×28)',
      method: 'SimCLR',
      batch: 256,
      rounds: 10,
      problem: simclr(small),
      augment: fashionMnistRecipe([28, 28]),
      torch: {
        encoder: { kind: 'smallCnn', inChannels: 1 },
        method: { kind: 'simclr', hiddenDim: 128, projDim: 128, temperature: 0.5 },
        inputShape: [1, 28, 28],
        augment: { channels: 1, inputSize: [28, 28] },
      },
    },
    {
      name: 'resnet18-simclr',
      model: 'ResNet-18 CIFAR stem (3×32×32)',
      method: 'SimCLR',
      batch: 16,
      rounds: 6,
      problem: simclr(resnet),
      augment: simclrRecipe(3, [32, 32]),
      torch: {
        encoder: { kind: 'resnet18', inChannels: 3, width: 64 },
        method: { kind: 'simclr', hiddenDim: 512, projDim: 128, temperature: 0.5 },
        inputShape: [3, 32, 32],
        augment: { channels: 3, inputSize: [32, 32] },
      },
    },
    {
      name: 'quick-simclr',
      model: `quick preset: smallCnn${quickModel.config.width ? ` width ${quickModel.config.width}` : ''} + fc${quickModel.config.fcDim} (1×28×28)`,
      method: 'SimCLR (weak aug.)',
      batch: quick.batch,
      rounds: 10,
      problem: buildProblem(quick),
      augment: weakRecipe(1, [28, 28]),
      torch: {
        encoder: { kind: 'smallCnn', ...quickModel.config },
        method: { kind: 'simclr', hiddenDim: 512, projDim: 64, temperature: 0.5 },
        inputShape: [1, 28, 28],
        augment: { channels: 1, inputSize: [28, 28], minScale: 0.8, strength: 0.1 },
      },
    },
    // MAE's usual augmentation: crops and flips only.
    {
      name: 'vit-mae',
      model: 'ViT-tiny (3×32×32, patch 4)',
      method: 'MAE (mask 0.75)',
      batch: 64,
      rounds: 6,
      problem: mae(vitTiny(vit), maeOpts),
      augment: { ...simclrRecipe(3, [32, 32]), jitter: null, grayscaleP: 0 },
      torch: {
        encoder: { kind: 'vitTiny', ...vit },
        method: { kind: 'mae', views: 1, ...maeOpts },
        inputShape: [3, 32, 32],
        augment: { channels: 3, inputSize: [32, 32], jitter: false, grayscale: false },
      },
    },
  ].filter((c) => !process.env.BENCH_CASES || process.env.BENCH_CASES.split(',').includes(c.name));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Seeded uniform [0,1) images, so both sides see the same kind of input (content does not change the work). */
function randomImages(n: number): Float32Array {
  let s = 12345;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  });
}

/** A 2048³ float32 MatMul session: one run per benchmark round, so its rate sees the same load as the steps. */
async function matmulProbe(n = 2048): Promise<{ run: () => Promise<number>; release: () => Promise<void> }> {
  const g = new Graph('mm');
  g.output('c', matmul(g.input('a', [n, n]), g.input('b', [n, n])));
  const session = await ort.InferenceSession.create(toOnnxBytes(g), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const a = new ort.Tensor('float32', randomImages(n * n), [n, n]);
  const b = new ort.Tensor('float32', randomImages(n * n).reverse(), [n, n]);
  const run = async () => {
    const t0 = performance.now();
    await session.run({ a, b });
    return (2 * n ** 3) / ((performance.now() - t0) / 1000) / 1e9;
  };
  for (let i = 0; i < 2; i++) await run();
  return { run, release: () => session.release() };
}

async function runCase(c: Case, worker: TorchWorker, mm: Awaited<ReturnType<typeof matmulProbe>>): Promise<BenchRow> {
  const rounds = Math.max(3, Math.round(c.rounds * roundsScale));
  const t0 = performance.now();
  const trainer = await Trainer.create({
    problem: c.problem,
    batch: c.batch,
    augment: c.augment,
    provider: 'cpu',
    threads,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    profilePrefix: profile ? `ort-profile-${c.name}` : undefined,
  });
  const createMs = performance.now() - t0;
  trainer.init(0);
  const [C, H, W] = [c.augment.channels, ...c.augment.inputSize];
  const images = randomImages(c.batch * C * H * W);
  const setup = await worker.call<{ torch: string; blas: string[] }>({ cmd: 'setup', batch: c.batch, threads, ...c.torch });
  const engineMs: number[] = [],
    torchMs: number[] = [],
    matmulRates: number[] = [];
  const load0 = loadavg()[0];
  for (let r = -2; r < rounds; r++) {
    // two warm-up rounds
    const s = performance.now();
    await trainer.step(images);
    const e = performance.now() - s;
    const { ms } = await worker.call<{ ms: number[] }>({ cmd: 'steps', n: 1 });
    const rate = await mm.run();
    if (r >= 0) {
      engineMs.push(e);
      torchMs.push(ms[0]);
      matmulRates.push(rate);
    }
    process.stderr.write(
      `  ${c.name} round ${r}: engine ${e.toFixed(0)} ms, torch ${ms[0].toFixed(0)} ms, MatMul ${rate.toFixed(1)} GFLOP/s\n`,
    );
  }
  let topOps: { op: string; msPerStep: number; share: number }[] | undefined;
  if (profile) {
    // endProfiling() writes `<prefix>_<timestamp>.json` in the working directory; its name is not returned.
    trainer.opened.session.endProfiling();
    const prefix = `ort-profile-${c.name}`;
    const file = readdirSync('.')
      .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
      .sort()
      .pop();
    if (file) topOps = opTimes(file, rounds + 2).slice(0, 12);
  }
  await trainer.release();
  const flops = trainStepFlops(c.problem, c.batch);
  const e = median(engineMs),
    t = median(torchMs);
  const engineGflops = flops.total / (e / 1000) / 1e9;
  const matmulRate = median(matmulRates);
  return {
    case: c.name,
    model: c.model,
    method: c.method,
    batch: c.batch,
    views: c.problem.viewsPerImage,
    threads,
    steps: rounds,
    engineMsPerStep: +e.toFixed(1),
    torchMsPerStep: +t.toFixed(1),
    engineImagesPerSec: +((c.batch * 1000) / e).toFixed(1),
    torchImagesPerSec: +((c.batch * 1000) / t).toFixed(1),
    ratio: +(t / e).toFixed(3),
    // Under varying background load the per-round ratio (both steps taken back to back) is steadier.
    ratioMedianOfRounds: +median(engineMs.map((x, i) => torchMs[i] / x)).toFixed(3),
    gflopPerStep: +(flops.total / 1e9).toFixed(2),
    engineGflops: +engineGflops.toFixed(1),
    matmulGflops: +matmulRate.toFixed(1),
    fractionOfMatmul: +(engineGflops / matmulRate).toFixed(3),
    engineMsAll: engineMs.map((x) => +x.toFixed(1)),
    torchMsAll: torchMs.map((x) => +x.toFixed(1)),
    sessionCreateMs: Math.round(createMs),
    loadAvg: [+load0.toFixed(2), +loadavg()[0].toFixed(2)],
    torchVersion: setup.torch,
    torchBlas: setup.blas,
    ...(topOps ? { topOps } : {}),
  };
}

async function main() {
  const worker = new TorchWorker(root, threads);
  const mm = await matmulProbe();
  const rows: BenchRow[] = [];
  for (const c of cases()) {
    process.stderr.write(`${c.name} (batch ${c.batch})…\n`);
    rows.push(await runCase(c, worker, mm));
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
  await mm.release();
  await worker.close();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.versions.node,
    onnxruntimeNode: ort.env.versions.node ?? 'unknown',
    torchBlasDir: torchBlasDir(),
  };
  await writeReport(
    root,
    { date: new Date().toISOString(), machine, matmulGflops: Math.max(...rows.map((r) => r.matmulGflops)), rows },
    { profiled: profile },
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
