// The scoring UI end to end inside the real extension host, on a real (tiny) dataset: 150 Fashion-MNIST
// PNGs in the fixture workspace, trained and scored by the real backend with the `tiny` preset. Every
// check reads what the pipeline actually wrote (scores.csv) and compares the UI's view of it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/protocol/backend';
import { activeApi, nextEvent, waitFor } from './helpers';

interface CsvRow {
  path: string;
  normalised: number;
  rank: number;
  subset: string;
}

function readScoresCsv(runDir: string): CsvRow[] {
  const [head, ...lines] = fs.readFileSync(path.join(runDir, 'scores.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => {
    const v = l.split(',');
    const get = (c: string) => v[cols.indexOf(c)];
    return { path: get('path'), normalised: Number(get('normalised')), rank: Number(get('rank')), subset: get('subset') };
  });
}

const tabsOf = (viewType: string) =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) =>
        (t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType)) ||
        (t.input instanceof vscode.TabInputCustom && t.input.viewType === viewType),
    );

describe('memorization scores through the UI (tiny real run)', function () {
  this.timeout(180_000);
  let workspace: string;
  let dataset: string;
  let runDir: string;
  let csv: CsvRow[];
  let newerRunDir: string;

  before(async () => {
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    dataset = path.join(workspace, 'fashion-mini');
    assert.ok(fs.existsSync(dataset), 'the fixture workspace has no fashion-mini dataset');
  });

  it('Compute Memorization Scores trains and scores the dataset, shows live training, lists the run', async () => {
    const { api } = await activeApi();
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
    });
    assert.ok(result, 'the command returned nothing (see the backend log)');
    assert.strictEqual(result.status, 'done');
    runDir = result.runDir;
    assert.ok(runDir.startsWith(path.join(workspace, '.sslmem', 'runs')), `run stored outside the run store: ${runDir}`);
    csv = readScoresCsv(runDir);
    assert.ok(csv.length > 20, `only ${csv.length} scored rows`);
    assert.ok(tabsOf('sslmem.training').length >= 1, 'no live training view was opened');
    const runs = await api.runs.getChildren();
    const item = api.runs.getTreeItem(runs.find((r) => r.dir === runDir)!);
    assert.match(String(item.description), /tiny · fashion-mini/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /execution provider: cpu/);
  });

  it('file decorations badge every scored image with its band and score, never like git', async () => {
    const { api } = await activeApi();
    await api.refreshScores();
    const gitLetters = /[A-Za-z!]/; // git's badges are letters (M, U, D, A, R, C, I, !): ours must not read as one
    const gitColours = new Set([
      'gitDecoration.modifiedResourceForeground',
      'gitDecoration.deletedResourceForeground',
      'gitDecoration.untrackedResourceForeground',
      'gitDecoration.ignoredResourceForeground',
      'descriptionForeground',
    ]);
    const candidates = csv.filter((r) => r.subset === 'S_C').sort((a, b) => a.rank - b.rank);
    const candidateRank = new Map(candidates.map((r, i) => [r.path, i + 1]));
    for (const row of csv) {
      const uri = vscode.Uri.file(path.join(dataset, row.path));
      const d = await api.decorations.provideFileDecoration(uri);
      assert.ok(d, `no decoration for ${row.path}`);
      assert.ok(d.badge && d.badge.length <= 2, `badge '${d.badge}'`);
      assert.ok(!gitLetters.test(d.badge), `badge '${d.badge}' looks like a git status letter`);
      assert.notStrictEqual(d.propagate, true, 'a decoration that propagates colours every parent folder');
      if (d.color) assert.ok(!gitColours.has(d.color.id), `colour ${d.color.id} is git's`);
      // Bands rank S_C among itself; a control (S_S, S_I, S_E) is never "most memorized", whatever it scores.
      if (row.subset === 'S_C') {
        const rankQ = (candidateRank.get(row.path)! - 1) / candidates.length;
        assert.strictEqual(d.badge, rankQ < 0.05 ? '◆' : rankQ < 0.25 ? '◇' : '·', `${row.path} rank ${row.rank}`);
        assert.ok(d.tooltip?.includes(`#${candidateRank.get(row.path)} of ${candidates.length} in S_C by memorization`), d.tooltip);
      } else {
        assert.strictEqual(d.badge, '○', `${row.path} (${row.subset}) badge`);
        assert.strictEqual(d.color, undefined, `${row.path} (${row.subset}) is coloured like a memorized image`);
        assert.doesNotMatch(d.tooltip ?? '', /most memorized/);
      }
      assert.ok(d.tooltip?.includes(`score ${row.normalised.toFixed(3)}`), `${row.path}: ${d.tooltip}`);
      assert.ok(d.tooltip?.includes(`rank ${row.rank} of ${csv.length} over all subsets`), d.tooltip);
    }
    const top = candidates[0];
    assert.strictEqual(
      (await api.decorations.provideFileDecoration(vscode.Uri.file(path.join(dataset, top.path))))?.color?.id,
      'sslmem.scoreHigh',
      'top sample has no band colour',
    );
    const colours = vscode.extensions.getExtension('sslmem.sslmem-studio')!.packageJSON.contributes.colors as {
      id: string;
      defaults: Record<string, string>;
    }[];
    for (const id of ['sslmem.scoreHigh', 'sslmem.scoreMid']) {
      const c = colours.find((x) => x.id === id)!;
      // git: modified #E2C08D/#895503, deleted #c74e39/#ad0707, untracked #73C991/#007100, conflict #e4676b/#ad0707
      for (const v of Object.values(c.defaults))
        assert.ok(!/^#(e2c08d|895503|c74e39|ad0707|73c991|007100|e4676b|f14c4c|c72e2e|cca700)/i.test(v), `${id} ${v} is a git colour`);
    }
    assert.strictEqual(await api.decorations.provideFileDecoration(vscode.Uri.file(path.join(workspace, 'README.md'))), undefined);
  });

  it('hovering an image path in a text file shows its score', async () => {
    const row = csv[Math.floor(csv.length / 2)];
    const notes = path.join(workspace, 'notes.md');
    fs.writeFileSync(notes, `# Notes\n\nLook at fashion-mini/${row.path} again.\n`);
    const doc = await vscode.workspace.openTextDocument(notes);
    const col = doc.lineAt(2).text.indexOf(row.path) + 3;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(2, col),
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, new RegExp(`SSLMem score ${row.normalised.toFixed(3).replace('.', '\\.')}`));
    assert.match(text, new RegExp(`rank ${row.rank} of ${csv.length}`));
  });

  it('Open Run shows the score panel, which receives rows in pages and draws them', async () => {
    const { api } = await activeApi();
    const paged = nextEvent(api.scorePanels.onDidPostPage, (e) => e.runDir === runDir, 30_000, 'a page of rows');
    const rendered = nextEvent(api.scorePanels.onDidRender, (e) => e.runDir === runDir && e.rows > 0, 30_000, 'the page drawing rows');
    await vscode.commands.executeCommand('sslmem.openRun', runDir);
    const page = await paged;
    assert.strictEqual(page.total, csv.length);
    assert.strictEqual(page.start, 0);
    assert.ok(page.rows > 0 && page.rows <= 100 && page.rows < csv.length, `first page had ${page.rows} of ${csv.length} rows: not paged`);
    assert.ok((await rendered).rows > 0);
    const panel = api.scorePanels.panelOf(runDir)!;
    assert.match(panel.webview.html, /default-src 'none'/);
    const roots = (panel.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(roots.includes(dataset), `dataset folder missing from localResourceRoots: ${roots.join(', ')}`);
  });

  it('the Score Explorer view lists the most memorized samples with lazy tooltips', async () => {
    const { api } = await activeApi();
    const items = api.topSamples.getChildren();
    assert.ok(items.length > 0);
    // Ranked among S_C (issue 17 item 4): the controls never lead the list.
    assert.ok(
      items.every((s) => s.subset === 'S_C'),
      items.map((s) => s.subset).join(','),
    );
    assert.deepStrictEqual(
      items.slice(0, 5).map((s) => s.candidateRank),
      [1, 2, 3, 4, 5],
    );
    assert.deepStrictEqual(
      items.slice(0, 5).map((s) => s.rank),
      csv
        .filter((r) => r.subset === 'S_C')
        .sort((a, b) => a.rank - b.rank)
        .slice(0, 5)
        .map((r) => r.rank),
    );
    const treeItem = api.topSamples.getTreeItem(items[0]);
    assert.strictEqual(treeItem.tooltip, undefined, 'tooltip built eagerly');
    const resolved = api.topSamples.resolveTreeItem(treeItem, items[0]);
    assert.match((resolved.tooltip as vscode.MarkdownString).value, new RegExp(`SSLMem score .* rank ${items[0].rank} of`));
  });

  it('the Image Inspector opens an image with its score', async () => {
    const { api } = await activeApi();
    const top = csv.find((r) => r.rank === 1)!;
    const opened = nextEvent(api.inspector.onDidOpen, () => true, 20_000, 'the inspector');
    await vscode.commands.executeCommand('sslmem.inspectImage', vscode.Uri.file(path.join(dataset, top.path)));
    const shown = await opened;
    assert.strictEqual(shown.scored, true);
    assert.strictEqual(shown.views, 4, 'the inspector shows two scored pairs of augmented views');
    await waitFor('an inspector tab', () => tabsOf('sslmem.imageInspector').length > 0);
  });

  it('Export Scores writes CSV and JSON; Compare Runs matches every shared sample', async () => {
    const out = path.join(workspace, 'exported.csv');
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.exportScores', runDir, out), out);
    assert.strictEqual(fs.readFileSync(out, 'utf8'), fs.readFileSync(path.join(runDir, 'scores.csv'), 'utf8'));
    const json = path.join(workspace, 'exported.json');
    await vscode.commands.executeCommand('sslmem.exportScores', runDir, vscode.Uri.file(json));
    const parsed = JSON.parse(fs.readFileSync(json, 'utf8')) as { samples: { rank: number; score: number }[] };
    assert.strictEqual(parsed.samples.length, csv.length);
    assert.strictEqual(parsed.samples[0].rank, 1);
    const cmp = await vscode.commands.executeCommand<{ shared: number; pearson: number }>('sslmem.compareRuns', runDir, runDir, false);
    assert.strictEqual(cmp.shared, csv.length);
    assert.ok(Math.abs(cmp.pearson - 1) < 1e-9);
  });

  it('cancelling a run leaves it resumable, and Resume Run finishes it', async () => {
    const { api } = await activeApi();
    const before = new Set((await api.runs.list()).map((r) => r.dir));
    const job = vscode.commands.executeCommand<RunResult | undefined>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
    });
    // Cancel once training has written progress into the new run's manifest.
    const newRun = await pollAsync(async () => {
      const r = (await api.runs.list()).find((x) => !before.has(x.dir));
      return r && r.nextStage && r.nextStage !== 'split' ? r : undefined;
    }, 60_000);
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.cancelJob'), 1);
    // Depending on where the cancel lands, the backend answers "cancelled" or returns the run as cancelled.
    const outcome = await job;
    assert.ok(outcome === undefined || outcome.status === 'cancelled', `a cancelled run finished: ${JSON.stringify(outcome)}`);
    const after = (await api.runs.list()).find((r) => r.dir === newRun.dir)!;
    assert.notStrictEqual(after.status, 'done');
    const resumed = await vscode.commands.executeCommand<RunResult>('sslmem.resumeRun', newRun.dir);
    assert.strictEqual(resumed?.status, 'done');
    assert.ok(fs.existsSync(path.join(newRun.dir, 'scores.bin')));
    newerRunDir = newRun.dir;
  });

  it('Use Run for Badges pins the older run: its scores badge the images and fill the Score Explorer view, until unpinned', async () => {
    const { api } = await activeApi();
    const idOf = async (dir: string) => (await api.runs.list()).find((r) => r.dir === dir)!.id;
    const [olderId, newerId] = [await idOf(runDir), await idOf(newerRunDir)];
    const sample = vscode.Uri.file(path.join(dataset, csv[0].path));
    const itemOf = async (dir: string) => api.runs.getTreeItem((await api.runs.list()).find((r) => r.dir === dir)!);
    // Unpinned, the newer (resumed) run on the same folder decorates it.
    await api.refreshScores();
    assert.match(String((await api.decorations.provideFileDecoration(sample))?.tooltip), new RegExp(`run ${newerId}$`));
    assert.match(String((await itemOf(newerRunDir)).description), / · badges$/);
    assert.doesNotMatch(String((await itemOf(runDir)).description), /badges/);
    assert.strictEqual(api.topSamples.caption, `latest: ${newerId}`);

    assert.strictEqual(await vscode.commands.executeCommand('sslmem.useRunForBadges', runDir), runDir);
    assert.strictEqual(api.badgeRun.get(), path.resolve(runDir));
    const d = await api.decorations.provideFileDecoration(sample);
    assert.match(
      String(d?.tooltip),
      new RegExp(`score ${csv[0].normalised.toFixed(3)}.* · rank ${csv[0].rank} of ${csv.length} over all subsets`),
    );
    assert.match(String(d?.tooltip), new RegExp(`run ${olderId}$`));
    assert.strictEqual(api.topSamples.caption, `${olderId} · pinned`);
    assert.strictEqual(api.topSamples.getChildren()[0].runDir, runDir);
    assert.match(String((await itemOf(runDir)).description), / · badges \(pinned\)$/);
    assert.doesNotMatch(String((await itemOf(newerRunDir)).description), /badges/);

    await vscode.commands.executeCommand('sslmem.useLatestRunForBadges');
    assert.strictEqual(api.badgeRun.get(), undefined);
    assert.match(String((await api.decorations.provideFileDecoration(sample))?.tooltip), new RegExp(`run ${newerId}$`));
    assert.strictEqual(api.topSamples.caption, `latest: ${newerId}`);
  });

  it('Delete Run removes the folder, closes its panel and leaves the list', async () => {
    const { api } = await activeApi();
    const newRun = { dir: newerRunDir };
    // Delete it again (confirmed by the caller): the folder goes, its open panel closes, the list follows.
    await vscode.commands.executeCommand('sslmem.openRun', newRun.dir);
    assert.ok(api.scorePanels.panelOf(newRun.dir));
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.deleteRun', newRun.dir, true), true);
    assert.ok(!fs.existsSync(newRun.dir));
    assert.strictEqual(api.scorePanels.panelOf(newRun.dir), undefined, 'the panel of a deleted run stayed open');
    assert.ok(!(await api.runs.list()).some((r) => r.dir === newRun.dir));
  });

  it('the remaining commands run: runs overview, refresh, backend log', async () => {
    const { api } = await activeApi();
    await vscode.commands.executeCommand('sslmem.showRunsOverview');
    await waitFor('the runs overview', () => api.runsOverview.current);
    await vscode.commands.executeCommand('sslmem.refreshRuns');
    await vscode.commands.executeCommand('sslmem.showBackendLog');
    const opened = await vscode.commands.executeCommand('sslmem.openLatestRun');
    assert.ok(opened, 'Open Latest Run did not open the latest run');
  });

  it('a cancelled run resumes in the same live view, whose curves start with the losses trained before the cancel', async () => {
    const { api } = await activeApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = new Set((await api.runs.list()).map((r) => r.dir));
    const job = vscode.commands.executeCommand<RunResult | undefined>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
    });
    // Cancel once f has trained a few steps (the manifest records progress as it goes).
    const dir = await pollAsync(async () => {
      const r = (await api.runs.list()).find((x) => !before.has(x.dir));
      if (!r) return undefined;
      const m = JSON.parse(fs.readFileSync(path.join(r.dir, 'manifest.json'), 'utf8')) as {
        stages: Record<string, { progress?: { done: number } }>;
      };
      return (m.stages.train_f?.progress?.done ?? 0) >= 2 ? r.dir : undefined;
    }, 60_000);
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.cancelJob'), 1);
    const outcome = await job;
    assert.strictEqual(outcome?.status, 'cancelled', `the run was not returned as cancelled: ${JSON.stringify(outcome)}`);
    const view = api.trainingViews.ofRun(dir);
    assert.ok(view, "the cancelled run's live view is not known by its run folder");
    assert.strictEqual(tabsOf('sslmem.training').length, 1);
    const trainedBefore = fs
      .readFileSync(path.join(dir, 'f', 'train-loss.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number) as [number, number]);
    assert.ok(trainedBefore.length >= 2, `loss history before the cancel: ${trainedBefore.length} steps`);

    const resumed = await vscode.commands.executeCommand<RunResult>('sslmem.resumeRun', dir);
    assert.strictEqual(resumed?.status, 'done');
    // The same tab, not a second "resume <id>" one beside it.
    assert.strictEqual(api.trainingViews.ofRun(dir), view);
    const labels = tabsOf('sslmem.training').map((t) => t.label);
    assert.deepStrictEqual(labels, ['SSLMem: tiny run on fashion-mini'], labels.join(' | '));
    // The resumed view was given the losses from before the cancel (step, loss as written by the trainer).
    const history = view.lastStart.history ?? [];
    assert.deepStrictEqual(history.find((h) => h.stage === 'train_f')?.points, trainedBefore);
  });
});

async function pollAsync<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
