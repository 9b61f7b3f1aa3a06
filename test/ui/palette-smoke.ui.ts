// Pipeline proof for the UI runner: a person opens the command palette, runs an SSLMem command, and sees the
// runs overview webview inside the workbench (with no run yet, Open Latest Run shows the overview).
import * as assert from 'node:assert/strict';
import type { UiContext } from './ui-context';

export const name = 'palette-opens-score-explorer';

export async function run(ctx: UiContext): Promise<void> {
  await ctx.runCommand('SSLMem: Open Latest Run');
  // The panel's editor tab, then the page the webview bundle rendered inside it.
  await ctx.page.locator('.tabs-container .tab', { hasText: 'SSLMem Runs Overview' }).waitFor({ timeout: 30_000 });
  const title = ctx.webview().locator('#title');
  await title.waitFor({ timeout: 30_000 });
  assert.equal((await title.textContent())?.trim(), 'Runs Overview');
  await ctx.screenshot('palette-score-explorer');
}
