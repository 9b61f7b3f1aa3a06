// The live training view of a whole-dataset run draws one loss curve per encoder ("encoder j"), and a resume
// restores each encoder's curve so far: a tiny whole run on the fixture dataset (the CLI, interrupted with
// SIGINT while encoder 1 trains: the editor's whole-mode preset needs more images than the fixture has), then
// "Resume Run" from the Runs tree. The view opens with four curves, the history of encoders 0 and 1 (their
// train-loss.csv files), and goes on with encoder 1 and the others.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';
import { runContextMenuItem } from './menus';

export const name = 'whole-run-training-view';
export const timeoutMs = 300_000;

/** The number of data lines of an encoder's train-loss.csv. */
const historyLength = (runDir: string, j: number) =>
  fs
    .readFileSync(path.join(runDir, `e${j}`, 'train-loss.csv'), 'utf8')
    .trim()
    .split('\n').length - 1;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  // 130 images per encoder pool, 65 per encoder, batch 8: 8 steps an epoch, 64 in all, a checkpoint every ~3.
  const args = ['run', '--data', path.join(ctx.workspaceDir, 'fashion-mini'), '--mode', 'whole', '--preset', 'tiny'];
  args.push('--epochs', '8', '--set', '{"batch":8}', '--ep', 'cpu', '--threads', '1', '--workspace', ctx.workspaceDir, '--in-process');
  const child = spawn(process.execPath, [path.join(ctx.repoDir, 'dist', 'cli.js'), ...args], { stdio: 'ignore' });
  const store = path.join(ctx.workspaceDir, '.sslmem', 'runs');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let runDir = '';
  for (let i = 0; !runDir; i++) {
    const id = fs.existsSync(store) ? fs.readdirSync(store)[0] : undefined;
    if (id && fs.existsSync(path.join(store, id, 'e1', 'checkpoint.bin'))) runDir = path.join(store, id);
    else {
      assert.ok(i < 2400 && child.exitCode === null, 'the CLI run ended before encoder 1 checkpointed');
      await page.waitForTimeout(50);
    }
  }
  child.kill('SIGINT');
  await exited;
  const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as {
    status: string;
    stages: Record<string, { status: string }>;
  };
  assert.equal(manifest.status, 'interrupted');
  assert.equal(manifest.stages['train#1'].status, 'pending');
  const before = [historyLength(runDir, 0), historyLength(runDir, 1)];
  ctx.log(`interrupted during train#1; history ${before.join(' + ')} steps`);

  await page.locator('.activitybar .action-item a[aria-label^="SSLMem"], .activitybar .action-item[aria-label^="SSLMem"]').first().click();
  const runRow = page.locator('.sidebar .monaco-list-row', { hasText: /tiny · fashion-mini/ }).first();
  await runRow.waitFor({ timeout: 60_000 });
  const trainingTab = page.locator('.tabs-container .tab', { hasText: /tiny run on fashion-mini/ }).first();
  await runContextMenuItem(page, runRow, 'Resume Run', trainingTab, 'Runs tree');

  // On a quiet machine the tiny run is done in seconds and its score panel takes the focus (and `ctx.webview()`,
  // the last visible webview) before the training view can be read — even before its chart is looked for. So
  // the scenario waits for the run to finish, brings the training tab back (its page is kept while hidden) and
  // reads what it drew: the restored history, points on every encoder's curve (data-points, history included;
  // encoder 1 went on live, 2 and 3 trained live) and train#2 done.
  await page
    .locator('.tabs-container .tab', { hasText: /^Scores:/ })
    .first()
    .waitFor({ timeout: 180_000 });
  await ctx.runCommand('View: Close Primary Side Bar');
  await trainingTab.click();
  const view = ctx.webview();
  const chart = view.locator('#loss-chart');
  await chart.waitFor({ timeout: 30_000 });
  assert.equal(await chart.getAttribute('data-series'), 'encoder 0 | encoder 1 | encoder 2 | encoder 3');
  assert.equal(Number(await chart.getAttribute('data-history-points')), before[0] + before[1], "encoders 0 and 1's history");
  await view.locator('#resumed-note', { hasText: /^Resumed: the curves up to the dashed line/ }).waitFor({ timeout: 10_000 });
  const points = ((await chart.getAttribute('data-points', { timeout: 10_000 })) ?? '').split(' | ').map(Number);
  assert.equal(points.length, 4, `data-points: ${points}`);
  assert.ok(
    points.every((n) => n > 0),
    `a curve without points: ${points}`,
  );
  assert.equal(points[0], before[0], 'encoder 0 finished before the cancel: its history only');
  assert.ok(points[1] > before[1], `encoder 1 went on live after its ${before[1]} history points: ${points[1]}`);
  await view.locator('.stage.done .name', { hasText: 'train#2' }).first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(1000);
  await ctx.screenshot('training-whole-run');
}
