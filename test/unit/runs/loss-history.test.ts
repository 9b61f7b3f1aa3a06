// The loss history file (issue 17 item 7): parsed tolerantly, cut back to the checkpoint a training resumes
// from, thinned for a chart, and found per training stage through the manifest.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LOSS_HISTORY_FILE,
  parseLossHistory,
  readLossArray,
  readLossHistory,
  readRunLossHistory,
  thinLossHistory,
  writeLossHistory,
} from '../../../src/engine/runs/loss-history';

test('parse: step,loss lines; the header, damaged lines and steps that go back are skipped', () => {
  assert.deepEqual(parseLossHistory('step,loss\n1,0.9\n2,0.8\nx,1\n3,\n2,0.1\n4,NaN\n5,0.5\n'), [
    { step: 1, loss: 0.9 },
    { step: 2, loss: 0.8 },
    { step: 5, loss: 0.5 },
  ]);
});

test('written whole up to a step; a resume reads it back only up to its checkpoint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sslmem-loss-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'f'));
  const file = join(dir, 'f', LOSS_HISTORY_FILE);
  const losses = Float32Array.from({ length: 12 }, (_, i) => 1 / (i + 1));
  losses[4] = NaN; // a step not recorded is left out
  await writeLossHistory(file, losses, 12);
  assert.equal((await readLossHistory(file)).length, 11);
  assert.match(readFileSync(file, 'utf8'), /^step,loss\n1,1\n2,0.5\n/);
  // Written just before the checkpoint of step 12, then killed with the checkpoint still at step 10: the resume
  // keeps steps 1..10 and trains 11 and 12 again.
  const resumed = await readLossArray(file, 12, 10);
  assert.deepEqual(
    Array.from(resumed.slice(8)).map((x) => (Number.isNaN(x) ? null : Math.round(x * 1000))),
    [111, 100, null, null],
  );
  assert.ok(Number.isNaN(resumed[4]));
  assert.deepEqual(await readLossHistory(join(dir, 'missing.csv')), []);
  assert.equal((await readLossArray(join(dir, 'missing.csv'), 3)).every(Number.isNaN), true);
});

test('thin: at most max points, evenly spaced, first and last kept', () => {
  const pts = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, loss: i }));
  const thin = thinLossHistory(pts, 100);
  assert.equal(thin.length, 100);
  assert.equal(thin[0].step, 1);
  assert.equal(thin[99].step, 1000);
  for (let i = 1; i < thin.length; i++) assert.ok(thin[i].step > thin[i - 1].step);
  assert.equal(thinLossHistory(pts.slice(0, 5), 100).length, 5);
});

test("a run's history: per training stage, from the folder its checkpoint is recorded in, in stage order", async (t) => {
  const run = mkdtempSync(join(tmpdir(), 'sslmem-loss-run-'));
  t.after(() => rmSync(run, { recursive: true, force: true }));
  for (const [dir, text] of [
    ['f', 'step,loss\n1,0.9\n2,0.7\n'],
    ['g', 'step,loss\n1,0.8\n'],
  ]) {
    mkdirSync(join(run, dir));
    writeFileSync(join(run, dir, LOSS_HISTORY_FILE), text);
  }
  const manifest = {
    stageOrder: ['split', 'train_f', 'train_g', 'score_f'],
    stages: {
      split: { status: 'done' },
      train_f: { status: 'done', checkpoint: 'f/checkpoint.bin' },
      train_g: { status: 'pending', checkpoint: 'g/checkpoint.bin' },
      score_f: { status: 'pending' },
    },
  } as unknown as Parameters<typeof readRunLossHistory>[1];
  assert.deepEqual(await readRunLossHistory(run, manifest), [
    {
      stage: 'train_f',
      points: [
        { step: 1, loss: 0.9 },
        { step: 2, loss: 0.7 },
      ],
    },
    { stage: 'train_g', points: [{ step: 1, loss: 0.8 }] },
  ]);
});

test("a whole-dataset run's history: one entry per encoder (train#j), from e<j>/", async (t) => {
  const run = mkdtempSync(join(tmpdir(), 'sslmem-loss-whole-'));
  t.after(() => rmSync(run, { recursive: true, force: true }));
  for (const [dir, text] of [
    ['e0', 'step,loss\n1,1.5\n'],
    ['e1', 'step,loss\n1,1.4\n2,1.3\n'],
  ]) {
    mkdirSync(join(run, dir));
    writeFileSync(join(run, dir, LOSS_HISTORY_FILE), text);
  }
  const manifest = {
    stageOrder: ['design', 'train#0', 'train#1', 'score#0', 'score#1', 'report'],
    stages: {
      design: { status: 'done' },
      'train#0': { status: 'done', checkpoint: 'e0/checkpoint.bin' },
      'train#1': { status: 'pending', checkpoint: 'e1/checkpoint.bin' },
    },
  } as unknown as Parameters<typeof readRunLossHistory>[1];
  assert.deepEqual(
    (await readRunLossHistory(run, manifest)).map((h) => [h.stage, h.points.length]),
    [
      ['train#0', 1],
      ['train#1', 2],
    ],
  );
});
