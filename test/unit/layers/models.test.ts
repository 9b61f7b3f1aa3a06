// The layers each model reports to the layer analyses (names, kinds, units) and one real pass through
// onnxruntime for a small ViT (tokens: a unit is a feature averaged over the tokens) and a narrow ResNet-18.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { layersOf, forEachLayerBatch } from '../../../src/engine/layers/activations';
import { unitMeans } from '../../../src/engine/layers/math';
import { initParams } from '../../../src/engine/artifacts/init';
import { buildProblem, resolvePreset } from '../../../src/engine/sslmem/config';
import type { SslmemConfig } from '../../../src/engine/sslmem/config-types';
import type { Dataset } from '../../../src/engine/data/types';

function config(model: SslmemConfig['model']): SslmemConfig {
  return { ...resolvePreset('tiny'), model, scoring: { ...resolvePreset('tiny').scoring, batch: 3 } };
}

function checkpointOf(c: SslmemConfig) {
  const problem = buildProblem(c);
  const { params, buffers } = initParams(problem, 1);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const p of problem.params) tensors.set(`param/${p.name}`, { shape: p.shape, data: params.get(p.name)! });
  for (const b of problem.buffers) tensors.set(`buffer/${b.name}`, { shape: b.shape, data: buffers.get(b.name)! });
  return { step: 0, seed: 1, tensors, meta: {} };
}

function dataset(n: number): Dataset {
  const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37) % 256);
  return {
    n,
    channels: 1,
    height: 28,
    width: 28,
    images,
    labels: new Int32Array(n),
    classNames: ['x'],
    paths: Array.from({ length: n }, (_, i) => `x/${i}.png`),
    skipped: [],
  } as unknown as Dataset;
}

describe('layers per model', () => {
  test('small CNN: conv blocks then the pooled representation (or fc)', () => {
    assert.deepEqual(
      layersOf(config({ kind: 'smallCnn' })).map((l) => `${l.name}:${l.kind}:${l.units}`),
      ['conv1:conv:32', 'conv2:conv:64', 'conv3:conv:128', 'repr:vector:128'],
    );
    assert.deepEqual(
      layersOf(config({ kind: 'smallCnn', options: { fcDim: 16 } })).map((l) => l.name),
      ['conv1', 'conv2', 'conv3', 'fc'],
    );
  });

  test('ResNet-18 (narrow): stem, eight residual blocks depth-first, pooled representation; one real pass', async () => {
    const c = config({ kind: 'resnet18', options: { width: 8 } });
    const layers = layersOf(c);
    assert.deepEqual(
      layers.map((l) => l.name),
      ['conv1', 'layer1.0', 'layer1.1', 'layer2.0', 'layer2.1', 'layer3.0', 'layer3.1', 'layer4.0', 'layer4.1', 'repr'],
    );
    assert.deepEqual(
      layers.map((l) => l.units),
      [8, 8, 8, 16, 16, 32, 32, 64, 64, 64],
    );
    assert.ok(layers.slice(0, 9).every((l) => l.kind === 'conv'));
    let batches = 0;
    await forEachLayerBatch(
      {
        config: c,
        dataset: dataset(4),
        rows: Int32Array.from([0, 1, 2, 3]),
        checkpoint: checkpointOf(c),
        seed: 1,
        pairs: 1,
        provider: 'cpu',
        threads: 1,
      },
      (b, ls) => {
        batches++;
        ls.forEach((l, i) => assert.equal(b.outputs[i].length, 2 * b.B * l.units * l.positions, l.name));
      },
    );
    assert.equal(batches, 2, '4 rows in batches of 3');
  });

  test('ViT (depth 2): blocks as tokens [T, D]; unit means average over the tokens', async () => {
    const c = config({ kind: 'vitTiny', options: { patch: 7, dim: 16, depth: 2, heads: 2 } });
    const layers = layersOf(c);
    assert.deepEqual(
      layers.map((l) => `${l.name}:${l.kind}`),
      ['blocks.0:tokens', 'blocks.1:tokens', 'repr:vector'],
    );
    assert.equal(layers[0].units, 16);
    await forEachLayerBatch(
      {
        config: c,
        dataset: dataset(2),
        rows: Int32Array.from([0, 1]),
        checkpoint: checkpointOf(c),
        seed: 1,
        pairs: 1,
        provider: 'cpu',
        threads: 1,
      },
      (b, ls) => {
        const l = ls[1];
        const values = b.outputs[1].subarray(0, b.real * l.units * l.positions);
        const means = unitMeans(l.kind, l.units, l.positions, values, b.real);
        // feature 3 of image 0 by hand
        let s = 0;
        for (let t = 0; t < l.positions; t++) s += values[t * l.units + 3];
        assert.ok(Math.abs(means[3] - s / l.positions) < 1e-6);
        assert.ok(means.every(Number.isFinite));
      },
    );
  });
});
