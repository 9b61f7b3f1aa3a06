// The live training view's arithmetic: overall progress across stages, ETA, and the loss axis.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  buildLossSeries,
  etaSeconds,
  formatDuration,
  lossAxisRange,
  lossSeriesStyle,
  overallFraction,
} from '../../../webview/training/progress';
import { isHostToTraining, isTrainingEvent } from '../../../src/protocol/training';

const STAGES = ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report'];

test('overall progress runs 0 → 1 across all stages, training weighing most', () => {
  assert.equal(overallFraction(STAGES, new Map()), 0);
  const halfF = overallFraction(
    STAGES,
    new Map([
      ['split', 1],
      ['train_f', 0.5],
    ]),
  );
  assert.ok(halfF > 0.2 && halfF < 0.25, String(halfF));
  const bothTrained = overallFraction(
    STAGES,
    new Map([
      ['split', 1],
      ['train_f', 1],
      ['train_g', 1],
    ]),
  );
  assert.ok(bothTrained > 0.8 && bothTrained < 0.9, String(bothTrained));
  assert.equal(overallFraction(STAGES, new Map(STAGES.map((s) => [s, 1]))), 1);
  // An unknown stage name still counts; values outside 0..1 are clamped.
  assert.equal(overallFraction(['x', 'y'], new Map([['x', 2]])), 0.5);
});

test('ETA follows the pace, and says nothing before there is a pace', () => {
  assert.equal(etaSeconds(60, 0.25), 180);
  assert.equal(etaSeconds(60, 0), undefined);
  assert.equal(etaSeconds(1, 0.5), undefined);
  assert.equal(etaSeconds(60, 1), undefined);
  // A resumed run starts at 40%: 60 s for the next 20% means 120 s for the last 40%, not 40 s.
  assert.ok(Math.abs(etaSeconds(60, 0.6, 0.4)! - 120) < 1e-9);
  assert.equal(etaSeconds(60, 0.4, 0.4), undefined);
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(3720), '1 h 02 min');
});

test('the loss axis: one point gets a wide range (not 0.94–1.06), a curve gets its span plus 5%', () => {
  assert.equal(lossAxisRange([]), undefined);
  const one = lossAxisRange([1])!;
  assert.ok(one.max - one.min >= 1 - 1e-12, JSON.stringify(one));
  assert.ok(one.min < 1 && one.max > 1);
  const flat = lossAxisRange([4.1, 4.1, 4.1])!;
  assert.ok(flat.max - flat.min > 4, JSON.stringify(flat));
  const curve = lossAxisRange([5, 4, 3, Number.NaN])!;
  assert.ok(Math.abs(curve.min - 2.9) < 1e-9 && Math.abs(curve.max - 5.1) < 1e-9, JSON.stringify(curve));
  const negative = lossAxisRange([-0.9])!; // SimSiam's loss is a negative cosine
  assert.ok(negative.min < -0.9 && negative.max > -0.9);
});

test("one curve per encoder, in stage order, each starting with its resumed history: f/g, seed pairs, a whole run's encoders", () => {
  const paper = buildLossSeries(
    ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report'],
    [
      {
        stage: 'train_f',
        points: [
          [1, 0.9],
          [2, 0.8],
        ],
      },
    ],
  );
  assert.deepEqual(
    paper.map((s) => [s.key, s.label, s.points.length]),
    [
      ['f', 'f (trains on S_S ∪ S_C)', 2],
      ['g', 'g (trains on S_S ∪ S_I)', 0],
    ],
  );
  assert.deepEqual(paper[0].points, [
    { x: 1, y: 0.9 },
    { x: 2, y: 0.8 },
  ]);

  // Seed pairs no longer collapse onto f and g: each pair's encoders have their own curve.
  const pairs = buildLossSeries(
    ['split', 'train_f#0', 'train_f#1', 'train_g#0', 'train_g#1', 'score_f#0', 'report'],
    [
      { stage: 'train_g#1', points: [[1, 0.7]] },
      { stage: 'train_f#1', points: [[1, 0.6]] },
    ],
  );
  assert.deepEqual(
    pairs.map((s) => [s.key, s.label, s.points.map((p) => p.y)]),
    [
      ['f#0', 'f, pair 0 (trains on S_S ∪ S_C)', []],
      ['f#1', 'f, pair 1 (trains on S_S ∪ S_C)', [0.6]],
      ['g#0', 'g, pair 0 (trains on S_S ∪ S_I)', []],
      ['g#1', 'g, pair 1 (trains on S_S ∪ S_I)', [0.7]],
    ],
  );

  // A whole-dataset run: encoder j of train#j, its history kept on resume; scoring stages draw nothing.
  const whole = buildLossSeries(
    ['design', 'train#0', 'train#1', 'train#2', 'train#3', 'score#0', 'score#1', 'report'],
    [
      { stage: 'train#0', points: [[1, 1.5]] },
      { stage: 'train#2', points: [[3, 1.2]] },
      { stage: 'score#0', points: [[1, 9]] },
    ],
  );
  assert.deepEqual(
    whole.map((s) => [s.label, s.points]),
    [
      ['encoder 0', [{ x: 1, y: 1.5 }]],
      ['encoder 1', []],
      ['encoder 2', [{ x: 3, y: 1.2 }]],
      ['encoder 3', []],
    ],
  );
  // Every curve is told apart: no two encoders share colour and dash.
  const looks = new Set(buildLossSeries(Array.from({ length: 16 }, (_, j) => `train#${j}`)).map((s) => JSON.stringify(lossSeriesStyle(s))));
  assert.equal(looks.size, 16);
  assert.notDeepEqual(lossSeriesStyle(pairs[0]), lossSeriesStyle(pairs[1]));
});

test('training events are validated: a step must name a training stage and carry numbers', () => {
  const step = { kind: 'train', stage: 'train#3', step: 4, total: 40, loss: 1.25, imagesPerSec: 300 };
  assert.ok(isTrainingEvent(step));
  assert.ok(isTrainingEvent({ ...step, stage: 'train_g#1' }));
  assert.ok(isTrainingEvent({ ...step, loss: null }), 'a NaN loss arrives as null and still counts as a step');
  for (const bad of [
    { ...step, stage: 'score#3' },
    { ...step, stage: 'train' },
    { ...step, stage: 'train#x' },
    { ...step, stage: 7 },
    { ...step, step: '4' },
    { ...step, loss: '1.25' },
    { ...step, imagesPerSec: undefined },
  ])
    assert.ok(!isTrainingEvent(bad), JSON.stringify(bad));
  assert.ok(isHostToTraining({ type: 'start', title: 't', stages: ['train#0'], history: [{ stage: 'train#0', points: [[1, 2]] }] }));
  assert.ok(!isHostToTraining({ type: 'start', title: 't', stages: ['train#0'], history: [{ stage: 'report', points: [[1, 2]] }] }));
  assert.ok(!isHostToTraining({ type: 'progress', event: { ...step, stage: 'design' } }));
});
