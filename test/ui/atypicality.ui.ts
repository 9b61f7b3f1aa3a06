// A whole-dataset run's Atypicality chart in the score panel (issue 15 item 4): a tiny whole run made with the
// CLI in the workspace (2 encoders, 2 epochs: the numbers mean nothing, the chart is what is checked), opened
// with "SSLMem: Open Latest Run"; the chart is drawn with ρ and p as its caption (the ones in report.json), and
// after a switch to Dark Modern it is drawn again in the new theme's colours (its canvas's data-fg, as in themes).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';
import { frameWith } from './frames';

export const name = 'atypicality';
export const timeoutMs = 240_000;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const cli = path.join(ctx.repoDir, 'dist', 'cli.js');
  const args = ['run', '--data', path.join(ctx.workspaceDir, 'fashion-mini'), '--mode', 'whole', '--preset', 'tiny', '--epochs', '2'];
  args.push('--encoders', '2', '--control', '20', '--set', '{"batch":8}', '--ep', 'cpu', '--threads', '1', '--workspace', ctx.workspaceDir);
  const runDir = execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .trim()
    .split('\n')
    .pop()!;
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
  ctx.log(`whole run ${path.basename(runDir)}: ρ ${report.atypicality.rho}, p ${report.atypicality.p}`);

  await ctx.runCommand('SSLMem: Open Latest Run');
  const scores = await frameWith(ctx, '#atypicality[data-fg]', 60_000);
  const caption = (await scores.locator('#atypicality-caption').textContent()) ?? '';
  assert.ok(caption.includes(`Spearman ρ = ${report.atypicality.rho.toFixed(3)}, p = `), caption);
  assert.match(caption, new RegExp(`over ${report.atypicality.n} scored images`));
  const light = await scores.locator('#atypicality').getAttribute('data-fg');
  await scores.locator('#atypicality').scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await ctx.screenshot('atypicality-light');

  await ctx.runCommand('Preferences: Color Theme');
  const dark = page
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*Dark Modern\s*$/ }) })
    .first();
  await page.locator('.quick-input-widget input').fill('Dark Modern');
  await dark.waitFor({ timeout: 10_000 });
  await dark.click();
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
  let now = light;
  for (let i = 0; i < 100 && now === light; i++) {
    await page.waitForTimeout(100);
    now = await scores.locator('#atypicality').getAttribute('data-fg');
  }
  assert.notEqual(now, light, `the atypicality chart was not redrawn after the theme change (still ${light})`);
  await ctx.screenshot('atypicality-dark');
}
