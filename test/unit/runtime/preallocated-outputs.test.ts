// Pre-allocated state outputs (TrainerConfig.preallocateOutputs, issue 13) must change nothing but where the
// next state is written: the same loss at every step and byte-identical checkpoints, on the tiny preset's
// model (smallCnn + SimCLR, Adam, 2 threads), across a checkpoint + resume.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Trainer, TrainerConfig } from '../../../src/engine/runtime/trainer';
import { datasetBatchSource } from '../../../src/engine/runtime/batches';
import { readCheckpoint } from '../../../src/engine/artifacts/checkpoint';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { augmentationOf, buildProblem } from '../../../src/engine/sslmem/config';
import { PRESETS } from '../../../src/engine/sslmem/presets';
import { fashionMnist } from './fixtures';

const preset = PRESETS.tiny;
const B = 16;
const data = fashionMnist(64);
const problem = buildProblem(preset);
const augment = augmentationOf(preset);
const base: Omit<TrainerConfig, 'artifact'> = {
  problem,
  batch: B,
  augment,
  provider: 'cpu',
  threads: 2,
  optimizer: preset.optimizer,
  learningRate: { base: preset.learningRate, warmup: 1, total: 6 },
};
const artifact = buildTrainStep(problem, { batch: B, optimizer: base.optimizer, augment });
const source = () => datasetBatchSource(data, B, 5);

/** 3 steps, checkpoint, a new trainer loads it, 3 more steps: the losses and both checkpoints' bytes. */
async function run(preallocateOutputs: boolean) {
  const dir = mkdtempSync(join(tmpdir(), `prealloc-${preallocateOutputs}-`));
  const losses: number[] = [];
  const onProgress = (p: { loss: number }) => losses.push(p.loss);
  const first = await Trainer.create({ ...base, artifact, preallocateOutputs });
  first.init(17);
  await first.train({ steps: 3, batchSource: source(), onProgress, checkpointPath: join(dir, 'ck3.bin'), checkpointEvery: 3 });
  await first.release();
  const second = await Trainer.create({ ...base, artifact, preallocateOutputs });
  second.load(await readCheckpoint(join(dir, 'ck3.bin')));
  await second.train({ steps: 6, batchSource: source(), onProgress, checkpointPath: join(dir, 'ck6.bin'), checkpointEvery: 3 });
  await second.release();
  return { losses, ck3: readFileSync(join(dir, 'ck3.bin')), ck6: readFileSync(join(dir, 'ck6.bin')) };
}

describe('pre-allocated state outputs (CPU)', () => {
  test('same loss at every step and byte-identical checkpoints as fresh outputs (tiny preset, resume included)', async () => {
    const fresh = await run(false);
    const pre = await run(true);
    assert.equal(fresh.losses.length, 6);
    assert.ok(fresh.losses.every(Number.isFinite));
    fresh.losses.forEach((l, i) => assert.ok(Object.is(l, pre.losses[i]), `step ${i + 1}: ${l} vs ${pre.losses[i]}`));
    assert.ok(fresh.ck3.equals(pre.ck3), 'checkpoint after 3 steps');
    assert.ok(fresh.ck6.equals(pre.ck6), 'checkpoint after 6 steps');
    assert.ok(!fresh.ck3.equals(fresh.ck6), 'the run moved between the checkpoints');
  });

  test('ORT writes into the two tensor sets in turn, never into the inputs of the same step', async () => {
    const t = await Trainer.create({ ...base, artifact, preallocateOutputs: true });
    t.init(3);
    // White box: the state map is private; its buffers are what this test is about.
    const buffers = () =>
      new Map([...(t as unknown as { state: Map<string, ort.Tensor> }).state].map(([n, x]) => [n, (x.data as Float32Array).buffer]));
    const images = await source().imagesForStep(0);
    const seen = [buffers()];
    for (let s = 0; s < 4; s++) {
      await t.step(images);
      seen.push(buffers());
    }
    const updated = artifact.state.filter((s) => s.output).map((s) => s.input);
    assert.ok(updated.length > 0);
    for (const name of updated) {
      const [b0, b1, b2, b3, b4] = seen.map((m) => m.get(name)!);
      assert.notEqual(b1, b0, `${name}: step 1 writes into the spare set, not into its input`);
      assert.notEqual(b2, b1, `${name}: step 2 writes into the other set`);
      assert.equal(b3, b1, `${name}: step 3 reuses step 1's tensors (ping-pong)`);
      assert.equal(b4, b2, `${name}: step 4 reuses step 2's tensors`);
    }
    // The snapshot is a copy of the current state: the next step does not change it.
    const before = (await t.snapshot()).tensors;
    const kept = new Map([...before].map(([n, x]) => [n, x.data.slice()]));
    await t.step(images);
    for (const [n, x] of before) assert.deepEqual(x.data, kept.get(n), n);
    await t.release();
  });
});
