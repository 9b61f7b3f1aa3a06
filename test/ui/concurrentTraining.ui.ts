// Concurrent training as a user meets it in the editor: with `sslmem.concurrentTraining: 2` in the workspace
// settings, Explorer -> Compute Memorization Scores -> tiny trains f and g at the same time, and the live
// training view says so (its executor note), draws both loss curves from the interleaved progress and ends with
// both training stages done; the run's manifest shows the two stages overlapping in time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';
import { runContextMenuItem } from './menus';

export const name = 'concurrent-training-view';
export const timeoutMs = 240_000;
// In place before the workbench starts; the CPU explicitly: concurrency is for CPU training (under auto a tiny
// step may measure faster on lavapipe's WebGPU, which trains one encoder at a time).
export const workspaceSettings = { 'sslmem.concurrentTraining': 2, 'sslmem.executionProvider': 'cpu' };

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'fashion-mini' }).first();
  await folder.waitFor({ timeout: 30_000 });
  const tiny = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*tiny\s*$/ }) });
  await runContextMenuItem(page, folder, 'Compute Memorization Scores', tiny, 'Explorer');
  await tiny.click();
  ctx.log('tiny run started with sslmem.concurrentTraining 2');

  // A tiny run is over in seconds and its score panel takes the focus: wait for it, then bring the training
  // view back (its page is kept while hidden) and read what it drew.
  await page
    .locator('.tabs-container .tab', { hasText: /^Scores:/ })
    .first()
    .waitFor({ timeout: 180_000 });
  await ctx.runCommand('View: Close Primary Side Bar');
  await page
    .locator('.tabs-container .tab', { hasText: /^SSLMem: tiny run/ })
    .first()
    .click();
  const view = ctx.webview();
  await view
    .locator('#executor-note', { hasText: /^training train_f, train_g: 2 at a time, \d+ CPU threads? each$/ })
    .waitFor({ timeout: 30_000 });
  const chart = view.locator('#loss-chart');
  await chart.waitFor({ timeout: 10_000 });
  const points = ((await chart.getAttribute('data-points', { timeout: 10_000 })) ?? '').split(' | ').map(Number);
  assert.equal(points.length, 2, `data-points: ${points}`);
  assert.ok(
    points.every((n) => n > 0),
    `a curve without points: ${points}`,
  );
  for (const stage of ['train_f', 'train_g'])
    await view.locator('.stage.done .name', { hasText: stage }).first().waitFor({ timeout: 10_000 });

  const store = path.join(ctx.workspaceDir, '.sslmem', 'runs');
  const manifest = JSON.parse(fs.readFileSync(path.join(store, fs.readdirSync(store)[0], 'manifest.json'), 'utf8')) as {
    stages: Record<string, { startedAt: string; finishedAt: string }>;
  };
  const [f, g] = ['train_f', 'train_g'].map((s) => [Date.parse(manifest.stages[s].startedAt), Date.parse(manifest.stages[s].finishedAt)]);
  assert.ok(f[0] < g[1] && g[0] < f[1], `train_f ${f} and train_g ${g} did not overlap`);
  await page.waitForTimeout(1000);
  await ctx.screenshot('training-concurrent');
}
