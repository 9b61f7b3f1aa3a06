// Seed pairs from the editor (issue 15 item 2): Compute Memorization Scores with the `seedPairs` override (what
// the command's "seed pairs" pick sends) trains two (f, g) pairs through the backend; the run records
// train_f#0 … and its scores carry a standard error from the pairs' spread. The run made here is deleted at the end.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/protocol/backend';
import { activeApi } from './helpers';

describe('seed pairs from the Compute command', function () {
  this.timeout(240_000);
  let runDir: string | undefined;

  after(async () => {
    if (runDir && fs.existsSync(runDir)) await vscode.commands.executeCommand('sslmem.deleteRun', runDir, true);
  });

  it('a seedPairs 2 override runs two pairs; report.json intervals come from the pairs', async () => {
    await activeApi();
    const dataset = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'fashion-mini');
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
      overrides: { batch: 8, seedPairs: 2 },
    });
    assert.strictEqual(result?.status, 'done', 'the run did not finish (see the backend log)');
    runDir = result.runDir;
    const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    assert.ok(manifest.stageOrder.includes('train_f#1') && manifest.stageOrder.includes('train_g#1'), manifest.stageOrder.join(' '));
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    assert.strictEqual(report.confidence.stderr, 'pairs');
    for (const e of report.top_k.S_C) assert.ok(e.ci_low <= e.score && e.score <= e.ci_high, JSON.stringify(e));
    assert.strictEqual(fs.readFileSync(path.join(runDir, 'scores.csv'), 'utf8').split('\n')[0].split(',').pop(), 'score_stderr');
  });
});
