// What activate() hands back, and the manifest's promises about it (smoke.test.ts checks command
// registration; this checks the views and settings the rest of the extension relies on).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeApi } from './helpers';

describe('activation and manifest', () => {
  it('activate() returns the API the tests and later features use', async () => {
    const { api } = await activeApi();
    assert.strictEqual(typeof api.backend.request, 'function');
    assert.strictEqual(typeof api.runs.list, 'function');
    assert.strictEqual(typeof api.runsOverview.open, 'function');
  });

  it('contributes the SSLMem container with the Runs and Score Explorer views', async () => {
    const { extension } = await activeApi();
    const views = extension.packageJSON.contributes.views.sslmem as { id: string; name: string }[];
    assert.deepStrictEqual(
      views.map((v) => v.name),
      ['Runs', 'Score Explorer'],
    );
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

  it('command titles read clearly in the palette: distinct, no repeated "SSLMem", none a prefix of another nor named like a view', async () => {
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
    for (const t of titles)
      for (const v of views) assert.ok(t !== v && t !== `Open ${v}` && t !== `Show ${v}`, `"${t}" reads like the ${v} view`);
    assert.ok(!titles.some((t) => t.includes('Score Explorer')), 'a command named like the Score Explorer view, which it does not open');
  });

  it('the Getting Started walkthrough: open a dataset, compute, read the panel, retrain; media inside the extension, commands that exist', async () => {
    const { extension } = await activeApi();
    const walkthroughs = extension.packageJSON.contributes.walkthroughs as {
      id: string;
      steps: { id: string; title: string; description: string; media: Record<string, unknown>; completionEvents?: string[] }[];
    }[];
    assert.strictEqual(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepStrictEqual(
      steps.map((s) => s.id),
      ['openDataset', 'computeScores', 'readScores', 'retrain'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      const files = [step.media.image, step.media.markdown, step.media.svg].filter((f): f is string => typeof f === 'string');
      assert.strictEqual(files.length, 1, `${step.id}: one image, markdown or svg`);
      for (const f of files) {
        assert.match(f, /^media\//, `${step.id}: ${f} is not packaged (.vscodeignore keeps media/ only)`);
        assert.ok(fs.existsSync(path.join(extension.extensionPath, f)), `${step.id}: ${f} does not exist`);
      }
      if (step.media.image) assert.ok(typeof step.media.altText === 'string' && step.media.altText.length > 10, `${step.id}: no alt text`);
      const commands = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
      assert.strictEqual(commands.length, 1, `${step.id}: one button`);
      const events = (step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
      for (const id of [...commands, ...events]) assert.ok(registered.has(id), `${step.id}: no command ${id}`);
    }
    assert.ok(
      steps[1].description.includes('(command:sslmem.computeScores)'),
      'the compute step has no button running Compute Memorization Scores',
    );
  });
});
