// The side-by-side gallery's data: two real run folders (the engine's writers, synthetic scores over real demo
// images) paired by image file; a retrain score diff paired by dataset index; both sides' orders, positions
// and pages; and the panel protocol's guards.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun } from '../../../bench/synthetic-run';
import { RunData } from '../../../src/ui/runData';
import { compareRuns } from '../../../src/ui/compareRuns';
import { GalleryPairs, pairsFromComparison, pairsFromScoreDiff, pearson, ranks, type PairedSample } from '../../../src/ui/galleryPairs';
import { isGalleryCompareToHost, isHostToGalleryCompare, type Side } from '../../../src/protocol/galleryCompare';
import { MAX_PAGE } from '../../../src/protocol/scorePanel';
import type { ScoreDiff } from '../../../src/engine/sslmem/removal/types';

const demo = join(__dirname, '..', '..', '..', '..', 'demo', 'fashion-mnist');

/** Every page of one side, concatenated. */
function wholeSide(p: GalleryPairs, side: Side, pageSize = 37) {
  const rows = [];
  for (let s = 0; s < p.total; s += pageSize) rows.push(...p.page(side, s, s + pageSize));
  return rows;
}

function checkOrders(p: GalleryPairs, scoreOf: (index: number, side: Side) => number): void {
  for (const side of ['a', 'b'] as const) {
    const other = side === 'a' ? 'b' : 'a';
    const rows = wholeSide(p, side);
    assert.equal(rows.length, p.total);
    assert.deepEqual(
      rows.map((r) => r.rank),
      rows.map((_, i) => i + 1),
    );
    assert.equal(new Set(rows.map((r) => r.index)).size, p.total, 'every sample once per side');
    for (let i = 1; i < rows.length; i++) {
      const [x, y] = [rows[i - 1].score, rows[i].score];
      assert.ok(Number.isNaN(y) || x >= y, `${side} not sorted at ${i}: ${x} < ${y}`);
    }
    for (const r of rows) {
      assert.equal(r.score, scoreOf(r.index, side));
      assert.equal(r.other, scoreOf(r.index, other));
      assert.ok(Object.is(r.delta, scoreOf(r.index, 'b') - scoreOf(r.index, 'a')));
      assert.equal(p.positionOf(side, r.index), r.rank - 1);
      assert.equal(p.page(other, r.otherRank - 1, r.otherRank)[0].index, r.index, 'otherRank points at the same sample');
    }
  }
}

describe('side-by-side gallery pairs', () => {
  let store: string, runA: string, runB: string;
  before(async () => {
    store = mkdtempSync(join(tmpdir(), 'sslmem-pairs-'));
    runA = await writeSyntheticRun(store, demo, 300, 1);
    await new Promise((r) => setTimeout(r, 5)); // run ids sort by creation time (ms)
    runB = await writeSyntheticRun(store, demo, 200, 2); // the first 200 of A's images, other scores
  });
  after(() => rmSync(store, { recursive: true, force: true }));

  test('two runs: paired by image file, each side sorted by its own score, Δ = B − A', async () => {
    const a = await RunData.open(runA),
      b = await RunData.open(runB);
    const c = compareRuns(a, b);
    const p = pairsFromComparison(c, { a: a.id, b: b.id });
    assert.equal(p.total, 200);
    assert.equal(p.summary.onlyA, 100);
    assert.equal(p.summary.onlyB, 0);
    const byFileB = new Map(b.byRank.map((r) => [b.fileOf(r), r.normalised]));
    const score = (index: number, side: Side) => (side === 'a' ? a.row(index)!.normalised : byFileB.get(a.fileOf(a.row(index)!))!);
    checkOrders(p, score);
    for (const s of p.samples) assert.equal(s.path, a.row(s.index)!.path);
    const deltas = p.samples.map((s) => s.b - s.a);
    assert.ok(Math.abs(p.summary.meanDelta! - deltas.reduce((x, y) => x + y, 0) / deltas.length) < 1e-12);
    assert.ok(
      Math.abs(
        p.summary.pearson! -
          pearson(
            p.samples.map((s) => s.a),
            p.samples.map((s) => s.b),
          ),
      ) < 1e-9,
    );
    // A run against itself: both sides in the same order, every Δ zero.
    const self = pairsFromComparison(compareRuns(a, a), { a: a.id, b: a.id });
    assert.deepEqual(
      wholeSide(self, 'a').map((r) => r.index),
      wholeSide(self, 'b').map((r) => r.index),
    );
    assert.ok(self.samples.every((s) => s.b - s.a === 0));
  });

  test('retrain score diff: paired by index, removed points marked and left out of the statistics', async () => {
    const run = await RunData.open(runA);
    const rows = run.byRank.slice().sort((x, y) => x.index - y.index);
    const k = 10;
    const topK = new Set(run.byRank.slice(0, k).map((r) => r.index));
    // After removal: the removed points drop, the rest move by a deterministic amount; one score is missing.
    const after = rows.map((r) => (topK.has(r.index) ? r.normalised - 0.2 : r.normalised + 0.01 * ((r.index % 7) - 3)));
    after[5] = NaN;
    const diff: ScoreDiff = {
      dir: 'retrain/memorized-k10-s0',
      k,
      removal: 'memorized',
      index: rows.map((r) => r.index),
      path: rows.map((r) => r.path),
      subset: rows.map((r) => r.subset),
      before: rows.map((r) => r.normalised),
      after,
      removed: rows.map((r) => topK.has(r.index)),
    };
    const p = pairsFromScoreDiff(diff, run.id);
    assert.equal(p.total, rows.length);
    const at = new Map(rows.map((r, i) => [r.index, i]));
    checkOrders(p, (index, side) => (side === 'a' ? diff.before[at.get(index)!] : diff.after[at.get(index)!]));
    const b = wholeSide(p, 'b');
    assert.equal(b[b.length - 1].index, rows[5].index, 'a missing score sorts last');
    assert.deepEqual(
      b
        .filter((r) => r.removed)
        .map((r) => r.index)
        .sort((x, y) => x - y),
      [...topK].sort((x, y) => x - y),
    );
    const kept = rows.map((_, i) => i).filter((i) => !diff.removed[i] && Number.isFinite(after[i]));
    const mean = kept.reduce((s, i) => s + after[i] - diff.before[i], 0) / kept.length;
    assert.ok(Math.abs(p.summary.meanDelta! - mean) < 1e-12, `${p.summary.meanDelta} vs ${mean}`);
    assert.throws(() => pairsFromScoreDiff({ ...diff, after: after.slice(1) }, run.id), /differ in length/);
  });

  test('ties keep a stable order (by index); ranks average ties', () => {
    const samples: PairedSample[] = [3, 1, 2, 0].map((index) => ({
      index,
      path: `p${index}`,
      subsetA: 'S_S',
      subsetB: 'S_S',
      a: 0.5,
      b: index / 10,
    }));
    const p = new GalleryPairs(samples, {
      title: '',
      labelA: 'A',
      labelB: 'B',
      shared: 4,
      onlyA: 0,
      onlyB: 0,
      pearson: null,
      spearman: null,
      meanDelta: null,
      note: '',
    });
    assert.deepEqual(
      p.page('a', 0, 4).map((r) => r.index),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      p.page('b', 0, 4).map((r) => r.index),
      [3, 2, 1, 0],
    );
    assert.equal(p.positionOf('a', 99), -1);
    const x = [3, 1, 2, 2];
    const r = ranks(x);
    // Each rank is 1 + (values below) + (equal values other than itself) / 2.
    x.forEach((v, i) => assert.equal(r[i], 1 + x.filter((w) => w < v).length + (x.filter((w) => w === v).length - 1) / 2));
  });
});

describe('side-by-side panel protocol guards', () => {
  test('accepts well-formed requests and rejects the rest', () => {
    assert.ok(isGalleryCompareToHost({ type: 'ready' }));
    assert.ok(isGalleryCompareToHost({ type: 'getRows', side: 'a', requestId: 1, start: 0, end: 100 }));
    assert.ok(isGalleryCompareToHost({ type: 'locate', side: 'b', index: 7 }));
    assert.ok(!isGalleryCompareToHost({ type: 'getRows', side: 'a', requestId: 1, start: 0, end: MAX_PAGE + 1 }));
    assert.ok(!isGalleryCompareToHost({ type: 'getRows', side: 'c', requestId: 1, start: 0, end: 1 }));
    assert.ok(!isGalleryCompareToHost({ type: 'getRows', side: 'a', requestId: 1, start: 5, end: 4 }));
    assert.ok(!isGalleryCompareToHost({ type: 'openFile', index: '../../etc/passwd' }));
    assert.ok(!isGalleryCompareToHost({ type: 'ready', extra: 1 }));
    assert.ok(!isGalleryCompareToHost({ type: 'eval', code: '1' }));
  });
  test('a host page passes only with well-formed rows', () => {
    const row = { index: 1, path: 'a/b.png', thumb: '', rank: 1, otherRank: 2, subset: 'S_C', score: 0.1, other: 0.2, delta: 0.1 };
    assert.ok(isHostToGalleryCompare({ type: 'page', side: 'a', requestId: 1, start: 0, total: 1, rows: [row] }));
    assert.ok(!isHostToGalleryCompare({ type: 'page', side: 'a', requestId: 1, start: 0, total: 1, rows: [{ ...row, rank: 0 }] }));
    assert.ok(!isHostToGalleryCompare({ type: 'page', side: 'a', requestId: 1, start: 0, total: 1, rows: [{ ...row, path: 3 }] }));
  });
});
