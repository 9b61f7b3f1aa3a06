import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer, TrainerConfig } from '../../../src/engine/runtime/trainer';
import { BatchSampler, datasetBatchSource } from '../../../src/engine/runtime/batches';
import { readCheckpoint } from '../../../src/engine/artifacts/checkpoint';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { lrAt } from '../../../src/engine/graph/optim';
import { fashionMnist, tinyAugment, tinyProblem } from './fixtures';
import { smallCnn } from '../../../src/engine/models/small-cnn';
import { simclr } from '../../../src/engine/methods/simclr';
import { mae } from '../../../src/engine/methods/mae';
import { vitTiny } from '../../../src/engine/models/vit';

const B = 8;
const data = fashionMnist(40); // 5 batches per epoch: 6 steps cross an epoch boundary
const problem = tinyProblem();
const base: Omit<TrainerConfig, 'artifact'> = {
  problem,
  batch: B,
  augment: tinyAugment,
  provider: 'cpu',
  threads: 1,
  optimizer: { kind: 'adamw', weightDecay: 0.05 },
  learningRate: { base: 0.05, warmup: 2, total: 6 },
};
const artifact = buildTrainStep(problem, { batch: B, optimizer: base.optimizer, augment: tinyAugment });
const source = () => datasetBatchSource(data, B, 11);

async function allState(t: Trainer) {
  return (await t.snapshot()).tensors;
}

describe('Trainer', () => {
  test('6 steps in one go == 3 steps, checkpoint, new trainer, load, 3 steps (bit-identical state)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resume-'));
    const straight = await Trainer.create({ ...base, artifact });
    straight.init(123);
    const r = await straight.train({ steps: 6, batchSource: source() });
    assert.equal(r.step, 6);
    const want = await allState(straight);

    const first = await Trainer.create({ ...base, artifact });
    first.init(123);
    await first.train({ steps: 3, batchSource: source(), checkpointPath: join(dir, 'ck.bin'), checkpointEvery: 3 });
    await first.release();
    const second = await Trainer.create({ ...base, artifact });
    second.load(await readCheckpoint(join(dir, 'ck.bin')));
    assert.equal(second.stepIndex, 3);
    await second.train({ steps: 6, batchSource: source() });
    const got = await allState(second);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [name, t] of want) assert.deepEqual(got.get(name)!.data, t.data, name);
    // the run really moved: parameters, Adam moments and the in-graph buffer all changed from init
    const init = await Trainer.create({ ...base, artifact });
    init.init(123);
    const start = await allState(init);
    for (const name of ['param/enc.weight', 'opt/v/enc.bias', 'buffer/stats.mean'])
      assert.notDeepEqual(start.get(name)!.data, want.get(name)!.data, name);
    await Promise.all([straight, second, init].map((t) => t.release()));
  });

  test('resume is exact for smallCnn + SimCLR with 2 threads (conv kernels are deterministic run to run)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resume-cnn-'));
    const cnn: Omit<TrainerConfig, 'artifact'> = {
      ...base,
      problem: simclr(smallCnn(), { projDim: 32 }),
      threads: 2,
      optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 1e-4 },
    };
    const cnnArtifact = buildTrainStep(cnn.problem, { batch: B, optimizer: cnn.optimizer, augment: tinyAugment });
    const a = await Trainer.create({ ...cnn, artifact: cnnArtifact });
    a.init(7);
    await a.train({ steps: 4, batchSource: source() });
    const b = await Trainer.create({ ...cnn, artifact: cnnArtifact });
    b.init(7);
    await b.train({ steps: 2, batchSource: source(), checkpointPath: join(dir, 'ck.bin') });
    const c = await Trainer.create({ ...cnn, artifact: cnnArtifact });
    c.load(await readCheckpoint(join(dir, 'ck.bin')));
    await c.train({ steps: 4, batchSource: source() });
    const want = await allState(a),
      got = await allState(c);
    for (const [name, t] of want) assert.deepEqual(got.get(name)!.data, t.data, name);
    await Promise.all([a, b, c].map((t) => t.release()));
  });

  test('per-step extra inputs (MAE masks, batch dimension -1) are sampled from (seed, step) and fed', async () => {
    const problem = mae(vitTiny({ inChannels: 1, imageSize: 28, patch: 7, dim: 16, depth: 1, heads: 2 }), {
      decoderDim: 16,
      decoderDepth: 1,
      decoderHeads: 2,
    });
    const cfg = { ...base, problem, optimizer: { kind: 'adamw' as const, weightDecay: 0.05 } };
    const art = buildTrainStep(problem, { batch: B, optimizer: cfg.optimizer, augment: tinyAugment });
    assert.deepEqual(art.inputs.find((i) => i.name === 'extra/maskKeep')!.shape, [B, 4]); // 16 patches, 25% kept
    const runs: number[][] = [];
    for (let k = 0; k < 2; k++) {
      const t = await Trainer.create({ ...cfg, artifact: art });
      t.init(3);
      const losses: number[] = [];
      await t.train({ steps: 3, batchSource: source(), onProgress: (p) => losses.push(p.loss) });
      runs.push(losses);
      await t.release();
    }
    assert.ok(runs[0].every(Number.isFinite));
    assert.deepEqual(runs[0], runs[1]);
  });

  test('stops between steps on abort, reports progress, and leaves a checkpoint of where it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abort-'));
    const t = await Trainer.create({ ...base, artifact });
    t.init(1);
    const controller = new AbortController();
    const seen: { step: number; loss: number; imagesPerSec: number }[] = [];
    const result = await t.train({
      steps: 100,
      batchSource: source(),
      signal: controller.signal,
      checkpointPath: join(dir, 'ck.bin'),
      onProgress: (p) => {
        seen.push(p);
        if (p.step === 2) controller.abort();
      },
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.step, 2);
    assert.deepEqual(
      seen.map((p) => p.step),
      [1, 2],
    );
    assert.ok(seen.every((p) => Number.isFinite(p.loss) && p.imagesPerSec > 0));
    assert.ok(existsSync(join(dir, 'ck.bin')));
    assert.equal((await readCheckpoint(join(dir, 'ck.bin'))).step, 2);
    await t.release();
  });

  test('feeds the host schedule: a zero learning rate leaves parameters unchanged, a positive one does not', async () => {
    const t = await Trainer.create({ ...base, artifact, learningRate: 0 });
    t.init(5);
    const before = await t.parameters();
    await t.step(await source().imagesForStep(0));
    assert.deepEqual((await t.parameters()).get('enc.weight'), before.get('enc.weight'));
    assert.ok(lrAt(0, { base: 0.05, warmup: 2, total: 6 }) > 0);
    const u = await Trainer.create({ ...base, artifact });
    u.init(5);
    await u.step(await source().imagesForStep(0));
    assert.notDeepEqual((await u.parameters()).get('enc.weight'), before.get('enc.weight'));
    await t.release();
    await u.release();
  });
});

describe('BatchSampler', () => {
  test('each epoch is a permutation, epochs differ, and any step can be recomputed alone', () => {
    const s = new BatchSampler(10, 3, 42);
    assert.equal(s.batchesPerEpoch, 3);
    const epoch0 = [0, 1, 2].flatMap((k) => [...s.indices(k)]);
    assert.equal(new Set(epoch0).size, 9);
    assert.notDeepEqual([...s.epochOrder(0)], [...s.epochOrder(1)]);
    const fresh = new BatchSampler(10, 3, 42);
    assert.deepEqual(fresh.indices(7), s.indices(7)); // step 7 = epoch 2, batch 1, without replaying 0..6
    assert.notDeepEqual([...new BatchSampler(10, 3, 43).indices(0)], [...s.indices(0)]);
  });
});
