// A dataset without one file per image: the first 150 records of Debian's Fashion-MNIST test set written as
// an IDX pair. The score panel must still show images: the host renders thumbnails from the run's decode
// cache into <run>/thumbs/ for the rows of the page it sends.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/protocol/backend';
import { activeApi, nextEvent } from './helpers';

const SOURCE = '/usr/share/datasets/fashion-mnist';
const N = 150;

function writeIdxSubset(dir: string): void {
  const images = zlib.gunzipSync(fs.readFileSync(path.join(SOURCE, 't10k-images-idx3-ubyte.gz')));
  const labels = zlib.gunzipSync(fs.readFileSync(path.join(SOURCE, 't10k-labels-idx1-ubyte.gz')));
  fs.mkdirSync(dir, { recursive: true });
  const imageHeader = Buffer.from(images.subarray(0, 16));
  imageHeader.writeUInt32BE(N, 4);
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), Buffer.concat([imageHeader, images.subarray(16, 16 + N * 28 * 28)]));
  const labelHeader = Buffer.from(labels.subarray(0, 8));
  labelHeader.writeUInt32BE(N, 4);
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Buffer.concat([labelHeader, labels.subarray(8, 8 + N)]));
}

describe('scores of an IDX dataset (thumbnails rendered by the host)', function () {
  this.timeout(120_000);

  it('the panel pages rows whose thumbnails the host rendered into the run folder', async function () {
    if (!fs.existsSync(path.join(SOURCE, 't10k-images-idx3-ubyte.gz'))) this.skip(); // Debian's dataset-fashion-mnist not installed
    const { api } = await activeApi();
    const dataset = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'idx-mini');
    writeIdxSubset(dataset);
    const result = await vscode.commands.executeCommand<RunResult>('sslmem.computeScores', vscode.Uri.file(dataset), {
      preset: 'tiny',
      openPanel: false,
      showTraining: false,
    });
    assert.strictEqual(result?.status, 'done');
    const paged = nextEvent(api.scorePanels.onDidPostPage, (e) => e.runDir === result.runDir, 30_000, 'a page of rows');
    await vscode.commands.executeCommand('sslmem.openRun', result.runDir);
    const page = await paged;
    assert.ok(page.rows > 0);
    const thumbs = fs.readdirSync(path.join(result.runDir, 'thumbs')).filter((f) => f.endsWith('.png'));
    // At least the first page's rows (the page may already have asked for the next page too).
    assert.ok(thumbs.length >= page.rows && thumbs.length <= N, `${thumbs.length} thumbnails for a first page of ${page.rows}`);
    assert.ok(
      thumbs.every((f) => Number(f.replace('.png', '')) < N),
      thumbs.join(','),
    );
    const panel = api.scorePanels.panelOf(result.runDir)!;
    const roots = (panel.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    assert.ok(roots.includes(result.runDir), `the run folder (thumbnails) is not a resource root: ${roots.join(', ')}`);
    // Records of a file have no image file of their own: no Explorer decoration to give.
    assert.strictEqual(
      await api.decorations.provideFileDecoration(vscode.Uri.file(path.join(dataset, 'train-images-idx3-ubyte'))),
      undefined,
    );
    // Leave the workspace as found for the suites after this one.
    assert.strictEqual(await vscode.commands.executeCommand('sslmem.deleteRun', result.runDir, true), true);
    fs.rmSync(dataset, { recursive: true, force: true });
  });
});
