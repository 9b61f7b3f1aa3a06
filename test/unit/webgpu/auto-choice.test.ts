// `auto` on a machine whose only WebGPU adapter is a software one: the measured choice ends on the CPU, and the
// decision carries the numbers that say why. This is the "30x trap" the first version fell into: lavapipe
// gives WebGPU a working adapter, so an `auto` that simply tried WebGPU first trained every run ~25x slower.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer, TrainerConfig } from '../../../src/engine/runtime/trainer';
import { describeDecision } from '../../../src/engine/runtime/providers';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { fashionMnistRecipe } from '../../../src/engine/augment/config';
import { smallCnn } from '../../../src/engine/models';
import { simclr } from '../../../src/engine/methods';
import { openWebgpuSession } from './lavapipe';

/** GPU device nodes: a hardware Vulkan driver needs one (DRM render nodes, NVIDIA's), lavapipe none. Mesa's
 *  package installs the manifests of every hardware driver too, so the ICD files alone say nothing. */
function gpuDevices(): string[] {
  const dri = existsSync('/dev/dri')
    ? readdirSync('/dev/dri')
        .filter((f) => f.startsWith('renderD'))
        .map((f) => `/dev/dri/${f}`)
    : [];
  const nvidia = readdirSync('/dev')
    .filter((f) => /^nvidia\d+$/.test(f))
    .map((f) => `/dev/${f}`);
  return [...dri, ...nvidia];
}

test('auto with lavapipe as the only adapter measures webgpu, finds it slower, and trains on cpu', async (ctx) => {
  const devices = gpuDevices();
  assert.deepEqual(devices, [], 'this test runs where no GPU exists, so the only adapter is the software one (the test host)');
  // WebGPU really works here (otherwise "cpu wins" would prove nothing about the software adapter).
  const problem = simclr(smallCnn(), { temperature: 0.5, projDim: 32 });
  const augment = fashionMnistRecipe();
  const artifact = buildTrainStep(problem, { batch: 32, optimizer: { kind: 'adam' }, augment });
  const probe = await openWebgpuSession(
    artifact.onnx,
    artifact.outputs.map((o) => o.name),
  );
  await probe.session.release();

  const cacheDir = mkdtempSync(join(tmpdir(), 'sslmem-auto-'));
  ctx.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const config: TrainerConfig = {
    problem,
    batch: 32,
    augment,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    provider: 'auto',
    threads: 2,
    artifact,
    providerCacheDir: cacheDir,
  };
  const trainer = await Trainer.create(config);
  const d = trainer.decision;
  ctx.diagnostic(describeDecision(d));
  assert.equal(d.chosen, 'cpu');
  assert.equal(trainer.provider, 'cpu');
  assert.equal(d.cached, false, 'a fresh cache: measured');
  const cpu = d.candidates.find((c) => c.provider === 'cpu')!;
  const webgpu = d.candidates.find((c) => c.provider === 'webgpu')!;
  assert.equal(cpu.status, 'chosen');
  assert.ok(cpu.msPerStep! > 0, 'the cpu time is in the decision');
  assert.equal(webgpu.status, 'slower', `webgpu: ${JSON.stringify(webgpu)}`);
  assert.match(webgpu.reason, /slower|limit|warm/i, 'the reason says it was measured slower');
  if (webgpu.msPerStep !== undefined) assert.ok(webgpu.msPerStep > cpu.msPerStep!, 'measured slower than the cpu');
  await trainer.release();
});
