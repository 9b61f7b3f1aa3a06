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
  // In a remote window a user-settings change reaches the extension host asynchronously (it failed a CI run
  // when read right after update()): set, then wait until the host sees the value the Compute command reads.
  const setting = async (key: string, value: unknown) => {
    await config().update(key, value, vscode.ConfigurationTarget.Global);
    for (let i = 0; config().get(key) !== value; i++) {
      assert.ok(i < 200, `sslmem.${key} never became ${value} in the extension host`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

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
    await setting('executionProvider', 'cpu');
    await setting('concurrentTraining', 2);
    const concurrent = await compute();
    const manifest = JSON.parse(fs.readFileSync(path.join(concurrent, 'manifest.json'), 'utf8'));
    assert.strictEqual(manifest.status, 'done');
    // The stage order is train_f#0, train_f#1, train_g#0, train_g#1: the first two start together.
    const [f, g] = [stageTimes(manifest, 'train_f#0'), stageTimes(manifest, 'train_f#1')];
    assert.equal(manifest.providerDecision.setting, 'cpu', 'the executionProvider setting did not reach the run');
    assert.ok(
      f[0] < g[1] && g[0] < f[1],
      `train_f#0 ${f} and train_f#1 ${g} did not overlap (threads ${manifest.providerDecision.threads})`,
    );

    await setting('concurrentTraining', 1);
    const sequential = await compute();
    const later = JSON.parse(fs.readFileSync(path.join(sequential, 'manifest.json'), 'utf8'));
    const [f1, g1] = [stageTimes(later, 'train_f#0'), stageTimes(later, 'train_f#1')];
    assert.ok(f1[1] <= g1[0], 'with the setting at 1 the encoders train one after the other');
    // The thread count (1 per lane against all cores) does not change an encoder on the CPU.
    assert.ok(
      fs.readFileSync(path.join(concurrent, 'scores.csv')).equals(fs.readFileSync(path.join(sequential, 'scores.csv'))),
      'scores.csv differs between the concurrent and the one-at-a-time run',
    );
  });
});
