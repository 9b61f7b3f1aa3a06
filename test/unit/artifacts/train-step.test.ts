import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { buildEncode } from '../../../src/engine/artifacts/encode';
import { initSpecs } from '../../../src/engine/artifacts/init';
import { writeArtifacts } from '../../../src/engine/artifacts/manifest';
import { readCheckpoint } from '../../../src/engine/artifacts/checkpoint';
import { evaluate, tensor } from '../../../src/engine/graph';
import { sampleAugParams, PARAM_COUNT } from '../../../src/engine/augment/sample';
import { noAugmentation } from '../../../src/engine/augment/config';
import { fashionMnist, floatImages, tinyAugment, tinyProblem } from '../runtime/fixtures';

const B = 4;
const problem = tinyProblem();
const optimizer = { kind: 'adamw' as const, weightDecay: 0.05 };

function stepFeeds(): Record<string, { shape: number[]; data: Float32Array }> {
  const params = initSpecs(problem.params, 3);
  const feeds: Record<string, { shape: number[]; data: Float32Array }> = {
    images: { shape: [B, 1, 28, 28], data: floatImages(fashionMnist(B), 0, B) },
    aug: {
      shape: [2, B, PARAM_COUNT],
      data: Float32Array.from([...sampleAugParams(tinyAugment, 1, 0, 0, B), ...sampleAugParams(tinyAugment, 1, 0, 1, B)]),
    },
    lr: { shape: [], data: Float32Array.of(0.01) },
    step: { shape: [], data: Float32Array.of(3) },
    'buffer/stats.mean': { shape: [4], data: Float32Array.of(0.1, -0.2, 0.3, 0) },
  };
  for (const p of problem.params) {
    feeds[`param/${p.name}`] = { shape: p.shape, data: params.get(p.name)! };
    // non-zero optimizer state so the update exercises every term
    feeds[`opt/m/${p.name}`] = { shape: p.shape, data: params.get(p.name)!.map((v) => v * 0.01) };
    feeds[`opt/v/${p.name}`] = { shape: p.shape, data: params.get(p.name)!.map((v) => v * v * 0.1) };
  }
  return feeds;
}

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i] - want[i]) ** 2;
    den += want[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

describe('train-step artifact', () => {
  test('one ORT step (float32) matches the float64 reference evaluation of the same graph', async () => {
    const art = buildTrainStep(problem, { batch: B, optimizer, augment: tinyAugment });
    const feeds = stepFeeds();
    assert.deepEqual(art.inputs.map((i) => i.name).sort(), Object.keys(feeds).sort());
    const session = await ort.InferenceSession.create(art.onnx);
    const out = await session.run(
      Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.shape)])),
    );
    await session.release();
    const g = art.graph;
    const ref = evaluate(
      g,
      g.outputs.map((o) => o.value),
      Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, tensor(v.shape, v.data)])),
    );
    g.outputs.forEach((o, k) => {
      const err = relErr(out[o.name].data as Float32Array, ref[k].data);
      assert.ok(err < 1e-5, `${o.name}: relative L2 error ${err}`);
    });
    // the step changed the parameters and every state tensor has an output
    const w = feeds['param/enc.weight'].data;
    assert.ok(relErr(out['new/param/enc.weight'].data as Float32Array, w) > 1e-6);
    assert.deepEqual(
      art.state.map((s) => s.output).sort(),
      art.outputs
        .map((o) => o.name)
        .filter((n) => n !== 'loss')
        .sort(),
    );
  });

  test('encode: K augmented views in one graph equal the plain encoder on the same views', async () => {
    const d = fashionMnist(B);
    const withAug = buildEncode(problem, { batch: B, augment: tinyAugment, views: 3, layers: true });
    const plain = buildEncode(problem, { batch: 3 * B });
    // projection-free tiny problem: only the encoder's two parameters are inputs, plus images (+ aug)
    assert.deepEqual(plain.inputs.map((i) => i.name).sort(), ['images', 'param/enc.bias', 'param/enc.weight']);
    assert.deepEqual(
      withAug.outputs.map((o) => [o.name, o.shape]),
      [
        ['repr', [3, B, 4]],
        ['layer/flat', [3, B, 784]],
      ],
    );
    const params = initSpecs(problem.params, 5);
    const weights = Object.fromEntries(
      problem.params.map((p) => [`param/${p.name}`, new ort.Tensor('float32', params.get(p.name)!, p.shape)]),
    );
    const aug = Float32Array.from([0, 1, 2].flatMap((v) => [...sampleAugParams(tinyAugment, 9, 0, v, B)]));
    const s1 = await ort.InferenceSession.create(withAug.onnx);
    const r1 = await s1.run({
      ...weights,
      images: new ort.Tensor('float32', floatImages(d, 0, B), [B, 1, 28, 28]),
      aug: new ort.Tensor('float32', aug, [3, B, PARAM_COUNT]),
    });
    // the views themselves, from the layer output (flattened pixels), fed to the plain encoder
    const s2 = await ort.InferenceSession.create(plain.onnx);
    const r2 = await s2.run({ ...weights, images: new ort.Tensor('float32', r1['layer/flat'].data as Float32Array, [3 * B, 1, 28, 28]) });
    assert.ok(relErr(r1.repr.data as Float32Array, r2.repr.data as Float32Array) < 1e-6);
    // different views of one image differ (the augmentation really ran)
    const repr = r1.repr.data as Float32Array;
    assert.ok(relErr(repr.subarray(0, 4 * B), repr.subarray(4 * B, 8 * B)) > 1e-3);
    await s1.release();
    await s2.release();
  });

  test('embedded weights give the same representation as weights fed as inputs', async () => {
    const params = initSpecs(problem.params, 5);
    const embedded = buildEncode(problem, { batch: B, weights: params });
    assert.deepEqual(
      embedded.inputs.map((i) => i.name),
      ['images'],
    );
    const fed = buildEncode(problem, { batch: B });
    const images = new ort.Tensor('float32', floatImages(fashionMnist(B), 0, B), [B, 1, 28, 28]);
    const a = await (await ort.InferenceSession.create(embedded.onnx)).run({ images });
    const b = await (
      await ort.InferenceSession.create(fed.onnx)
    ).run({
      images,
      ...Object.fromEntries(problem.params.map((p) => [`param/${p.name}`, new ort.Tensor('float32', params.get(p.name)!, p.shape)])),
    });
    // not bit-equal: ORT folds constant weights (e.g. pre-transposes them), which reorders float sums
    assert.ok(relErr(a.repr.data as Float32Array, b.repr.data as Float32Array) < 1e-6);
  });

  test('artifact folder: four files, manifest with shapes and versions, graphs pass onnx.checker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    const trainStep = buildTrainStep(problem, { batch: B, optimizer, augment: tinyAugment });
    const encode = buildEncode(problem, { batch: B, augment: noAugmentation(1, [28, 28]), views: 1 });
    const params = initSpecs(problem.params, 1);
    const tensors = new Map(
      trainStep.state.map((s) => [
        s.input,
        { shape: s.shape, data: s.role === 'param' ? params.get(s.init)! : new Float32Array(s.shape.reduce((a, b) => a * b, 1)) },
      ]),
    );
    const manifest = await writeArtifacts(dir, {
      trainStep,
      encode,
      batch: B,
      seed: 1,
      problem: problem.describe,
      training: { optimizer },
      checkpoint: { step: 0, seed: 1, tensors, meta: {} },
    });
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint.bin', 'encode.onnx', 'manifest.json', 'train_step.onnx']);
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(onDisk.versions.onnxruntimeNode, '1.30.0');
    assert.equal(onDisk.versions.node, process.versions.node);
    assert.equal(onDisk.opset, 17);
    assert.deepEqual(onDisk.trainStep.inputs.find((i: { name: string }) => i.name === 'aug').shape, [2, B, PARAM_COUNT]);
    assert.equal(manifest.trainStep.state.length, 2 * 3 + 1); // 2 params x (param, m, v) + 1 buffer
    assert.equal((await readCheckpoint(join(dir, 'checkpoint.bin'))).tensors.size, 7);
    const check = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import onnx,sys\nfor f in sys.argv[1:]: onnx.checker.check_model(onnx.load(f), full_check=True)\nprint("ok")',
        join(dir, 'train_step.onnx'),
        join(dir, 'encode.onnx'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(check.stdout.trim(), 'ok', check.stderr);
  });
});
