// The "Layers & Units" panel inside the real extension host, on a tiny real run of the fixture dataset:
// LayerMem and UnitMem computed through the backend job table, the panel opened by its command, its data
// message read through the same handler the page's messages use, a unit's most-selective images paged
// (each with a webview URI inside the dataset folder), an invalid page message dropped, and memorization over
// training (the run is trained with 2 snapshots) computed through the panel's own compute message.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/protocol/backend';
import type { HostToLayersPanel } from '../../src/protocol/layersPanel';
import { activeApi, waitFor } from './helpers';

const webviewTabs = (viewType: string) =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));

describe('Layers & Units panel on a tiny real run', function () {
  this.timeout(240_000);
  let runDir = '';

  before(async () => {
    const dataset = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'fashion-mini');
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
      overrides: { snapshots: 2 },
    });
    assert.strictEqual(result?.status, 'done', 'the tiny run did not finish (see the backend log)');
    runDir = result.runDir;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (runDir && fs.existsSync(runDir)) await vscode.commands.executeCommand('sslmem.deleteRun', runDir, true);
  });

  it("opens with LayerMem bars and UnitMem histograms, and pages a unit's most-selective images", async () => {
    const { api } = await activeApi();
    const layers = await api.backend.request('layersSslmem', { runDir, provider: 'cpu' });
    assert.strictEqual(layers.status, 'done');
    const units = await api.backend.request('unitsSslmem', { runDir, provider: 'cpu', augmentations: 4 });
    assert.strictEqual(units.status, 'done');
    assert.ok(fs.existsSync(path.join(runDir, 'layers.json')) && fs.existsSync(path.join(runDir, 'units.json')));

    await vscode.commands.executeCommand('sslmem.openLayersUnits', runDir);
    await waitFor('the Layers & Units tab', () => webviewTabs('sslmem.layersPanel').length === 1);
    assert.ok(api.layers.panelOf(runDir), 'the panel is registered for the run');

    const [data] = await api.layers.handle(runDir, { type: 'ready' });
    assert.strictEqual(data.type, 'data');
    const d = data as Extract<HostToLayersPanel, { type: 'data' }>;
    assert.deepStrictEqual(
      d.layers?.bars.map((b) => b.name),
      ['conv1', 'conv2', 'conv3', 'repr'],
    );
    assert.strictEqual(d.layers?.scatter[0].lf.length, d.layers?.points);
    assert.deepStrictEqual(
      d.units?.layers.map((l) => l.name),
      ['conv1', 'conv2', 'conv3'],
    );
    const conv3 = d.units!.layers[2];
    assert.strictEqual(
      conv3.histogram.counts.reduce((a, b) => a + b, 0),
      conv3.summary.scored,
    );
    const unit = conv3.ranked[0].unit;

    const page = async (p: number) => {
      const [m] = await api.layers.handle(runDir, { type: 'unitImages', layer: 'conv3', unit, page: p });
      assert.strictEqual(m.type, 'unitImages', JSON.stringify(m));
      return m as Extract<HostToLayersPanel, { type: 'unitImages' }>;
    };
    const first = await page(0);
    assert.strictEqual(first.images.length, 8);
    assert.ok(first.pages >= 2);
    assert.ok(
      first.images.every((im) => im.uri.length > 0 && im.path.length > 0),
      'image files inside the dataset folder are served',
    );
    for (let i = 1; i < first.images.length; i++) assert.ok(first.images[i - 1].mu >= first.images[i].mu, 'highest μ first');
    const second = await page(1);
    assert.strictEqual(second.page, 1);
    assert.ok(second.images[0].mu <= first.images[7].mu);
    assert.notStrictEqual(second.images[0].index, first.images[0].index);
    const clamped = await page(10_000);
    assert.strictEqual(clamped.page, first.pages - 1);

    assert.deepStrictEqual(await api.layers.handle(runDir, { type: 'unitImages', layer: 'conv3', unit: -1, page: 0 }), []);
    assert.deepStrictEqual(await api.layers.handle(runDir, { type: 'openFile', path: '/etc/passwd' }), []);
    const [bad] = await api.layers.handle(runDir, { type: 'unitImages', layer: 'nope', unit: 0, page: 0 });
    assert.strictEqual(bad.type, 'error');
  });

  it("computes memorization over training from the run's snapshots and sends it to the page", async () => {
    const { api } = await activeApi();
    const [before] = await api.layers.handle(runDir, { type: 'ready' });
    assert.strictEqual((before as Extract<HostToLayersPanel, { type: 'data' }>).overTraining, null);
    // The page's "Compute over training" button: the backend job, then a fresh data message.
    const [after] = await api.layers.handle(runDir, { type: 'compute', what: 'history' });
    assert.ok(fs.existsSync(path.join(runDir, 'over-training.json')));
    const o = (after as Extract<HostToLayersPanel, { type: 'data' }>).overTraining;
    assert.ok(o, 'the data message carries the over-training summary');
    // tiny preset: 2 epochs of a few steps each; 2 snapshots, evenly spaced, the last at the final step.
    assert.ok(o.totalSteps >= 4 && o.totalSteps % 2 === 0, `total steps ${o.totalSteps}`);
    assert.deepStrictEqual(
      o.rows.map((r) => r.step),
      [o.totalSteps / 2, o.totalSteps],
    );
    assert.strictEqual(o.sampleSS, o.sampleSC);
    for (const r of o.rows) {
      for (const x of [r.lossF, r.lossG, r.scoreSC, r.scoreSS]) assert.ok(x !== null && Number.isFinite(x));
      for (const a of [r.knnF, r.knnG]) assert.ok(a !== null && a >= 0 && a <= 1);
    }
    assert.deepStrictEqual(await api.layers.handle(runDir, { type: 'compute', what: 'everything' }), []);
  });
});
