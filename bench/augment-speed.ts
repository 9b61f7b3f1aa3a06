// Time to make 512 views with the augmentation graph in onnxruntime-node (CPU, 2 threads), and to sample
// their parameters on the host. Reports wall-clock median and minimum, and process CPU time per run (all
// threads), which is less sensitive to other processes on a shared machine than wall time.
// Run: node scripts/build.mjs --tests && node dist/bench/augment-speed.js
import * as ort from 'onnxruntime-node';
import { Graph } from '../src/engine/graph/ir';
import { toOnnxBytes } from '../src/engine/graph/onnx-export';
import { AugConfig, PARAM_COUNT, augmentViews, fashionMnistRecipe, sampleAugParams, simclrRecipe } from '../src/engine/augment';

const VIEWS = 512,
  WARMUP = 5,
  RUNS = 30;

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
}

async function time(name: string, config: AugConfig) {
  const [H, W] = config.inputSize,
    C = config.channels;
  const g = new Graph('augment');
  g.output('views', augmentViews(g.input('images', [VIEWS, C, H, W]), g.input('params', [VIEWS, PARAM_COUNT]), config));
  const session = await ort.InferenceSession.create(toOnnxBytes(g), {
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const images = Float32Array.from({ length: VIEWS * C * H * W }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
  const feeds = (step: number) => ({
    images: new ort.Tensor('float32', images, [VIEWS, C, H, W]),
    params: new ort.Tensor('float32', sampleAugParams(config, 1, step, 0, VIEWS), [VIEWS, PARAM_COUNT]),
  });
  const graphMs: number[] = [],
    graphCpuMs: number[] = [],
    sampleMs: number[] = [];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const f = feeds(i);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    await session.run(f);
    const t2 = performance.now();
    const c2 = process.cpuUsage(c1);
    if (i >= WARMUP) {
      sampleMs.push(t1 - t0);
      graphMs.push(t2 - t1);
      graphCpuMs.push(cpuMs(c2));
    }
  }
  await session.release();
  const gs = stats(graphMs),
    ss = stats(sampleMs),
    cs = stats(graphCpuMs);
  console.log(
    `${name.padEnd(34)} graph wall median ${gs.median.toFixed(2)} ms, min ${gs.min.toFixed(2)} ms; CPU median ${cs.median.toFixed(2)} ms; host sampling median ${ss.median.toFixed(2)} ms`,
  );
  return {
    name,
    views: VIEWS,
    threads: 2,
    graphMedianMs: gs.median,
    graphMinMs: gs.min,
    graphCpuMedianMs: cs.median,
    samplingMedianMs: ss.median,
  };
}

async function main() {
  const rows = [
    await time('28x28x1, Fashion-MNIST recipe', fashionMnistRecipe()),
    await time('28x28x1, SimCLR recipe', simclrRecipe(1, [28, 28])),
    await time('32x32x3, SimCLR recipe', simclrRecipe(3, [32, 32])),
    await time('32x32x3, SimCLR recipe, no hue', {
      ...simclrRecipe(3, [32, 32]),
      jitter: { ...simclrRecipe(3, [32, 32]).jitter!, hue: 0 },
    }),
  ];
  const load = (await import('node:os')).loadavg()[0];
  console.log(JSON.stringify({ onnxruntime: ort.env.versions, loadAverage1m: load, rows }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
