// The Layers & Units panel rendered in the real workbench: a tiny run trained with 2 snapshots and analysed
// with the CLI (layers, units, history), the panel opened from the palette and the run picked; the page shows
// the LayerMem bars, the UnitMem histogram and the over-training charts (two canvases, a row per snapshot) with
// no error on the page.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { UiContext } from './ui-context';

export const name = 'layers-panel';
export const timeoutMs = 240_000;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(ctx.repoDir, 'dist', 'cli.js'), ...args, '--ep', 'cpu'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const out = cli(
    'run',
    '--data',
    path.join(ctx.workspaceDir, 'fashion-mini'),
    '--preset',
    'tiny',
    '--snapshots',
    '2',
    '--workspace',
    ctx.workspaceDir,
  );
  const runDir = out.trimEnd().split('\n').pop()!;
  for (const analysis of ['layers', 'units', 'history']) cli(analysis, runDir);
  ctx.log('tiny run with snapshots, analysed:', path.basename(runDir));

  await ctx.runCommand('SSLMem: Open Layers & Units');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(runDir) }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  const view = ctx.webview();
  await view.locator('#over-training-table').waitFor({ timeout: 30_000 });
  assert.equal(await view.locator('#over-training canvas').count(), 2, 'the score chart and the loss/kNN chart');
  assert.equal(await view.locator('#over-training-table tr').count(), 3, 'a header and one row per snapshot');
  assert.equal(await view.locator('#layers canvas').count(), 2, 'LayerMem bars and the alignment scatter');
  assert.equal(await view.locator('p.error').count(), 0, 'no error on the page');
  await view.locator('#over-training').scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await ctx.screenshot('layers-panel-over-training');
}
