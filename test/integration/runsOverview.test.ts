// The runs overview panel ("SSLMem: Show Runs Overview"; Open Latest Run shows it too before any run has
// scores) in the real workbench: it opens as a webview tab, its page runs under the strict CSP (it posts 'ready' and draws what the host sends), and it lists runs written to the run store.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeApi, nextEvent, waitFor } from './helpers';

function writeRun(id: string, manifest: object): string {
  const ws = vscode.workspace.workspaceFolders?.[0];
  assert.ok(ws, 'the test host opened no workspace folder');
  const dir = path.join(ws.uri.fsPath, '.sslmem', 'runs', id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const webviewTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('sslmem.scoreExplorer'));

describe('Runs Overview panel (real workbench)', function () {
  this.timeout(60_000);
  const created: string[] = [];
  after(() => {
    for (const d of created) fs.rmSync(d, { recursive: true, force: true });
  });

  it('opens as a webview tab and draws the runs of the run store', async () => {
    const { api } = await activeApi();
    created.push(writeRun('it-run-a', { status: 'done', preset: 'quick', createdAt: '2025-01-01T00:00:00Z' }));
    const expected = (await api.runs.list()).length;
    assert.ok(expected >= 1);
    // Listen before opening: the page posts 'rendered' as soon as the first runs message is drawn.
    const rendered = nextEvent(api.runsOverview.onDidRender, (rows) => rows === expected, 30_000, `a render with ${expected} rows`);
    await vscode.commands.executeCommand('sslmem.showRunsOverview');
    const [tab] = await waitFor('a Runs Overview webview tab', () => webviewTabs().length > 0 && webviewTabs());
    assert.strictEqual(tab.label, 'SSLMem Runs Overview');
    assert.strictEqual(await rendered, expected);
    const panel = api.runsOverview.current;
    assert.ok(panel, 'no current panel');
    const roots = (panel.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(
      roots.some((r) => r.endsWith(path.join('.sslmem', 'runs'))),
      `run store missing from localResourceRoots: ${roots.join(', ')}`,
    );
    assert.match(panel.webview.html, /default-src 'none'/);
  });

  it('Refresh Runs sends a new run to the open panel', async () => {
    const { api } = await activeApi();
    created.push(writeRun('it-run-b', { status: 'running', preset: 'quick' }));
    const expected = (await api.runs.list()).length;
    const rendered = nextEvent(api.runsOverview.onDidRender, (rows) => rows === expected, 30_000, `a render with ${expected} rows`);
    await vscode.commands.executeCommand('sslmem.refreshRuns');
    assert.strictEqual(await rendered, expected);
    assert.ok(
      (await api.runs.getChildren()).some((r) => r.id === 'it-run-b'),
      'the Runs tree does not list the new run',
    );
  });

  it('opening it again reuses the one panel', async () => {
    await vscode.commands.executeCommand('sslmem.showRunsOverview');
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(webviewTabs().length, 1);
  });
});
