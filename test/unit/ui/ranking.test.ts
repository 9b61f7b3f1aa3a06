// Ranking scope (issue 17 item 4): memorization is ranked among S_C, controls stand apart, sort orders, the
// noise rule and the score's standard error; pure functions first, then over a real run folder.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun } from '../../../bench/synthetic-run';
import { RunData } from '../../../src/ui/runData';
import { ScoreIndex, BAND_BADGES } from '../../../src/ui/scoreIndex';
import { noiseBand, orderRows, questionRanks, questionSubsets, scoreStderr, withinNoise } from '../../../src/ui/ranking';
import type { SubsetName } from '../../../src/protocol/scorePanel';
import { isScorePanelToHost } from '../../../src/protocol/scorePanel';

type Row = { index: number; subset: SubsetName; normalised: number; lf: number; lg: number };
const row = (index: number, subset: SubsetName, normalised: number, lf = 0.5, lg = 0.5): Row => ({ index, subset, normalised, lf, lg });

test('the question is S_C when the run has candidates, every subset when it has none', () => {
  assert.deepEqual(questionSubsets({ S_S: 40, S_C: 5, S_I: 5, S_E: 0 }), ['S_C']);
  assert.deepEqual(questionSubsets({ S_S: 0, S_C: 0, S_I: 0, S_E: 30 }), ['S_S', 'S_C', 'S_I', 'S_E']);
});

test('ranks among the question: an S_E image above every candidate gets no rank, the best candidate is #1', () => {
  const byRank = [row(7, 'S_E', 0.9), row(3, 'S_S', 0.8), row(5, 'S_C', 0.7), row(1, 'S_C', 0.1), row(2, 'S_I', -0.5)];
  const ranks = questionRanks(byRank, ['S_C']);
  assert.deepEqual(
    [...ranks],
    [
      [5, 1],
      [1, 2],
    ],
  );
  assert.equal(ranks.get(7), undefined);
});

test('sort orders: memorization puts S_C first then the controls; the others sort one column; NaN last', () => {
  const byRank = [
    row(7, 'S_E', 0.9, 0.1, 0.9),
    row(3, 'S_S', 0.8, 0.2, 0.7),
    row(5, 'S_C', 0.7, 0.3, 0.6),
    row(1, 'S_C', 0.1, 0.4, 0.5),
    row(2, 'S_I', NaN, NaN, 0.4),
  ];
  const order = (k: Parameters<typeof orderRows>[1]) => orderRows(byRank, k, ['S_C'], (r) => r.lf).map((r) => r.index);
  assert.deepEqual(order('memorization'), [5, 1, 7, 3, 2]);
  assert.deepEqual(order('score-desc'), [7, 3, 5, 1, 2]);
  assert.deepEqual(order('score-asc'), [1, 5, 3, 7, 2]);
  assert.deepEqual(order('lf'), [7, 3, 5, 1, 2]);
  assert.deepEqual(order('lg'), [2, 1, 5, 3, 7]);
  assert.deepEqual(order('stderr'), [1, 5, 3, 7, 2]); // stderrOf = lf here: highest first, NaN last
});

test('within noise: inside the 5th–95th percentile of the S_S and S_E scores; S_I and S_C do not widen the band', () => {
  const rows = [
    ...Array.from({ length: 101 }, (_, i) => row(i, i % 2 ? 'S_S' : 'S_E', (i - 50) / 500)), // controls in [-0.1, 0.1]
    row(200, 'S_C', 0.9),
    row(201, 'S_I', -0.9),
  ];
  const band = noiseBand(rows)!;
  assert.ok(Math.abs(band.lo - -0.09) < 1e-12 && Math.abs(band.hi - 0.09) < 1e-12, JSON.stringify(band));
  assert.equal(withinNoise(0.05, band), true);
  assert.equal(withinNoise(0.2, band), false);
  assert.equal(withinNoise(-0.2, band), false);
  assert.equal(withinNoise(NaN, band), true);
  assert.equal(withinNoise(0.05, undefined), false, 'no controls, no noise level: nothing flagged');
  assert.equal(noiseBand([row(1, 'S_C', 0.3)]), undefined);
});

test("the score's standard error propagates the two losses' standard errors, per normalisation", () => {
  const r = { lf: 0.2, lg: 0.6, lfStderr: 0.03, lgStderr: 0.04 };
  assert.ok(Math.abs(scoreStderr(r, 'raw', 0) - 0.05) < 1e-12);
  assert.ok(Math.abs(scoreStderr(r, 'range', 2) - 0.025) < 1e-12);
  // s = (g − f)/(g + f): ∂s/∂g = 2f/(g+f)², ∂s/∂f = −2g/(g+f)²
  const expected = Math.sqrt(((2 * 0.2) / 0.64) ** 2 * 0.04 ** 2 + ((2 * 0.6) / 0.64) ** 2 * 0.03 ** 2);
  assert.ok(Math.abs(scoreStderr(r, 'symmetric', 0) - expected) < 1e-12);
  // Numerically: moving L_f by its standard error moves the score by about ∂s/∂f · se_f.
  const s = (f: number, g: number) => (g - f) / (g + f);
  assert.ok(Math.abs(Math.abs(s(0.2 + 1e-6, 0.6) - s(0.2, 0.6)) / 1e-6 - (2 * 0.6) / 0.64) < 1e-4);
  assert.ok(Number.isNaN(scoreStderr({ ...r, lf: 0, lg: 0 }, 'symmetric', 0)));
});

test('getRows takes a known sort key or none; anything else is refused', () => {
  const base = { type: 'getRows', requestId: 1, filter: { subsets: [], classes: [] }, start: 0, end: 10 };
  assert.ok(isScorePanelToHost(base));
  assert.ok(isScorePanelToHost({ ...base, sort: 'stderr' }));
  assert.ok(!isScorePanelToHost({ ...base, sort: 'rank; drop' }));
});

describe('ranking scope over a real run folder', () => {
  const demo = join(__dirname, '..', '..', '..', '..', 'demo', 'fashion-mnist');
  let store: string, dir: string;
  before(async () => {
    store = mkdtempSync(join(tmpdir(), 'sslmem-rank-'));
    dir = await writeSyntheticRun(store, demo, 400, 3);
  });
  after(() => rmSync(store, { recursive: true, force: true }));

  test("the panel's default order leads with S_C, #1 = most memorized candidate, controls after", async () => {
    const d = await RunData.open(dir);
    const rows = d.query({ subsets: [], classes: [] }, 'memorization');
    const nC = d.byRank.filter((r) => r.subset === 'S_C').length;
    assert.ok(rows.slice(0, nC).every((r) => r.subset === 'S_C'));
    assert.ok(rows.slice(nC).every((r) => r.subset !== 'S_C'));
    assert.equal(d.questionRank.get(rows[0].index), 1);
    // The synthetic run has controls that outscore some candidates: the global order differs from this one.
    const global = d.query({ subsets: [], classes: [] }, 'score-desc');
    assert.notEqual(
      global.findIndex((r) => r.subset !== 'S_C'),
      nC,
      'fixture: no control scores above a candidate',
    );
    // Every order holds the same rows.
    for (const k of ['score-asc', 'lf', 'lg', 'stderr'] as const) assert.equal(d.query({ subsets: [], classes: [] }, k).length, d.n);
    const asc = d.query({ subsets: [], classes: [] }, 'score-asc');
    for (let i = 1; i < asc.length; i++) assert.ok(asc[i - 1].normalised <= asc[i].normalised);
  });

  test('Explorer badges: a control that outscores most candidates is a control (○), never "most memorized"; bands are S_C percentiles', async () => {
    const d = await RunData.open(dir);
    const index = new ScoreIndex();
    await index.rebuild([store]);
    const topControl = d.byRank.find((r) => r.subset !== 'S_C')!;
    const candidates = d.byRank.filter((r) => r.subset === 'S_C');
    assert.ok(topControl.rank < candidates[Math.floor(candidates.length / 2)].rank, 'fixture: no control outscores half of S_C');
    const s = index.lookup(d.fileOf(topControl)!)!;
    assert.equal(s.band, 'control');
    assert.equal(BAND_BADGES[s.band], '○');
    assert.equal(s.candidateRank, undefined);
    const bestCandidate = d.byRank.find((r) => r.subset === 'S_C')!;
    const c = index.lookup(d.fileOf(bestCandidate)!)!;
    assert.equal(c.candidateRank, 1);
    assert.equal(c.band, 'high');
    // Over every indexed sample: bands only on S_C, and from S_C ranks.
    const n = d.questionSize;
    for (const r of d.byRank) {
      const x = index.lookup(d.fileOf(r)!)!;
      if (r.subset === 'S_C') assert.notEqual(x.band, 'control');
      else assert.equal(x.band, 'control');
      if (x.candidateRank !== undefined) assert.equal(x.candidates, n);
      assert.equal(x.noise, withinNoise(r.normalised, d.noise));
    }
  });
});
