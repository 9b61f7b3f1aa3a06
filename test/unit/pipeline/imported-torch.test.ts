// Imported encoders exported from PyTorch (torch.onnx.export of two tiny random CNNs, dynamic batch): `sslmem
// score --f --g` writes a normal run whose L_f / L_g equal what torch computes on the same views (made here by
// the plain-JS augmentation reference, which shares no code with the augmentation graph the run used).
// Also: a fixed-batch export gives the same scores (chunked, padded passes), and bad models fail clearly.
import { describe, test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadDataset } from '../../../src/engine/data';
import { augmentReference, recipe, sampleAugmentations } from '../../../src/engine/augment';
import { drawSplit } from '../../../src/engine/sslmem/split';
import { startImportedRun } from '../../../src/engine/sslmem/imported/import-encoders';
import { resumeRun } from '../../../src/engine/sslmem/pipeline';
import { cli, demoSubset, lastLine, readScoresCsv, REPO } from './helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(REPO, 'test', 'unit', 'pipeline', 'torch_encoders.py');
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' }).status === 0;
const K = 2,
  SEED = 11;
const root = mkdtempSync(path.join(tmpdir(), 'sslmem-torch-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const models = path.join(root, 'models');
const data = path.join(root, 'data');
const splitFile = path.join(root, 'split.json');
let firstScores = '';

function python(args: string[]): string {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch_encoders.py ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

async function score(f: string, g: string, extra: string[] = []) {
  return cli([
    'score',
    '--f',
    path.join(models, f),
    '--g',
    path.join(models, g),
    '--data',
    data,
    '--split',
    splitFile,
    '--pairs',
    String(K),
    '--seed',
    String(SEED),
    '--workspace',
    root,
    '--in-process',
    '--ep',
    'cpu',
    ...extra,
  ]);
}

describe('imported ONNX encoders from PyTorch', { skip: hasTorch ? false : 'needs /usr/bin/python3 with torch + onnx' }, () => {
  before(async () => {
    mkdirSync(models, { recursive: true });
    python(['export', models]);
    demoSubset(data, 6);
    const { dataset } = await loadDataset(data, { height: 28, width: 28, channels: 1 });
    const split = drawSplit(dataset.n, { seed: 2 });
    writeFileSync(
      splitFile,
      JSON.stringify(Object.fromEntries(Object.entries(split).map(([s, idx]) => [s, Array.from(idx, (i) => dataset.paths[i])]))),
    );
  });

  test('scores equal torch on the same views; the run folder is complete', async () => {
    const r = await score('f.onnx', 'g.onnx');
    assert.equal(r.code, 0, r.stderr);
    const runDir = lastLine(r.stdout);
    for (const f of ['manifest.json', 'split.json', 'scores.csv', 'scores.bin', 'report.json', 'report.md', 'losses-f.bin', 'losses-g.bin'])
      assert.ok(existsSync(path.join(runDir, f)), f);
    const manifest = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.preset, 'imported');
    assert.equal(manifest.config.encoders.f.batch, null, 'dynamic batch read from the model');
    assert.equal(manifest.config.encoders.f.input, 'x');
    const csv = readScoresCsv(path.join(runDir, 'scores.csv'));
    assert.equal(csv.rows.length, 60);
    firstScores = readFileSync(path.join(runDir, 'scores.csv'), 'utf8');

    // Oracle: views of a few points from the JS reference augmentation, encoded by torch.
    const { dataset } = await loadDataset(data, { height: 28, width: 28, channels: 1 });
    const augment = recipe('fashion-mnist', 1, [28, 28]);
    const picked = [0, 7, 23, 42, 59].map((row) => csv.rows[row]);
    const views = new Float32Array(picked.length * K * 2 * 784);
    picked.forEach((row, p) => {
      const index = Number(row.index);
      const image = Float64Array.from(dataset.images.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
      for (let k = 0; k < K; k++)
        for (let v = 0; v < 2; v++) {
          const view = augmentReference(image, sampleAugmentations(augment, SEED, k, v, 1, [index]), augment);
          views.set(view, ((p * K + k) * 2 + v) * 784);
        }
    });
    const viewsFile = path.join(root, 'views.f32');
    writeFileSync(viewsFile, Buffer.from(views.buffer));
    const torch = JSON.parse(python(['oracle', models, viewsFile, String(picked.length), String(K)])) as { lf: number[]; lg: number[] };
    picked.forEach((row, p) => {
      for (const [col, want] of [
        ['L_f', torch.lf[p]],
        ['L_g', torch.lg[p]],
      ] as const) {
        const got = Number(row[col]);
        assert.ok(Math.abs(got - want) <= 1e-4 + 1e-3 * Math.abs(want), `${row.path} ${col}: engine ${got}, torch ${want}`);
      }
    });
    assert.ok(new Set(csv.rows.map((x) => x.L_f)).size > 50, 'losses differ between points');

    // The same f exported with a FIXED batch of 7 (60 rows = chunks of 7, the last padded): same scores.
    const fixed = await score('f_static7.onnx', 'g.onnx');
    assert.equal(fixed.code, 0, fixed.stderr);
    const csv7 = readScoresCsv(path.join(lastLine(fixed.stdout), 'scores.csv'));
    csv7.rows.forEach((x, i) => assert.ok(Math.abs(Number(x.L_f) - Number(csv.rows[i].L_f)) < 1e-5, x.path));
  });

  test('an imported run cancelled after score_f resumes (resumeRun) to the same scores; a changed encoder is refused', async () => {
    const abort = new AbortController();
    const copies = path.join(root, 'copies');
    mkdirSync(copies, { recursive: true });
    for (const m of ['f.onnx', 'g.onnx']) copyFileSync(path.join(models, m), path.join(copies, m));
    const request = {
      f: path.join(copies, 'f.onnx'),
      g: path.join(copies, 'g.onnx'),
      data,
      splitFile,
      storeDir: path.join(root, 'resumed'),
      pairs: K,
      seed: SEED,
    };
    const first = await startImportedRun(
      request,
      { provider: 'cpu' },
      {
        signal: abort.signal,
        onEvent: (e) => {
          if (e.kind === 'stage' && e.stage === 'score_f' && e.status === 'done') abort.abort();
        },
      },
    );
    assert.equal(first.status, 'cancelled');
    assert.equal(JSON.parse(readFileSync(path.join(first.runDir, 'manifest.json'), 'utf8')).status, 'interrupted');
    copyFileSync(path.join(models, 'f.onnx'), path.join(copies, 'g.onnx')); // g replaced behind the run's back
    await assert.rejects(resumeRun(first.runDir, { provider: 'cpu' }), /encoder g \(.*g\.onnx\) changed since this run started/);
    copyFileSync(path.join(models, 'g.onnx'), path.join(copies, 'g.onnx'));
    const stages: string[] = [];
    const done = await resumeRun(
      first.runDir,
      { provider: 'cpu' },
      {
        onEvent: (e) => {
          if (e.kind === 'stage') stages.push(`${e.stage}:${e.status}`);
        },
      },
    );
    assert.equal(done.status, 'done');
    assert.deepEqual(
      stages.filter((x) => x.endsWith('skip')),
      ['split:skip', 'score_f:skip'],
    );
    assert.ok(firstScores.length > 0);
    assert.equal(readFileSync(path.join(first.runDir, 'scores.csv'), 'utf8'), firstScores);
  });

  test('bad models: clear errors, exit code 1, no run folder', async () => {
    const runs = () => (existsSync(path.join(root, '.sslmem', 'runs')) ? readdirSync(path.join(root, '.sslmem', 'runs')).length : 0);
    const before = runs();
    let r = await score('bad_rank.onnx', 'g.onnx');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad_rank\.onnx: output 'emb' has shape \[1\] for a batch of 1; expected \[1, D\]/);
    r = await score('dyn_hw.onnx', 'g.onnx');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dyn_hw\.onnx: input 'x' has a dynamic height\/width/);
    r = await score('f.onnx', 'rgb.onnx');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /f and g take different images: f 1×28×28, g 3×28×28/);
    r = await score('f.onnx', 'g.onnx', ['--split', path.join(root, 'missing.json')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read split file/);
    assert.equal(runs(), before);
  });
});
