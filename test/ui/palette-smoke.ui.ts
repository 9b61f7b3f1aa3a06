// Pipeline proof for the UI runner: a person opens the command palette, runs an SSLMem command, and sees the
// Score Explorer webview inside the workbench.
import * as assert from 'node:assert/strict';
import type { UiContext } from './ui-context';

export const name = 'palette-opens-score-explorer';

export async function run(ctx: UiContext): Promise<void> {
  await ctx.runCommand('SSLMem: Open Score Explorer');
  // The panel's editor tab, then the page the webview bundle rendered inside it.
  await ctx.page.locator('.tabs-container .tab', { hasText: 'SSLMem Score Explorer' }).waitFor({ timeout: 30_000 });
  const title = ctx.webview().locator('#title');
  await title.waitFor({ timeout: 30_000 });
  assert.equal((await title.textContent())?.trim(), 'Score Explorer');
  await ctx.screenshot('palette-score-explorer');
}
