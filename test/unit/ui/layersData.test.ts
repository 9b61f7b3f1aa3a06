// The Layers & Units panel's host-side data (no vscode): over-training.json and an imported run's final-layer
// note pass through to the page's summaries; a damaged over-training.json is dropped with a note, not shown.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readLayersData, summariseLayers, summariseOverTraining } from '../../../src/ui/layersData';
import type { LayersFile, OverTrainingFile, OverTrainingRow } from '../../../src/engine/layers/types';
import { tempDir } from '../pipeline/helpers';

const row = (step: number, sc: number, ss: number): OverTrainingRow => ({
  step,
  epoch: step / 3,
  lossF: 4 - step / 100,
  lossG: 4.01 - step / 100,
  knnF: 0.6,
  knnG: null,
  scoreSC: { mean: sc, stderr: 0.003, n: 2 },
  scoreSS: { mean: ss, stderr: 0.002, n: 2 },
  score: [sc, sc, ss, ss],
  lf: [0.2, 0.2, 0.2, 0.2],
  lg: [0.2, 0.2, 0.2, 0.2],
});
const overTraining: OverTrainingFile = {
  version: 1,
  kind: 'over-training',
  run: 'r',
  createdAt: '',
  model: 'smallCnn',
  totalSteps: 6,
  stepsPerEpoch: 3,
  pairs: 8,
  seed: 1,
  seedPairs: 1,
  sample: {
    index: [0, 1, 2, 3],
    subset: ['S_C', 'S_S', 'S_C', 'S_S'],
    path: ['a', 'b', 'c', 'd'],
    sampleSeed: 0,
    normalisation: 'symmetric',
    runScore: [0, 0, 0, 0],
  },
  knn: { k: 20, train: 'S_S', testF: 'S_E ∪ S_I', testG: 'S_E ∪ S_C' },
  rows: [row(3, 0.01, 0), row(6, 0.02, -0.01)],
};

test('over-training.json: read, summarised row by row for the page', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'over-training.json'), JSON.stringify(overTraining));
  const d = await readLayersData(dir);
  assert.deepEqual(d.notes, []);
  const s = summariseOverTraining(d.overTraining!);
  assert.deepEqual([s.sampleSC, s.sampleSS, s.totalSteps, s.pairs], [2, 2, 6, 8]);
  assert.deepEqual(
    s.rows.map((r) => [r.step, r.scoreSC, r.scoreSS, r.knnG]),
    [
      [3, 0.01, 0, null],
      [6, 0.02, -0.01, null],
    ],
  );
  assert.match(s.knn ?? '', /k = 20/);
});

test('a damaged over-training.json is not shown: null with a note', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'over-training.json'), JSON.stringify({ ...overTraining, rows: [{ step: 'x' }] }));
  const d = await readLayersData(dir);
  assert.equal(d.overTraining, null);
  assert.match(d.notes.join(), /over-training\.json is not a valid over-training result/);
});

test("an imported run's LayerMem: the final-layer-only reason reaches the page", () => {
  const l: LayersFile = {
    version: 1,
    kind: 'layers',
    run: 'r',
    createdAt: '',
    model: 'imported',
    set: { kind: 'subset', subsets: ['S_C'] },
    reduce: 'flatten',
    normalise: true,
    pairs: 8,
    seed: 0,
    seedPairs: 1,
    finalLayerOnly: 'imported encoders: only their output is visible',
    layers: [
      {
        name: 'output',
        kind: 'vector',
        shape: [4],
        units: 4,
        positions: 1,
        dim: 4,
        layerMem: 0.01,
        stderr: 0.001,
        delta: 0.01,
        meanLf: 0.2,
        meanLg: 0.21,
      },
    ],
    points: { index: [0], path: ['a'], runScore: [0.01], score: [[0.01]], lf: [[0.2]], lg: [[0.21]] },
  };
  assert.equal(summariseLayers(l).finalLayerOnly, 'imported encoders: only their output is visible');
  assert.equal(summariseLayers({ ...l, finalLayerOnly: undefined }).finalLayerOnly, null);
});
