// The live training view's arithmetic: overall progress across stages, ETA, and the loss axis.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { etaSeconds, formatDuration, historySeries, lossAxisRange, overallFraction } from '../../../webview/training/progress';

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

test("a resumed run's history becomes the f and g curves, pair stages included", () => {
  const s = historySeries([
    {
      stage: 'train_f',
      points: [
        [1, 0.9],
        [2, 0.8],
      ],
    },
    { stage: 'train_g#1', points: [[1, 0.7]] },
    { stage: 'train_f#1', points: [[1, 0.6]] },
  ]);
  assert.deepEqual(s.f, [
    { x: 1, y: 0.9 },
    { x: 2, y: 0.8 },
    { x: 1, y: 0.6 },
  ]);
  assert.deepEqual(s.g, [{ x: 1, y: 0.7 }]);
});
