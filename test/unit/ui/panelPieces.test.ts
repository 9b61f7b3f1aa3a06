// Pure pieces of the webviews: message guards, the threshold fraction, the Image Inspector's page, and
// IDX/CIFAR thumbnails rendered from a real decode cache with sharp.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { isScorePanelToHost, MAX_PAGE } from '../../../src/protocol/scorePanel';
import { isTrainingToHost } from '../../../src/protocol/training';
import { fractionAbove } from '../../../webview/scorePanel/threshold';
import { inspectorHtml, inspectorRows } from '../../../src/ui/inspectorHtml';
import { describeScore, type SampleScore } from '../../../src/ui/scoreIndex';
import { plural } from '../../../webview/shared/text';
import { ThumbnailRenderer } from '../../../src/ui/thumbnails';
import { cacheFileFor, writeDatasetCache } from '../../../src/engine/data/cache';

describe('score panel protocol guards', () => {
  const filter = { subsets: ['S_C'], classes: [1] };
  test('accepts well-formed requests', () => {
    assert.ok(isScorePanelToHost({ type: 'getRows', requestId: 1, filter, start: 0, end: 100 }));
    assert.ok(isScorePanelToHost({ type: 'setMark', indices: [1, 2], mark: 'keep' }));
    assert.ok(isScorePanelToHost({ type: 'openFile', index: 3 }));
  });
  test('rejects oversized pages, bad filters and non-index values', () => {
    assert.ok(!isScorePanelToHost({ type: 'getRows', requestId: 1, filter, start: 0, end: MAX_PAGE + 1 }));
    assert.ok(!isScorePanelToHost({ type: 'getRows', requestId: 1, filter: { subsets: ['S_X'], classes: [] }, start: 0, end: 1 }));
    assert.ok(!isScorePanelToHost({ type: 'getRows', requestId: 1, filter: { ...filter, min: 'x' }, start: 0, end: 1 }));
    assert.ok(!isScorePanelToHost({ type: 'openFile', index: '../etc/passwd' }));
    assert.ok(!isScorePanelToHost({ type: 'setMark', indices: [1.5], mark: 'keep' }));
    assert.ok(!isScorePanelToHost({ type: 'setMark', indices: [1], mark: 'delete' }));
    assert.ok(!isTrainingToHost({ type: 'cancel', extra: 1 }));
  });
});

test('fractionAbove counts strictly greater scores', () => {
  const s = [-0.5, -0.1, 0, 0, 0.2, 0.7];
  assert.equal(fractionAbove(s, -1), 1);
  assert.equal(fractionAbove(s, 0), 2 / 6);
  assert.equal(fractionAbove(s, 0.7), 0);
  assert.ok(Number.isNaN(fractionAbove([], 0)));
});

test('the Image Inspector page allows no script and escapes file names', () => {
  const html = inspectorHtml({
    cspSource: 'https://x.test',
    styleUri: 'https://x.test/s.css',
    imageUri: 'https://x.test/a.png',
    title: '<img onerror=alert(1)>.png',
    file: '/d/"q".png',
    rows: [['score', '0.5']],
  });
  assert.match(html, /default-src 'none'; img-src https:\/\/x\.test; style-src https:\/\/x\.test/);
  assert.doesNotMatch(html, /script/i);
  assert.doesNotMatch(html, /<img onerror/);
  assert.match(html, /&lt;img onerror=alert\(1\)&gt;/);
});

test('the Image Inspector explains its terms: the subset (S_C = candidate, only f trained on it), the band, the rank among S_C', () => {
  const s: SampleScore = {
    file: '/d/a.png',
    runId: 'r1',
    runDir: '/runs/r1',
    n: 100,
    index: 3,
    rank: 2,
    score: 0.42,
    raw: 0.1,
    lf: 0.2,
    lg: 0.3,
    subset: 'S_C',
    label: 1,
    className: 'shirt',
    band: 'high',
    candidateRank: 1,
    candidates: 10,
    question: ['S_C'],
    noise: false,
    stderr: 0.02,
  };
  const rows = new Map(inspectorRows(s));
  assert.equal(rows.get('subset'), 'S_C — candidate: only f trained on it (the scores that measure memorization)');
  assert.equal(rows.get('band'), 'high — rank in the top 5% of S_C (Explorer badge ◆)');
  assert.equal(rows.get('rank'), '1 of 10 in S_C (1 = most memorized); 2 of 100 over all subsets');
  assert.match(rows.get('score')!, /^0\.4200 ± 0\.0200 /);
  assert.match(rows.get('noise')!, /^outside/);
  assert.equal(new Map(inspectorRows({ ...s, band: 'mid' })).get('band'), 'mid — rank in the top 5%–25% of S_C (Explorer badge ◇)');
  assert.match(
    describeScore(s),
    /^SSLMem score 0\.420 · #1 of 10 in S_C by memorization · S_C · shirt · ◆ top 5% most memorized · rank 2 of 100 over all subsets · run r1$/,
  );
  // A control that outscores S_C: never "most memorized", never a band (issue 17 item 4).
  const control: SampleScore = { ...s, subset: 'S_E', band: 'control', candidateRank: undefined, rank: 1, noise: true };
  const c = new Map(inspectorRows(control));
  assert.match(c.get('subset')!, /^S_E — extra: neither f nor g/);
  assert.equal(c.get('band'), 'control — not ranked: only S_C measure memorization (Explorer badge ○)');
  assert.equal(c.get('rank'), '1 of 100 over all subsets; a control, not ranked among S_C');
  assert.match(c.get('noise')!, /^within noise/);
  assert.equal(
    describeScore(control),
    'SSLMem score 0.420 (within noise) · S_E control (neither f nor g trained on it): a baseline, not ranked for memorization · S_E · shirt · rank 1 of 100 over all subsets · run r1',
  );
  assert.doesNotMatch(describeScore(control), /most memorized/);
});

test('counts take the right word: 1 seed, 3 seeds', () => {
  assert.equal(plural(1, 'seed'), '1 seed');
  assert.equal(plural(3, 'random seed'), '3 random seeds');
  assert.equal(plural(0, 'run'), '0 runs');
  assert.equal(plural(2, 'index', 'indices'), '2 indices');
});

test('IDX/CIFAR thumbnails: the decoded pixels, upscaled nearest-neighbour, written once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sslmem-thumbs-'));
  try {
    const n = 3,
      h = 4,
      w = 4;
    const images = Uint8Array.from({ length: n * h * w }, (_, i) => (i * 37) % 256);
    // The usual layout: runs in <ws>/.sslmem/runs, the decode cache in <ws>/.sslmem/cache (the only cache a run may name).
    const cache = join(dir, '.sslmem', 'cache');
    const fp1 = 'a1'.repeat(16);
    await writeDatasetCache(cacheFileFor(cache, fp1), fp1, {
      images,
      n,
      channels: 1,
      height: h,
      width: w,
      labels: null,
      classNames: [],
      paths: ['t#0', 't#1', 't#2'],
      root: dir,
      skipped: [],
    });
    const r = new ThumbnailRenderer(join(dir, '.sslmem', 'runs', 'run'), {
      preset: 'tiny',
      dataset: { path: join(dir, 't'), kind: 'idx', fingerprint: fp1 },
      config: { data: join(dir, 't'), cacheDir: cache },
    });
    const made = await r.ensure([1, 7]);
    assert.deepEqual([...made.keys()], [1]); // 7 is not in the dataset
    const { data, info } = await sharp(made.get(1)!).greyscale().raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.width, 96);
    const scale = 96 / w;
    for (const [y, x] of [
      [0, 0],
      [1, 2],
      [3, 3],
    ])
      assert.equal(data[(y * scale + 5) * 96 + x * scale + 5], images[1 * h * w + y * w + x]);
    assert.deepEqual(await r.views(1), [], 'no augmentation recipe in the manifest: no views');
    // A manifest naming a cache elsewhere, or a fingerprint that is not a hash, reads nothing (issue #11, item 1).
    const crafted = new ThumbnailRenderer(join(dir, '.sslmem', 'runs', 'run3'), {
      preset: 'tiny',
      dataset: { path: join(dir, 't'), kind: 'idx', fingerprint: '../../../etc/x' },
      config: { data: join(dir, 't'), cacheDir: cache },
    });
    assert.deepEqual([...(await crafted.ensure([0])).keys()], []);
    const outside = join(dir, 'outside-cache');
    await writeDatasetCache(cacheFileFor(outside, 'c3'.repeat(16)), 'c3'.repeat(16), {
      images,
      n,
      channels: 1,
      height: h,
      width: w,
      labels: null,
      classNames: [],
      paths: ['t#0', 't#1', 't#2'],
      root: dir,
      skipped: [],
    });
    const elsewhere = new ThumbnailRenderer(join(dir, '.sslmem', 'runs', 'run4'), {
      preset: 'tiny',
      dataset: { path: join(dir, 't'), kind: 'idx', fingerprint: 'c3'.repeat(16) },
      config: { data: join(dir, 't'), cacheDir: outside },
    });
    assert.deepEqual([...(await elsewhere.ensure([0])).keys()], [], 'a cache outside <ws>/.sslmem is not read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('augmented views: four per sample, deterministic, not all the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sslmem-views-'));
  try {
    const n = 2,
      h = 28,
      w = 28;
    const images = Uint8Array.from({ length: n * h * w }, (_, i) => ((i % w) * 9 + Math.floor(i / w) * 5) % 256);
    const cache = join(dir, '.sslmem', 'cache');
    const fp2 = 'b2'.repeat(16);
    await writeDatasetCache(cacheFileFor(cache, fp2), fp2, {
      images,
      n,
      channels: 1,
      height: h,
      width: w,
      labels: null,
      classNames: [],
      paths: ['a.png', 'b.png'],
      root: dir,
      skipped: [],
    });
    const sslmem = {
      augment: 'fashion-mnist',
      decode: { height: h, width: w, channels: 1 },
      scoring: { pairs: 2, batch: 2, normalise: true, normalisation: 'symmetric' },
    };
    const manifest = {
      preset: 'tiny',
      dataset: { path: dir, kind: 'image-folder', fingerprint: fp2 },
      config: { kind: 'trained', version: 1, data: dir, cacheDir: cache, seed: 0, sslmem },
    };
    const files = await new ThumbnailRenderer(join(dir, '.sslmem', 'runs', 'run1'), manifest).views(1);
    const again = await new ThumbnailRenderer(join(dir, '.sslmem', 'runs', 'run2'), manifest).views(1);
    assert.equal(files.length, 4);
    const pixels = await Promise.all([...files, ...again].map((f) => sharp(f).raw().toBuffer()));
    for (let i = 0; i < 4; i++) assert.ok(pixels[i].equals(pixels[i + 4]), `view ${i} differs between renders`);
    assert.ok(
      pixels.slice(0, 4).some((p) => !p.equals(pixels[0])),
      'all four views are identical: no augmentation applied',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
