// The experiment commands inside the real extension host, on a tiny real run of the fixture dataset:
// Import Encoders (ONNX) with the run's own exported encoders and split, Retrain After Removal and Open
// Retrain Results, and the side-by-side galleries (original vs retrained encoder, and two runs). Every check
// reads what the backend actually wrote. The runs made here are deleted at the end.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RetrainResult, RunResult } from '../../src/protocol/backend';
import type { RetrainResults } from '../../src/engine/sslmem/removal/types';
import { activeApi, nextEvent, waitFor } from './helpers';

const SUBSETS = ['S_S', 'S_C', 'S_I', 'S_E'] as const;
interface SplitFile {
  subsets: Record<(typeof SUBSETS)[number], number[]>;
}
interface CsvRow {
  index: number;
  subset: string;
  normalised: number;
}

function readCsv(runDir: string): CsvRow[] {
  const [head, ...lines] = fs.readFileSync(path.join(runDir, 'scores.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => {
    const v = l.split(',');
    return {
      index: Number(v[cols.indexOf('index')]),
      subset: v[cols.indexOf('subset')],
      normalised: Number(v[cols.indexOf('normalised')]),
    };
  });
}
const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const webviewTabs = (viewType: string) =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));

describe('experiments on a tiny real run: import encoders, retrain after removal, side by side', function () {
  this.timeout(240_000);
  let dataset: string;
  let runDir: string;
  let importedDir: string;
  const made: string[] = [];

  before(async () => {
    dataset = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'fashion-mini');
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
    });
    assert.strictEqual(result?.status, 'done', 'the tiny run did not finish (see the backend log)');
    runDir = result.runDir;
    made.push(runDir);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const dir of made) if (fs.existsSync(dir)) await vscode.commands.executeCommand('sslmem.deleteRun', dir, true);
  });

  it("Import Encoders (ONNX) scores every split index with the run's exported f and g, lists the run and opens its panel", async () => {
    const { api } = await activeApi();
    const split = path.join(runDir, 'split.json');
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.importEncoders', {
      data: dataset,
      f: path.join(runDir, 'f', 'encode.onnx'),
      g: path.join(runDir, 'g', 'encode.onnx'),
      split,
      pairs: 2,
    });
    assert.ok(result, 'the command returned nothing (see the backend log)');
    assert.strictEqual(result.status, 'done');
    importedDir = result.runDir;
    made.push(importedDir);
    assert.notStrictEqual(importedDir, runDir);
    assert.strictEqual(path.dirname(importedDir), path.dirname(runDir), 'the imported run is not in the workspace run store');
    const manifest = readJson<{ preset: string; status: string }>(path.join(importedDir, 'manifest.json'));
    assert.deepStrictEqual([manifest.preset, manifest.status], ['imported', 'done']);

    // scores.csv: one row per index of the split, in the subset the split gives it.
    const subsets = readJson<SplitFile>(split).subsets;
    const subsetOf = new Map(SUBSETS.flatMap((s) => subsets[s].map((i) => [i, s] as const)));
    const csv = readCsv(importedDir);
    assert.strictEqual(csv.length, subsetOf.size);
    assert.deepStrictEqual(
      csv.map((r) => r.index).sort((x, y) => x - y),
      [...subsetOf.keys()].sort((x, y) => x - y),
    );
    for (const r of csv) {
      assert.strictEqual(r.subset, subsetOf.get(r.index), `index ${r.index}`);
      assert.ok(r.normalised >= -1 && r.normalised <= 1, `score ${r.normalised} of ${r.index}`);
    }
    const report = readJson<{ subsets: Record<string, { n: number; mean: number }> }>(path.join(importedDir, 'report.json'));
    for (const s of SUBSETS) {
      assert.strictEqual(report.subsets[s].n, subsets[s].length, `report n of ${s}`);
      if (subsets[s].length) assert.ok(Number.isFinite(report.subsets[s].mean), `report mean of ${s}`);
    }
    assert.ok(
      (await api.runs.list()).some((r) => r.dir === importedDir && r.status === 'done'),
      'the Runs tree does not list the imported run',
    );
    assert.ok(api.scorePanels.panelOf(importedDir), 'no score panel opened on the imported run');
  });

  // The command's wiring, at the smallest size that exercises it (one k, one random seed: two retrainings and a
  // re-score). Several k and seeds, and the rows they produce, are covered at CLI level by
  // test/unit/removal/experiment.test.ts, where they cost no extension host.
  it('Retrain After Removal writes retrain.json rows for k = 5 (memorized and a random seed) and opens the retrain panel', async () => {
    const { api } = await activeApi();
    const outcome = await vscode.commands.executeCommand<RetrainResult>('sslmem.retrainAfterRemoval', runDir, { k: [5], seeds: 1 });
    assert.strictEqual(outcome?.status, 'done');
    assert.strictEqual(outcome.resultsFile, path.join(runDir, 'retrain.json'));
    const results = readJson<RetrainResults>(outcome.resultsFile);
    const subsets = readJson<SplitFile>(path.join(runDir, 'split.json')).subsets;
    const pool = subsets.S_S.length + subsets.S_C.length;
    assert.strictEqual(results.poolSize, pool);
    assert.deepStrictEqual(results.kResolved, [5]);
    const key = (r: { k: number; removal: string; seed: number }) => `${r.k}/${r.removal}/${r.seed}`;
    const rows = results.rows.filter((r) => r.encoder === 'retrained');
    assert.deepStrictEqual(rows.map(key).sort(), ['5/memorized/0', '5/random/0']);
    assert.strictEqual(
      results.rows.filter((r) => r.encoder === 'original' && r.removal === 'none' && r.k === 0).length,
      1,
      'the original f is evaluated',
    );
    for (const r of results.rows) {
      for (const acc of [r.linearProbeAccuracy, r.knnAccuracy]) assert.ok(acc >= 0 && acc <= 1, `${key(r)}: accuracy ${acc}`);
      assert.strictEqual(r.trainingSize, pool - r.k, `${key(r)}: training size`);
      if (r.encoder === 'retrained') assert.ok(fs.existsSync(path.join(runDir, r.dir)), `${r.dir} missing`);
    }
    assert.ok(
      results.conclusion.some((l) => /^k = 5 /.test(l)),
      `no verdict for k = 5 in ${JSON.stringify(results.conclusion)}`,
    );
    assert.ok(fs.existsSync(path.join(runDir, 'retrain.md')));
    const panel = api.retrain.panelOf(runDir);
    assert.strictEqual(panel?.viewType, 'sslmem.retrain');
    await waitFor('a retrain tab', () => webviewTabs('sslmem.retrain').length > 0);
  });

  it('Open Retrain Results reopens the panel after it was closed', async () => {
    const { api } = await activeApi();
    api.retrain.panelOf(runDir)!.dispose();
    assert.strictEqual(api.retrain.panelOf(runDir), undefined);
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('sslmem.openRetrainResults', runDir);
    assert.strictEqual(panel?.viewType, 'sslmem.retrain');
    assert.strictEqual(api.retrain.panelOf(runDir), panel);
    assert.match(panel.webview.html, /default-src 'none'/);
  });

  it("the retrain panel's side by side shows the original and the retrained encoder's galleries, paged per side", async () => {
    const { api } = await activeApi();
    const results = readJson<RetrainResults>(path.join(runDir, 'retrain.json'));
    assert.ok(results.scoreDiffFile, 'the retrain command re-scores the largest memorized removal by default');
    const diff = readJson<{ index: number[]; before: number[]; after: number[] }>(path.join(runDir, results.scoreDiffFile));
    const pages = {
      a: nextEvent(api.galleries.onDidPostPage, (e) => e.side === 'a', 30_000, 'a page of side A'),
      b: nextEvent(api.galleries.onDidPostPage, (e) => e.side === 'b', 30_000, 'a page of side B'),
    };
    const drawn = nextEvent(api.galleries.onDidRender, (e) => e.rows > 0, 30_000, 'the page drawing rows');
    const key = await api.retrain.compareRetrained(runDir);
    for (const side of ['a', 'b'] as const) {
      const page = await pages[side];
      assert.strictEqual(page.key, key);
      assert.strictEqual(page.total, diff.index.length);
      assert.ok(page.start === 0 && page.rows > 0 && page.rows <= 100, `side ${side}: first page of ${page.rows} rows from ${page.start}`);
    }
    await drawn;
    // The pairs are the diff's, each side in its own score order, Δ = after − before.
    const pairs = api.galleries.pairsOf(key)!;
    const top = pairs.page('b', 0, 1)[0];
    const r = diff.index.indexOf(top.index);
    assert.strictEqual(top.score, diff.after[r]);
    assert.strictEqual(top.delta, diff.after[r] - diff.before[r]);
    assert.strictEqual(Math.max(...diff.after.filter(Number.isFinite)), top.score);
    const panel = api.galleries.panelOf(key)!;
    assert.strictEqual(panel.viewType, 'sslmem.galleryCompare');
    const roots = (panel.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(roots.includes(dataset), `dataset folder missing from localResourceRoots: ${roots.join(', ')}`);
  });

  it('Compare Runs Side by Side pairs every sample of the run and the imported run', async () => {
    const { api } = await activeApi();
    const paged = nextEvent(api.galleries.onDidPostPage, (e) => e.key.startsWith('runs:'), 30_000, 'a page');
    const key = await vscode.commands.executeCommand<string>('sslmem.compareGalleries', runDir, importedDir);
    assert.ok(key);
    assert.strictEqual((await paged).key, key);
    const pairs = api.galleries.pairsOf(key)!;
    const csvA = readCsv(runDir),
      csvB = readCsv(importedDir);
    assert.strictEqual(pairs.total, csvA.length);
    assert.deepStrictEqual([pairs.summary.onlyA, pairs.summary.onlyB], [0, 0]);
    const scoreB = new Map(csvB.map((r) => [r.index, r.normalised]));
    for (const s of pairs.samples)
      assert.ok(Math.abs(s.b - scoreB.get(s.index)!) < 1e-6, `sample ${s.index}: B score ${s.b} vs ${scoreB.get(s.index)}`);
  });
});
