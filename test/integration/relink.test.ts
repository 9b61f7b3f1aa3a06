// A moved project in the real extension host (issue 17 item 1): a run made elsewhere is copied into the
// workspace with its dataset, and the original location is gone. The run's dataset shows as missing, the
// workspace folder holding its images is found, and relinking it makes the open score panel serve that folder
// and the Explorer badges appear on its images.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { writeSyntheticRun } from '../../bench/synthetic-run';
import { RunData } from '../../src/ui/runData';
import { activeApi, waitFor } from './helpers';

describe('relinking the dataset of a moved project', function () {
  this.timeout(120_000);
  let orig: string, runDir: string, moved: string;

  before(async () => {
    const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    orig = fs.mkdtempSync(path.join(os.tmpdir(), 'sslmem-orig-'));
    fs.cpSync(path.join(ws, 'fashion-mini'), path.join(orig, 'fashion-mini'), { recursive: true });
    const origRun = await writeSyntheticRun(path.join(orig, '.sslmem', 'runs'), path.join(orig, 'fashion-mini'), 60, 7);
    // "Copy the project": the run into the workspace's run store, the dataset into a folder of the workspace.
    runDir = path.join(ws, '.sslmem', 'runs', path.basename(origRun));
    moved = path.join(ws, 'copied-project', 'fashion-mini');
    fs.cpSync(origRun, runDir, { recursive: true });
    fs.cpSync(path.join(orig, 'fashion-mini'), moved, { recursive: true });
    fs.rmSync(orig, { recursive: true, force: true });
  });
  after(() => {
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(moved), { recursive: true, force: true });
  });

  it('says the dataset is missing and finds the workspace folder holding its images', async () => {
    const { api } = await activeApi();
    const data = await RunData.open(runDir);
    assert.strictEqual(data.location.state, 'missing');
    assert.ok(data.location.recorded.startsWith(orig), data.location.recorded);
    // The fixture's own fashion-mini holds the same images too: both are offered, never a folder without them.
    const found = await api.relinks.candidates(data);
    assert.ok(found.includes(moved), found.join(', '));
    assert.ok(
      found.every((f) => path.basename(f) === 'fashion-mini'),
      found.join(', '),
    );
    const summary = (await api.runs.list()).find((r) => r.dir === runDir);
    assert.strictEqual(summary?.datasetMissing, true);
  });

  it('a command argument outside the workspace is refused; the found folder relinks the open panel and the badges', async () => {
    const { api } = await activeApi();
    const panel = await api.scorePanels.open(runDir);
    const roots = () => (panel.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(!roots().some((r) => r.startsWith(moved)), `served before the relink: ${roots().join(', ')}`);
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.relinkDataset', runDir, os.tmpdir()), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.relinkDataset', runDir, moved), moved);
    await waitFor('the panel to serve the relinked folder', () => roots().includes(moved));
    assert.match(panel.webview.html, /default-src 'none'/);
    await api.refreshScores();
    // The extension's own RunData (this test bundle has its own copy of the module).
    const data = api.scoreIndex.runs.find((r) => r.dir === runDir);
    assert.ok(data, 'the relinked run does not decorate');
    assert.strictEqual(data.location.state, 'relinked');
    assert.strictEqual(data.datasetRoot, moved);
    const row = data.byRank[0];
    const d = await api.decorations.provideFileDecoration(vscode.Uri.file(path.join(moved, ...row.path.split('/'))));
    assert.ok(d?.tooltip?.includes(`run ${data.id}`), `no badge from the relinked run: ${d?.tooltip}`);
    const summary = (await api.runs.list()).find((r) => r.dir === runDir);
    assert.strictEqual(summary?.dataset, moved);
    assert.notStrictEqual(summary?.datasetMissing, true);
    panel.dispose();
  });
});
