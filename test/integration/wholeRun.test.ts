// A whole-dataset run from the editor (issue 15): Compute Memorization Scores with mode 'whole' trains m
// encoders through the backend, and every image of the fixture dataset gets a score, a standard error and a
// p-value; the run is listed and its images are badged. The run made here is deleted at the end.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/protocol/backend';
import { activeApi } from './helpers';

describe('whole-dataset mode from the Compute command', function () {
  this.timeout(240_000);
  let runDir: string | undefined;

  after(async () => {
    if (runDir && fs.existsSync(runDir)) await vscode.commands.executeCommand('sslmem.deleteRun', runDir, true);
  });

  it('scores every image with a p-value against the control set', async () => {
    const { api } = await activeApi();
    const dataset = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'fashion-mini');
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      mode: 'whole',
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
      overrides: { batch: 8 },
    });
    assert.strictEqual(result?.status, 'done', 'the whole-dataset run did not finish (see the backend log)');
    runDir = result.runDir;
    const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    assert.strictEqual(manifest.config.kind, 'whole');
    assert.deepStrictEqual(manifest.stageOrder.slice(0, 3), ['design', 'train#0', 'train#1']);
    const [head, ...lines] = fs.readFileSync(path.join(runDir, 'scores.csv'), 'utf8').trim().split('\n');
    const cols = head.split(',');
    assert.strictEqual(lines.length, manifest.dataset.n, 'one row per image');
    for (const line of lines) {
      const v = line.split(',');
      const p = Number(v[cols.indexOf('p_value')]),
        se = Number(v[cols.indexOf('score_stderr')]);
      assert.ok(p > 0 && p <= 1 && Number.isFinite(se), line);
    }
    const runs = await api.runs.getChildren();
    assert.ok(
      runs.some((r) => r.dir === runDir),
      'the run is not listed',
    );
  });
});
