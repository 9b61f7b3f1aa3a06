// A person's path through the foundation UI: command palette -> "SSLMem: Open Latest Run" -> the panel's
// empty state -> a run appears in the run store -> Refresh inside the webview shows it -> the SSLMem
// activity-bar container with the Runs view lists it. Screenshots go to test-results/ui/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConsoleMessage } from 'playwright-core';
import type { UiContext } from './ui-context';

export const name = 'score-explorer';

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  // A strict CSP only helps if nothing in the panel needs it loosened: collect violations to assert on.
  const cspViolations: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.location().url}: ${m.text()}`);
  });

  await ctx.runCommand('SSLMem: Open Latest Run');
  const web = ctx.webview();
  await web.locator('#title').waitFor({ timeout: 30_000 });
  assert.equal(await web.locator('#title').textContent(), 'Runs Overview');
  const empty = web.locator('#empty-state');
  await empty.waitFor({ timeout: 15_000 });
  assert.match((await empty.textContent()) ?? '', /No runs yet/);
  // The empty state names the real run-store folder of the open workspace.
  assert.match((await empty.locator('code').textContent()) ?? '', new RegExp(`${escape(ctx.workspaceDir)}/\\.sslmem/runs`));
  // vscode-elements rendered (its shadow root exists): the custom elements loaded under the CSP.
  assert.equal(await web.locator('vscode-button#refresh').evaluate((b) => Boolean(b.shadowRoot)), true);
  await ctx.screenshot('score-explorer-empty');

  // A run arrives in the store (as the backend or the CLI would write it); it shows up in the panel (the
  // file watcher refreshes it; Refresh inside the panel asks the host to re-read the store at once).
  const runDir = path.join(ctx.workspaceDir, '.sslmem', 'runs', 'fashion-mnist-quick');
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(
    path.join(runDir, 'manifest.json'),
    JSON.stringify({
      status: 'done',
      preset: 'quick',
      dataset: '/usr/share/datasets/fashion-mnist',
      createdAt: new Date().toISOString(),
    }),
  );
  await web.locator('#refresh').click();
  const row = web.locator('vscode-table-row', { hasText: 'fashion-mnist-quick' });
  await row.waitFor({ timeout: 15_000 });
  assert.match((await web.locator('#run-count').textContent()) ?? '', /^1 run$/);
  await row.click();
  await web.locator('vscode-table-row.selected', { hasText: 'fashion-mnist-quick' }).waitFor({ timeout: 5_000 });
  await ctx.screenshot('score-explorer-runs');

  // The activity-bar container: the Runs tree lists the same run; the Score Explorer view shows its welcome text.
  await page.locator('.activitybar .action-item a[aria-label^="SSLMem"], .activitybar .action-item[aria-label^="SSLMem"]').first().click();
  const runsRow = page.locator('.sidebar .monaco-list-row', { hasText: 'fashion-mnist-quick' });
  await runsRow.waitFor({ timeout: 20_000 });
  await page.locator('.sidebar .welcome-view-content', { hasText: 'most memorized samples' }).waitFor({ timeout: 10_000 });
  await ctx.screenshot('activity-bar-runs');

  // Reload the window: the serializer restores the panel, which refetches the runs from the host and
  // re-applies the selection the page saved with vscode.setState.
  await ctx.runCommand('Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const restored = ctx.webview().locator('vscode-table-row.selected', { hasText: 'fashion-mnist-quick' });
  await restored.waitFor({ timeout: 60_000 });
  ctx.log('panel restored after reload with its selection');

  // Keyboard: Enter on a row asks the host (a validated webview message) to open that run's manifest.json.
  await restored.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: 'manifest.json' }).waitFor({ timeout: 15_000 });
  await ctx.screenshot('score-explorer-open-manifest');

  ctx.log(`CSP violations seen: ${cspViolations.length}`);
  // Only violations raised by the extension's own webview content count (its resources load from vscode-cdn.net).
  assert.deepEqual(
    cspViolations.filter((v) => /vscode-cdn\.net|vscode-resource/.test(v)),
    [],
    'the Score Explorer page broke its CSP',
  );
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
