// The Trainer's GPU path on WebGPU (lavapipe): state stays on the device between steps, a short trajectory
// follows the CPU's, a checkpoint read back from the device continues on the CPU provider, and the encode
// artifact gives the CPU's representations. Numbers are printed as test diagnostics.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Trainer, TrainerConfig } from '../../../src/engine/runtime/trainer';
import { openSession } from '../../../src/engine/runtime/session';
import { datasetBatchSource } from '../../../src/engine/runtime/batches';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { buildEncode } from '../../../src/engine/artifacts/encode';
import { readCheckpoint } from '../../../src/engine/artifacts/checkpoint';
import { initParams } from '../../../src/engine/artifacts/init';
import * as io from '../../../src/engine/artifacts/io-names';
import { sampleAugParams, PARAM_COUNT } from '../../../src/engine/augment/sample';
import { fashionMnistRecipe, weakRecipe } from '../../../src/engine/augment/config';
import { smallCnn, resnet18 } from '../../../src/engine/models';
import { simclr } from '../../../src/engine/methods';
import { SslProblem } from '../../../src/engine/models/types';
import { fashionMnist } from '../runtime/fixtures';
import { fmt, openWebgpuSession, randomImages, relL2, seconds, webgpuTrainer } from './lavapipe';

const B = 8;
const data = fashionMnist(40);
const source = () => datasetBatchSource(data, B, 3);
// The tiny preset's model and method (smallCnn 28x28, SimCLR projDim 32, Adam 1e-3), at batch 8.
const problem = simclr(smallCnn(), { temperature: 0.5, projDim: 32 });
const config: TrainerConfig = {
  problem,
  batch: B,
  augment: fashionMnistRecipe(),
  optimizer: { kind: 'adam' },
  learningRate: 1e-3,
  threads: 2,
};
const artifact = buildTrainStep(problem, { batch: B, optimizer: config.optimizer, augment: config.augment });

async function losses(t: Trainer, steps: number, seconds: number[] = []): Promise<number[]> {
  const out: number[] = [];
  await t.train({
    steps,
    batchSource: source(),
    onProgress: (p) => {
      out.push(p.loss);
      seconds.push(B / p.imagesPerSec);
    },
  });
  return out;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('WebGPU (lavapipe): the Trainer keeps its state on the device', () => {
  test('after a step every state tensor the step outputs is a gpu-buffer; the loss comes back to the CPU', async () => {
    const t = await webgpuTrainer({ ...config, artifact });
    t.init(1);
    assert.ok(
      [...t.stateLocations().values()].every((l) => l === 'cpu'),
      'init puts the state on the host',
    );
    const loss = await t.step(await source().imagesForStep(0), 0);
    assert.ok(Number.isFinite(loss), 'the loss is read on the host (a gpu-buffer loss could not be)');
    const locations = t.stateLocations();
    const fedBack = artifact.state.filter((s) => s.output);
    assert.equal(fedBack.length, artifact.state.length, 'this problem updates every state tensor');
    for (const s of fedBack) assert.equal(locations.get(s.input), 'gpu-buffer', s.input);
    // A second step consumes the device tensors as inputs and replaces them with new device tensors.
    assert.ok(Number.isFinite(await t.step(await source().imagesForStep(1), 1)));
    assert.ok([...t.stateLocations().values()].every((l) => l === 'gpu-buffer'));
    await t.release();
  });

  test('15 steps follow the CPU trajectory (tiny preset model, batch 8); img/s of both', async (ctx) => {
    const t0 = performance.now();
    const cpu = await Trainer.create({ ...config, artifact, provider: 'cpu' });
    const gpu = await webgpuTrainer({ ...config, artifact });
    cpu.init(9);
    gpu.init(9);
    const cpuTimes: number[] = [],
      gpuTimes: number[] = [];
    const want = await losses(cpu, 15, cpuTimes);
    const got = await losses(gpu, 15, gpuTimes);
    const errors = got.map((l, i) => Math.abs(l - want[i]) / Math.abs(want[i]));
    const finalState = relL2Map(await gpu.parameters(), await cpu.parameters());
    // Steps after the first (which compiles the shaders). Without a readback, run() may return before the
    // device finished; each step here reads its loss back, which waits for it.
    const rate = (xs: number[]) => (B / median(xs.slice(1))).toFixed(1);
    ctx.diagnostic(
      `loss ${want[0].toFixed(4)} -> ${want[14].toFixed(4)}; max rel loss difference ${fmt(Math.max(...errors))} (step ${errors.indexOf(Math.max(...errors)) + 1}); ` +
        `parameters after 15 steps rel L2 ${fmt(finalState)}; img/s cpu ${rate(cpuTimes)} webgpu ${rate(gpuTimes)}; total ${seconds(t0)}s`,
    );
    assert.ok(want[14] < want[0], 'training lowers the loss');
    assert.ok(Math.max(...errors) <= 1e-3, `loss trajectories differ by ${Math.max(...errors)}`);
    // Parameters drift apart more than losses: each step, Adam moves elements whose gradient is float32
    // noise by lr * sign(noise) on either provider (see parity.test.ts); measured 9.9e-3 after 15 steps.
    assert.ok(finalState <= 3e-2, `parameters after 15 steps differ by ${finalState}`);
    await cpu.release();
    await gpu.release();
  });

  test('a checkpoint saved from device state restores on the CPU provider and continues like a CPU-only run', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'webgpu-ck-'));
    const gpu = await webgpuTrainer({ ...config, artifact });
    gpu.init(4);
    await gpu.train({ steps: 3, batchSource: source(), checkpointPath: join(dir, 'ck.bin'), checkpointEvery: 3 });
    const ck = await readCheckpoint(join(dir, 'ck.bin'));
    assert.equal(ck.step, 3);
    const resumed = await Trainer.create({ ...config, artifact, provider: 'cpu' });
    resumed.load(ck);
    assert.equal(resumed.provider, 'cpu');
    const cpuOnly = await Trainer.create({ ...config, artifact, provider: 'cpu' });
    cpuOnly.init(4);
    const reference = await losses(cpuOnly, 5);
    const continued = await losses(resumed, 5);
    const stateError = relL2Map(
      new Map([...ck.tensors].filter(([n]) => n.startsWith('param/')).map(([n, t]) => [n, t.data])),
      new Map(
        [
          ...(await (async () => {
            const c = await Trainer.create({ ...config, artifact, provider: 'cpu' });
            c.init(4);
            await losses(c, 3);
            const s = (await c.snapshot()).tensors;
            await c.release();
            return s;
          })()),
        ]
          .filter(([n]) => n.startsWith('param/'))
          .map(([n, t]) => [n, t.data]),
      ),
    );
    const errors = continued.map((l, i) => Math.abs(l - reference[3 + i]) / Math.abs(reference[3 + i]));
    ctx.diagnostic(
      `checkpoint parameters vs CPU-only at step 3 rel L2 ${fmt(stateError)}; steps 4-5 loss rel difference ${errors.map(fmt).join(', ')}`,
    );
    assert.equal(continued.length, 2);
    assert.ok(stateError <= 1e-3 && Math.max(...errors) <= 1e-3, `resumed on cpu: state ${stateError}, losses ${errors}`);
    await Promise.all([gpu, resumed, cpuOnly].map((t) => t.release()));
  });
});

describe('WebGPU (lavapipe): the encode artifact', () => {
  const cases: { name: string; problem: SslProblem; images: Float32Array; augment?: ReturnType<typeof weakRecipe> }[] = [
    // BatchNorm in eval mode (running statistics) and every layer output.
    {
      name: 'resnet18 3x8x8',
      problem: simclr(resnet18({ inChannels: 3, imageSize: 8, width: 4 }), { projDim: 16 }),
      images: randomImages(4 * 3 * 64, 5),
    },
    // The scoring path: raw images -> 2 augmented views in-graph -> the quick preset's encoder.
    {
      name: 'smallCnn fcDim + 2 weak views',
      problem: simclr(smallCnn({ fcDim: 32, width: 0.25 }), { projDim: 16 }),
      images: Float32Array.from(data.images.subarray(0, 4 * 784), (v) => v / 255),
      augment: weakRecipe(1, [28, 28]),
    },
  ];
  for (const c of cases) {
    test(`${c.name}: repr and layer outputs match the CPU`, async (ctx) => {
      const batch = 4,
        views = 2;
      const art = buildEncode(c.problem, { batch, layers: true, augment: c.augment ?? null, views });
      const { params, buffers } = initParams(c.problem, 2);
      const feeds: Record<string, ort.Tensor> = {};
      for (const i of art.inputs) {
        const value =
          i.name === io.IMAGES
            ? c.images
            : i.name === io.AUG
              ? Float32Array.from([0, 1].flatMap((v) => [...sampleAugParams(c.augment!, 7, 0, v, batch)]))
              : (params.get(i.name.replace(/^param\//, '')) ?? buffers.get(i.name.replace(/^buffer\//, '')))!;
        assert.ok(value, `no value for ${i.name}`);
        feeds[i.name] = new ort.Tensor('float32', value, i.shape);
      }
      if (c.augment) assert.deepEqual(art.inputs.find((i) => i.name === io.AUG)!.shape, [views, batch, PARAM_COUNT]);
      const names = art.outputs.map((o) => o.name);
      const cpu = await openSession(art.onnx, names, { provider: 'cpu' });
      const gpu = await openWebgpuSession(art.onnx, names);
      const want = await cpu.session.run(feeds),
        got = await gpu.session.run(feeds);
      const errors = names.map((n) => [n, relL2(got[n].data as Float32Array, want[n].data as Float32Array)] as const);
      const worst = errors.reduce((a, b) => (b[1] > a[1] ? b : a));
      ctx.diagnostic(`${names.length} outputs; worst ${worst[0]} rel L2 ${fmt(worst[1])}`);
      for (const [n, e] of errors) assert.ok(e <= 1e-4, `${n}: rel L2 ${e}`);
      await cpu.session.release();
      await gpu.session.release();
    });
  }
});

function relL2Map(got: Map<string, Float32Array>, want: Map<string, Float32Array>): number {
  let diff = 0,
    ref = 0;
  for (const [n, w] of want) {
    const g = got.get(n)!;
    for (let i = 0; i < w.length; i++) {
      diff += (g[i] - w[i]) ** 2;
      ref += w[i] ** 2;
    }
  }
  return Math.sqrt(diff / ref);
}
