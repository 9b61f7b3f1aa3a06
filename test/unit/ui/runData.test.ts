// RunData, the score index and run comparison over real run folders written by the engine's writers
// (synthetic scores over real demo images; see bench/synthetic-run.ts).
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun } from '../../../bench/synthetic-run';
import { RunData, MARKS_FILE, quantile } from '../../../src/ui/runData';
import { ScoreIndex, bandOf } from '../../../src/ui/scoreIndex';
import { compareRuns, comparisonMarkdown } from '../../../src/ui/compareRuns';

const demo = join(__dirname, '..', '..', '..', '..', 'demo', 'fashion-mnist');
const N = 400;

describe('RunData over a real run folder', () => {
  let store: string, runA: string, runB: string;
  before(async () => {
    store = mkdtempSync(join(tmpdir(), 'sslmem-ui-'));
    runA = await writeSyntheticRun(store, demo, N, 1);
    await new Promise((r) => setTimeout(r, 5)); // run ids sort by creation time (ms)
    runB = await writeSyntheticRun(store, demo, N, 2);
  });
  after(() => rmSync(store, { recursive: true, force: true }));

  test('rows come in rank order with files under the dataset', async () => {
    const d = await RunData.open(runA);
    assert.equal(d.n, N);
    assert.deepEqual(
      d.byRank.slice(0, 5).map((r) => r.rank),
      [1, 2, 3, 4, 5],
    );
    for (let i = 1; i < d.n; i++) assert.ok(d.byRank[i - 1].normalised >= d.byRank[i].normalised);
    const file = d.fileOf(d.byRank[0])!;
    assert.ok(file.startsWith(demo) && existsSync(file), file);
  });

  test('τ starts at the noise level: the 95th percentile of the control subsets (S_S, S_E), not 0 (issue 17 item 10)', async () => {
    const d = await RunData.open(runA);
    const controls = d.byRank
      .filter((r) => r.subset === 'S_S' || r.subset === 'S_E')
      .map((r) => r.normalised)
      .sort((a, b) => a - b);
    const noise = d.init().noiseLevel!;
    assert.ok(Math.abs(noise - quantile(controls, 0.95)) < 1e-5, `${noise}`);
    const below = controls.filter((x) => x <= noise).length / controls.length;
    assert.ok(below >= 0.94 && below <= 0.96, `${below} of the controls at or below the noise level`);
    assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  });

  test('filters: subsets, classes, score range, marks', async () => {
    const d = await RunData.open(runA);
    const sc = d.query({ subsets: ['S_C'], classes: [] });
    assert.equal(sc.length, d.byRank.filter((r) => r.subset === 'S_C').length);
    assert.ok(sc.every((r) => r.subset === 'S_C'));
    const cls = d.query({ subsets: [], classes: [0, 3] });
    assert.ok(cls.length > 0 && cls.every((r) => r.label === 0 || r.label === 3));
    const ranged = d.query({ subsets: [], classes: [], min: 0, max: 0.1 });
    assert.ok(ranged.every((r) => r.normalised >= 0 && r.normalised <= 0.1));
    assert.equal(ranged.length, d.byRank.filter((r) => r.normalised >= 0 && r.normalised <= 0.1).length);
  });

  test('"Show scores > τ" is strict, like the threshold headline: a sample scoring exactly τ is not shown', async () => {
    const d = await RunData.open(runA);
    const tau = d.byRank
      .filter((r) => r.subset === 'S_C')
      .map((r) => r.normalised)
      .sort((a, b) => a - b)[0];
    const strict = d.query({ subsets: ['S_C'], classes: [], min: tau, minExclusive: true });
    const inclusive = d.query({ subsets: ['S_C'], classes: [], min: tau });
    assert.ok(strict.every((r) => r.normalised > tau));
    assert.equal(inclusive.length - strict.length, d.byRank.filter((r) => r.subset === 'S_C' && r.normalised === tau).length);
    assert.ok(inclusive.length > strict.length, 'the lowest S_C score is τ itself');
  });

  test('marks are saved to marks.json and read back by a fresh load', async () => {
    const d = await RunData.open(runA);
    const [a, b, c] = d.byRank.map((r) => r.index);
    await d.setMarks([a, b], 'keep');
    await d.setMarks([c], 'exclude');
    await d.setMarks([b], 'none');
    const file = JSON.parse(readFileSync(join(runA, MARKS_FILE), 'utf8'));
    assert.deepEqual(file.keep, [a]);
    assert.deepEqual(file.exclude, [c]);
    assert.deepEqual(
      d.query({ subsets: [], classes: [], marks: 'keep' }).map((r) => r.index),
      [a],
    );
    assert.equal(d.query({ subsets: [], classes: [], marks: 'unmarked' }).length, N - 2);
    const csv = d.toCsv([c, a]).trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[1], /,keep$/); // rank order: a (rank 1) first
    assert.match(csv[2], /,exclude$/);
  });

  test('init: histogram counts every scored row once; S_C scores sorted', async () => {
    const d = await RunData.open(runB);
    const init = d.init();
    const counted = Object.values(init.histogram.counts)
      .flat()
      .reduce((s, x) => s + x, 0);
    assert.equal(counted, N);
    assert.equal(init.candidateScores.length, init.subsetCounts.S_C);
    for (let i = 1; i < init.candidateScores.length; i++) assert.ok(init.candidateScores[i - 1] <= init.candidateScores[i]);
    assert.ok(init.tests.length === 3 && init.thresholdCurve.length > 0, 'report.json contents missing');
  });

  test('the score index keeps the newest run per dataset; bands by rank', async () => {
    const index = new ScoreIndex();
    await index.rebuild([store]);
    const b = await RunData.open(runB);
    assert.equal(index.latestRun?.dir, b.dir);
    const top = b.byRank[0];
    const s = index.lookup(b.fileOf(top)!);
    assert.ok(s);
    assert.equal(s.runDir, runB);
    // The view ranks S_C among itself: controls never lead it (issue 17 item 4).
    const sc = b.byRank.filter((r) => r.subset === 'S_C');
    assert.deepEqual(
      index.top(3).map((x) => x.rank),
      sc.slice(0, 3).map((r) => r.rank),
    );
    assert.deepEqual(
      index.top(3).map((x) => x.candidateRank),
      [1, 2, 3],
    );
    assert.ok(index.top(50).every((x) => x.subset === 'S_C'));
    assert.equal(bandOf(1, 100), 'high');
    assert.equal(bandOf(6, 100), 'mid');
    assert.equal(bandOf(26, 100), 'low');
  });

  test('compareRuns matches samples by file and measures agreement', async () => {
    const a = await RunData.open(runA),
      b = await RunData.open(runB);
    const self = compareRuns(a, a);
    assert.ok(Math.abs(self.pearson - 1) < 1e-12);
    assert.ok(self.rows.every((r) => r.diff === 0));
    const c = compareRuns(a, b);
    // Paths cycle through the demo images, so several samples share a file: matching is by file.
    assert.ok(c.shared > 0 && c.shared <= N);
    assert.ok(c.pearson < 1 && c.pearson > -1);
    for (let i = 1; i < c.rows.length; i++) assert.ok(Math.abs(c.rows[i - 1].diff) >= Math.abs(c.rows[i].diff));
    assert.match(comparisonMarkdown(c, 5), /largest score changes/);
  });
});
