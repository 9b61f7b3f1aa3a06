// The score panel's atypicality chart data (src/ui/atypicalityChart.ts) and its message guard: points split into
// scored, control and "planted-" images, ρ and p taken from report.json, nothing for runs without the check.
// The same reader over a real whole-dataset run folder is covered in test/unit/pipeline/whole-e2e.test.ts.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ScoreRow } from '../../../src/engine/runs/scores-bin';
import { atypicalityChart } from '../../../src/ui/atypicalityChart';
import { isAtypicalityChart, isHostToScorePanel } from '../../../src/protocol/scorePanel';

const row = (index: number, path: string, subset: 'S_C' | 'S_E', normalised: number, atypicality?: number): ScoreRow => ({
  row: index,
  index,
  path,
  subset,
  label: 0,
  lf: 0,
  lg: 0,
  raw: 0,
  normalised,
  rank: index + 1,
  lfStderr: 0,
  lgStderr: 0,
  ...(atypicality === undefined ? {} : { atypicality }),
});
const block = { k: 10, space: 'representation', rho: 0.25, p: 0.003, n: 2 };
const isControl = (r: ScoreRow) => r.subset === 'S_E';

describe('atypicality chart data', () => {
  test('scored, control and planted- points with report.json ρ and p; non-finite values left out', () => {
    const rows = [
      row(0, 'shirt/a.png', 'S_C', 0.0123456789, 0.51),
      row(1, 'shirt/planted-inv-3.png', 'S_C', 0.2, 0.9),
      row(2, 'bag/b.png', 'S_E', -0.01, 0.4),
      row(3, 'bag/planted-noise-1.png', 'S_E', 0.0, 0.8), // a planted control stays a control
      row(4, 'bag/c.png', 'S_C', NaN, 0.3),
      row(5, 'bag/d.png', 'S_C', 0.05, NaN),
    ];
    const chart = atypicalityChart(rows, block, isControl)!;
    assert.deepEqual(chart, {
      k: 10,
      rho: 0.25,
      p: 0.003,
      n: 2,
      scored: [{ x: 0.51, y: 0.0123457 }],
      control: [
        { x: 0.4, y: -0.01 },
        { x: 0.8, y: 0 },
      ],
      planted: [{ x: 0.9, y: 0.2 }],
    });
    assert.ok(isAtypicalityChart(chart));
    assert.ok(
      isHostToScorePanel({ type: 'init', runId: 'r', n: 6, histogram: {}, candidateScores: [], question: ['S_C'], atypicality: chart }),
    );
  });
  test('none for a run without the check: no block, a skipped block, a NaN ρ, or rows without the column', () => {
    const rows = [row(0, 'a.png', 'S_C', 0.1, 0.5)];
    assert.equal(atypicalityChart(rows, undefined, isControl), undefined);
    assert.equal(atypicalityChart(rows, { skipped: '30000 images' }, isControl), undefined);
    assert.equal(atypicalityChart(rows, { ...block, rho: NaN }, isControl), undefined);
    assert.equal(atypicalityChart([row(0, 'a.png', 'S_C', 0.1)], block, isControl), undefined);
  });
  test('the guard refuses a malformed chart, and an init message carrying one', () => {
    const good = { k: 10, rho: 0.1, p: 0.5, n: 1, scored: [{ x: 1, y: 2 }], control: [], planted: [] };
    assert.ok(isAtypicalityChart(good));
    assert.ok(!isAtypicalityChart({ ...good, scored: [{ x: 'a', y: 2 }] }));
    assert.ok(!isAtypicalityChart({ ...good, k: 0 }));
    assert.ok(!isAtypicalityChart({ ...good, planted: undefined }));
    assert.ok(!isAtypicalityChart({ ...good, rho: '0.1' }));
    const init = { type: 'init', runId: 'r', n: 1, histogram: {}, candidateScores: [], question: ['S_C'] };
    assert.ok(isHostToScorePanel(init));
    assert.ok(!isHostToScorePanel({ ...init, atypicality: { ...good, control: [{ x: Infinity, y: 0 }] } }));
  });
});
