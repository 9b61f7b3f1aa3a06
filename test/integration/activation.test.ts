// What activate() hands back, and the manifest's promises about it (smoke.test.ts checks command
// registration; this checks the views and settings the rest of the extension relies on).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeApi } from './helpers';

describe('activation and manifest', () => {
  it('activate() returns the API the tests and later features use', async () => {
    const { api } = await activeApi();
    assert.strictEqual(typeof api.backend.request, 'function');
    assert.strictEqual(typeof api.runs.list, 'function');
    assert.strictEqual(typeof api.scoreExplorer.open, 'function');
  });

  it('contributes the SSLMem container with the Runs and Score Explorer views', async () => {
    const { extension } = await activeApi();
    const views = extension.packageJSON.contributes.views.sslmem as { id: string; name: string }[];
    assert.deepStrictEqual(views.map((v) => v.name), ['Runs', 'Score Explorer']);
    // Focusing the view only works if a tree provider is registered for it.
    await vscode.commands.executeCommand('sslmem.runs.focus');
  });

  it('settings have their documented defaults', () => {
    const c = vscode.workspace.getConfiguration('sslmem');
    assert.strictEqual(c.get('executionProvider'), 'auto');
    assert.strictEqual(c.get('threads'), 0);
    assert.strictEqual(c.get('defaultPreset'), 'quick');
    assert.strictEqual(c.get('runStoreFolder'), '.sslmem/runs');
  });

  it('every contributed command has the SSLMem category and an sslmem.* id', async () => {
    const { extension } = await activeApi();
    for (const c of extension.packageJSON.contributes.commands as { command: string; category: string }[]) {
      assert.match(c.command, /^sslmem\./);
      assert.strictEqual(c.category, 'SSLMem', c.command);
    }
  });

  it('command titles read clearly in the palette: distinct, no repeated "SSLMem", none a prefix of another or of a view\'s "Focus on … View"', async () => {
    const { extension } = await activeApi();
    const titles = (extension.packageJSON.contributes.commands as { title: string }[]).map((c) => c.title);
    assert.strictEqual(new Set(titles).size, titles.length, 'two commands share a title');
    for (const t of titles) {
      assert.doesNotMatch(t, /SSLMem/, `"SSLMem: ${t}" says SSLMem twice`);
      // "Compare Runs" beside "Compare Runs Side by Side" read as the same command, twice.
      for (const u of titles) if (u !== t) assert.ok(!u.startsWith(`${t} `), `"${t}" is a prefix of "${u}"`);
    }
    // The views' own palette entries ("Focus on Score Explorer View"): no command may be named like a view.
    const views = (extension.packageJSON.contributes.views.sslmem as { name: string }[]).map((v) => v.name);
    for (const t of titles) for (const v of views) assert.ok(!t.endsWith(v), `"${t}" reads like the ${v} view`);
  });
});
