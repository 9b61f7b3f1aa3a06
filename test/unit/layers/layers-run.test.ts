// `sslmem layers` and `sslmem units` on a tiny finished run (60 images, 1 epoch), through the CLI and the
// in-process backend job table: result files and report sections, the last layer equal to the run's own
// score (same views, same graph), UnitMem of f's exported encode.onnx equal to f's pooled last conv layer,
// options, bad input, and cancellation (nothing written). An imported-encoder run of the same f and g (their
// encode.onnx, same split, same views): LayerMem of its output only, equal to the trained run's last layer.
import { describe, test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { computeLayerMem, computeUnitMem, type LayersFile, type UnitsFile } from '../../../src/engine/layers';
import { cli, demoSubset, lastLine } from '../pipeline/helpers';
import { scoringSeedOf } from '../../../src/engine/sslmem/view-batches';

const root = mkdtempSync(path.join(tmpdir(), 'sslmem-layers-'));
let runDir = '';
const common = ['--in-process', '--ep', 'cpu', '--threads', '1'];
const readJson = <T>(f: string) => JSON.parse(readFileSync(f, 'utf8')) as T;
const sizes = () =>
  readJson<{ subsetSizes: Record<'S_S' | 'S_C' | 'S_I' | 'S_E', number> }>(path.join(runDir, 'manifest.json')).subsetSizes;

describe('layers and units of a tiny run', () => {
  before(async () => {
    const data = demoSubset(path.join(root, 'data'), 6);
    const r = await cli(['run', '--data', data, '--preset', 'tiny', '--set', '{"epochs":1}', '--workspace', root, ...common]);
    assert.equal(r.code, 0, r.stderr);
    runDir = lastLine(r.stdout);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('sslmem layers: layers.json + report section; the representation layer reproduces the run score', async () => {
    const r = await cli(['layers', runDir, ...common]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), path.join(runDir, 'layers.json'));
    const l = readJson<LayersFile>(path.join(runDir, 'layers.json'));
    assert.deepEqual(
      l.layers.map((x) => x.name),
      ['conv1', 'conv2', 'conv3', 'repr'],
    );
    assert.deepEqual(l.set, { kind: 'subset', subsets: ['S_C'] });
    assert.equal(l.points.index.length, sizes().S_C);
    for (const x of l.layers) assert.ok(Number.isFinite(x.layerMem) && x.layerMem >= -1 && x.layerMem <= 1);
    const last = l.points.score.length - 1;
    l.points.runScore.forEach((s, i) =>
      assert.ok(Math.abs((s ?? NaN) - (l.points.score[last][i] ?? NaN)) < 1e-5, `point ${i}: ${s} vs ${l.points.score[last][i]}`),
    );
    l.layers.forEach((x, i) => assert.ok(Math.abs(x.delta - (i ? x.layerMem - l.layers[i - 1].layerMem : x.layerMem)) < 1e-12));
    const md = readFileSync(path.join(runDir, 'report.md'), 'utf8');
    assert.match(md, /## LayerMem per layer/);
    // rerun with options: the section is replaced, not duplicated
    const again = await cli(['layers', runDir, '--set', 'top:5', '--reduce', 'mean', ...common]);
    assert.equal(again.code, 0, again.stderr);
    const l2 = readJson<LayersFile>(path.join(runDir, 'layers.json'));
    assert.equal(l2.points.index.length, 5);
    assert.equal(l2.reduce, 'mean');
    assert.equal(l2.layers[0].dim, l2.layers[0].units);
    assert.equal((readFileSync(path.join(runDir, 'report.md'), 'utf8').match(/<!-- sslmem:layers -->/g) ?? []).length, 1);
  });

  test('sslmem units: f, g (median, shift) and an ONNX file', async () => {
    const r = await cli(['units', runDir, ...common]);
    assert.equal(r.code, 0, r.stderr);
    const u = readJson<UnitsFile>(path.join(runDir, 'units.json'));
    assert.deepEqual(
      u.layers.map((x) => x.name),
      ['conv1', 'conv2', 'conv3'],
      'the pooled representation is not listed twice',
    );
    assert.equal(u.points, sizes().S_S + sizes().S_C, "f's training data: S_S ∪ S_C");
    assert.equal(u.augmentations, 10);
    for (const layer of u.layers) {
      assert.equal(layer.score.length, layer.units);
      for (const s of layer.score) assert.ok(s !== null && s >= 0 && s <= 1, 'ReLU units are non-negative');
      assert.ok(layer.top.every((t) => t.length === 32 && t.every((i) => u.paths[String(i)])));
    }
    const conv3 = u.layers[2];
    assert.match(readFileSync(path.join(runDir, 'report.md'), 'utf8'), /## UnitMem per layer/);

    const g = await cli(['units', runDir, '--encoder', 'g', '--median', '--shift', '--augmentations', '3', '--set', 'S_C', ...common]);
    assert.equal(g.code, 0, g.stderr);
    const ug = readJson<UnitsFile>(path.join(runDir, 'units.json'));
    assert.deepEqual(ug.encoder, { kind: 'g', seedPair: 0 });
    assert.equal(ug.rest, 'median');
    assert.equal(ug.negative, 'shift');
    assert.equal(ug.points, sizes().S_C);

    const file = await cli(['units', runDir, '--encoder', path.join(runDir, 'f', 'encode.onnx'), '--set', 'train', ...common]);
    assert.equal(file.code, 0, file.stderr);
    const uf = readJson<UnitsFile>(path.join(runDir, 'units.json'));
    assert.equal(uf.encoder.kind, 'file');
    assert.equal(uf.layers.length, 1);
    assert.equal(uf.layers[0].units, conv3.units);
    uf.layers[0].score.forEach((s, i) => assert.ok(Math.abs(s! - conv3.score[i]!) < 1e-4, `unit ${i}: ${s} vs ${conv3.score[i]}`));
  });

  test('an imported-encoder run: LayerMem of the final layer only, said so; UnitMem and history refused clearly', async () => {
    const r = await cli(['layers', runDir, ...common]); // the defaults again (the first test ended with top:5, mean)
    assert.equal(r.code, 0, r.stderr);
    const ref = readJson<LayersFile>(path.join(runDir, 'layers.json'));
    const data = readJson<{ config: { data: string } }>(path.join(runDir, 'manifest.json')).config.data;
    const s = await cli([
      'score',
      '--f',
      path.join(runDir, 'f', 'encode.onnx'),
      '--g',
      path.join(runDir, 'g', 'encode.onnx'),
      '--data',
      data,
      '--split',
      path.join(runDir, 'split.json'),
      '--pairs',
      String(ref.pairs),
      '--seed',
      String(scoringSeedOf(0)),
      '--augment',
      'fashion-mnist',
      '--workspace',
      path.join(root, 'imported'),
      ...common,
    ]);
    assert.equal(s.code, 0, s.stderr);
    const imported = lastLine(s.stdout);
    const l = await cli(['layers', imported, ...common]);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stderr, /note: imported encoders: only their output is visible/);
    const o = readJson<LayersFile>(path.join(imported, 'layers.json'));
    assert.match(o.finalLayerOnly ?? '', /final layer only/);
    assert.deepEqual(
      o.layers.map((x) => [x.name, x.shape]),
      [['output', [ref.layers[ref.layers.length - 1].units]]],
    );
    assert.deepEqual(o.points.index, ref.points.index);
    // Same encoders, same views: the imported output's score is the trained run's last layer, point by point.
    const last = ref.points.score.length - 1;
    o.points.score[0].forEach((x, i) =>
      assert.ok(Math.abs(x! - ref.points.score[last][i]!) < 1e-4, `point ${i}: ${x} vs ${ref.points.score[last][i]}`),
    );
    assert.ok(Math.abs(o.layers[0].layerMem - ref.layers[last].layerMem) < 1e-4);
    assert.match(readFileSync(path.join(imported, 'report.md'), 'utf8'), /\*\*Final layer only\*\*/);
    const u = await cli(['units', imported, ...common]);
    assert.notEqual(u.code, 0);
    assert.match(u.stderr, /imported encoders.*--encoder file\.onnx/);
    const h = await cli(['history', imported, ...common]);
    assert.notEqual(h.code, 0);
    assert.match(h.stderr, /no training snapshots/);
  });

  test('bad input is refused before any work; a cancelled analysis writes nothing', async () => {
    const bad = await cli(['layers', runDir, '--set', 'S_Q', ...common]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /point set/);
    const notRun = await cli(['units', root, ...common]);
    assert.notEqual(notRun.code, 0);
    rmSync(path.join(runDir, 'layers.json'));
    const abort = new AbortController();
    abort.abort();
    const r = await computeLayerMem({ runDir }, { provider: 'cpu', threads: 1 }, { signal: abort.signal });
    assert.equal(r.status, 'cancelled');
    assert.equal(r.file, null);
    assert.equal(existsSync(path.join(runDir, 'layers.json')), false);
    const u = await computeUnitMem({ runDir }, { provider: 'cpu', threads: 1 }, { signal: abort.signal });
    assert.equal(u.status, 'cancelled');
  });
});
