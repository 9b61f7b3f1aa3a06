// Concurrent training from the editor: with `sslmem.concurrentTraining: 2`, Compute Memorization Scores trains
// the run's encoders two at a time in the extension's backend (each in a worker thread started from the
// bundle's dist/train-worker.js) and records it; the run is the same as one trained one encoder at a time.
// The runs made here are deleted at the end, and the setting is restored.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/protocol/backend';
import { activeApi } from './helpers';

describe('concurrent training from the Compute command', function () {
  this.timeout(300_000);
  const runDirs: string[] = [];
  const config = () => vscode.workspace.getConfiguration('sslmem');

  after(async () => {
    await config().update('concurrentTraining', undefined, vscode.ConfigurationTarget.Global);
    await config().update('executionProvider', undefined, vscode.ConfigurationTarget.Global);
    for (const runDir of runDirs) if (fs.existsSync(runDir)) await vscode.commands.executeCommand('sslmem.deleteRun', runDir, true);
  });

  const compute = async (): Promise<string> => {
    const dataset = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'fashion-mini');
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
      overrides: { batch: 8, seedPairs: 2 },
    });
    assert.strictEqual(result?.status, 'done', 'the run did not finish (see the backend log)');
    runDirs.push(result.runDir);
    return result.runDir;
  };
  const stageTimes = (manifest: { stages: Record<string, { startedAt: string; finishedAt: string }> }, stage: string) =>
    [manifest.stages[stage].startedAt, manifest.stages[stage].finishedAt].map(Date.parse);

  it('setting 2: four encoders trained two at a time, with the same scores as one at a time (on the CPU)', async () => {
    await activeApi();
    // The CPU explicitly: under auto a tiny batch-8 step may measure faster on WebGPU (lavapipe spreads over
    // the cores), and a GPU trains one encoder at a time.
    await config().update('executionProvider', 'cpu', vscode.ConfigurationTarget.Global);
    await config().update('concurrentTraining', 2, vscode.ConfigurationTarget.Global);
    const concurrent = await compute();
    const manifest = JSON.parse(fs.readFileSync(path.join(concurrent, 'manifest.json'), 'utf8'));
    assert.strictEqual(manifest.status, 'done');
    const [f, g] = [stageTimes(manifest, 'train_f#0'), stageTimes(manifest, 'train_g#0')];
    assert.ok(f[0] < g[1] && g[0] < f[1], `train_f#0 ${f} and train_g#0 ${g} did not overlap`);

    await config().update('concurrentTraining', 1, vscode.ConfigurationTarget.Global);
    const sequential = await compute();
    const later = JSON.parse(fs.readFileSync(path.join(sequential, 'manifest.json'), 'utf8'));
    const [f1, g1] = [stageTimes(later, 'train_f#0'), stageTimes(later, 'train_g#0')];
    assert.ok(f1[1] <= g1[0], 'with the setting at 1 the encoders train one after the other');
    // The thread count (1 per lane against all cores) does not change an encoder on the CPU.
    assert.ok(
      fs.readFileSync(path.join(concurrent, 'scores.csv')).equals(fs.readFileSync(path.join(sequential, 'scores.csv'))),
      'scores.csv differs between the concurrent and the one-at-a-time run',
    );
  });
});
