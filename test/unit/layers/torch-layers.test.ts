// Cross-check of the per-layer activations that LayerMem and UnitMem read (one encode graph per encoder, every
// layer an output, augmentation in-graph) against PyTorch: the small CNN with the same random weights, on views
// made by the plain-JS augmentation reference (no code shared with the augmentation graph) from the same keyed
// parameters. Tolerance: |engine − torch| ≤ 1e-4 · (1 + max |torch|) per layer (float32 convolutions in a
// different order, plus the graph-vs-reference augmentation difference of ~1e-6 per pixel).
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadDataset } from '../../../src/engine/data';
import { augmentReference, sampleAugmentations } from '../../../src/engine/augment';
import { initParams } from '../../../src/engine/artifacts/init';
import type { Checkpoint } from '../../../src/engine/artifacts/checkpoint';
import { augmentationOf, buildProblem, resolvePreset } from '../../../src/engine/sslmem/config';
import { forEachLayerBatch } from '../../../src/engine/layers/activations';
import { demoSubset, REPO } from '../pipeline/helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(REPO, 'test', 'unit', 'layers', 'torch_layers.py');
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
const SEED = 23;

describe('per-layer activations vs PyTorch (small CNN)', { skip: hasTorch ? false : 'needs /usr/bin/python3 with torch' }, () => {
  test('every layer of both views matches torch within 1e-4 · (1 + max |a|)', async (t) => {
    const root = mkdtempSync(path.join(tmpdir(), 'sslmem-layers-torch-'));
    try {
      const data = demoSubset(path.join(root, 'data'), 2);
      const config = resolvePreset('tiny');
      const { dataset } = await loadDataset(data, config.decode);
      const problem = buildProblem(config);
      const { params, buffers } = initParams(problem, 5);
      const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
      for (const p of problem.params) tensors.set(`param/${p.name}`, { shape: p.shape, data: params.get(p.name)! });
      for (const b of problem.buffers) tensors.set(`buffer/${b.name}`, { shape: b.shape, data: buffers.get(b.name)! });
      const checkpoint: Checkpoint = { step: 0, seed: 5, tensors, meta: {} };
      const rows = Int32Array.from([0, 3, 11, 19]);

      const engine: { name: string; data: Float32Array; B: number }[] = [];
      const layers = await forEachLayerBatch(
        { config, dataset, rows, checkpoint, seed: SEED, pairs: 1, provider: 'cpu', threads: 1, batch: rows.length },
        (b, ls) => {
          ls.forEach((l, i) => engine.push({ name: l.name, data: Float32Array.from(b.outputs[i]), B: b.B }));
        },
      );
      assert.deepEqual(
        layers.map((l) => l.name),
        ['conv1', 'conv2', 'conv3', 'repr'],
      );
      assert.deepEqual(
        layers.map((l) => l.kind),
        ['conv', 'conv', 'conv', 'vector'],
      );

      // Views (row-major: point p, view v) from the reference augmentation with the same keyed parameters.
      const augment = augmentationOf(config);
      const size = 28 * 28;
      const views = new Float32Array(rows.length * 2 * size);
      rows.forEach((index, p) => {
        const image = Float64Array.from(dataset.images.subarray(index * size, (index + 1) * size), (v) => v / 255);
        for (let v = 0; v < 2; v++)
          views.set(augmentReference(image, sampleAugmentations(augment, SEED, 0, v, 1, [index]), augment), (p * 2 + v) * size);
      });
      const specs: { name: string; shape: number[]; offset: number }[] = [];
      const chunks: Float32Array[] = [];
      let offset = 0;
      for (const p of problem.params.filter((x) => /^conv\d\./.test(x.name))) {
        specs.push({ name: p.name, shape: p.shape, offset });
        chunks.push(params.get(p.name)!);
        offset += params.get(p.name)!.length;
      }
      const flat = new Float32Array(offset);
      chunks.reduce((o, c) => {
        flat.set(c, o);
        return o + c.length;
      }, 0);
      const file = (n: string) => path.join(root, n);
      writeFileSync(file('w.json'), JSON.stringify(specs));
      writeFileSync(file('w.f32'), Buffer.from(flat.buffer));
      writeFileSync(file('views.f32'), Buffer.from(views.buffer));
      const r = spawnSync(PYTHON, [SCRIPT, file('w.json'), file('w.f32'), file('views.f32'), String(rows.length * 2), file('out.f32')], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const torchLayers = JSON.parse(r.stdout) as { name: string; shape: number[] }[];
      const buf = readFileSync(file('out.f32'));
      const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      let at = 0;
      for (const tl of torchLayers) {
        const per = tl.shape.slice(1).reduce((a, b) => a * b, 1);
        const want = all.subarray(at, at + tl.shape[0] * per);
        at += tl.shape[0] * per;
        const got = engine.find((e) => e.name === tl.name);
        assert.ok(got, `engine has layer ${tl.name}`);
        let maxAbs = 0,
          maxDiff = 0;
        for (let p = 0; p < rows.length; p++)
          for (let v = 0; v < 2; v++) {
            const w = want.subarray((p * 2 + v) * per, (p * 2 + v + 1) * per);
            const g = got.data.subarray((v * got.B + p) * per, (v * got.B + p + 1) * per);
            for (let i = 0; i < per; i++) {
              maxAbs = Math.max(maxAbs, Math.abs(w[i]));
              maxDiff = Math.max(maxDiff, Math.abs(w[i] - g[i]));
            }
          }
        t.diagnostic(`${tl.name}: max |engine − torch| ${maxDiff.toExponential(2)}, max |a| ${maxAbs.toFixed(3)}`);
        assert.ok(maxAbs > 0, `${tl.name}: torch output is not all zero`);
        assert.ok(maxDiff <= 1e-4 * (1 + maxAbs), `${tl.name}: max |engine − torch| = ${maxDiff} (max |a| ${maxAbs})`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
