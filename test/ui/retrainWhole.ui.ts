// Retrain after removal on a whole-dataset run, as a person starts it: a tiny whole run on the fixture dataset
// (made with the CLI, `sslmem run --mode whole`: the editor's whole-mode preset needs more images than the
// fixture has), then "Retrain After Removal" from the run's context menu in the Runs tree (k = 3, 1 seed) and
// the panel that opens: the full-pool reference, the memorized and the random retraining, probed on the
// control set, worded for a whole run, and no side-by-side button (a whole run has no g to re-score against).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';
import { runContextMenuItem } from './menus';

export const name = 'retrain-whole-run';
export const timeoutMs = 420_000;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const cli = path.join(ctx.repoDir, 'dist', 'cli.js');
  const data = path.join(ctx.workspaceDir, 'fashion-mini');
  const runDir = execFileSync(
    process.execPath,
    [cli, 'run', '--data', data, '--mode', 'whole', '--preset', 'tiny', '--ep', 'cpu', '--threads', '1', '--workspace', ctx.workspaceDir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  )
    .trim()
    .split('\n')
    .pop()!;
  ctx.log(`whole run finished: ${path.basename(runDir)}`);

  await page.locator('.activitybar .action-item a[aria-label^="SSLMem"], .activitybar .action-item[aria-label^="SSLMem"]').first().click();
  const runRow = page.locator('.sidebar .monaco-list-row', { hasText: /tiny · fashion-mini/ }).first();
  await runRow.waitFor({ timeout: 60_000 });
  const input = page.locator('.quick-input-box input');
  const kPrompt = page.locator('.quick-input-widget', { hasText: 'Points to remove' });
  await runContextMenuItem(page, runRow, 'Retrain After Removal', kPrompt, 'Runs tree');
  await input.fill('3');
  await input.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Random-removal seeds' }).waitFor({ timeout: 10_000 });
  await input.fill('1');
  await input.press('Enter');

  const retrainTab = page.locator('.tabs-container .tab', { hasText: /^Retrain ·/ }).first();
  await retrainTab.waitFor({ timeout: 300_000 });
  await retrainTab.click();
  await ctx.runCommand('View: Close Primary Side Bar');
  const web = ctx.webview();
  const rows = web.locator('#rows tbody tr');
  await rows.first().waitFor({ timeout: 30_000 });
  assert.equal(
    await rows.count(),
    3,
    'full-pool reference + memorized + 1 random retraining (no original: no encoder trained on the whole pool)',
  );
  assert.match(
    (await web.locator('#app > p.muted').first().textContent()) ?? '',
    /Whole-dataset run: training pool of 130 images .*probe-test the control set/,
  );
  assert.match(
    (await web.locator('#verdict').textContent()) ?? '',
    /k = 3 \(2\.3% of the training pool\), linear probe: memorized removal \d+\.\d%/,
  );
  assert.equal(await web.locator('#compare-galleries').count(), 0, 'no re-scoring against g in a whole run');
  await page.waitForTimeout(800);
  await ctx.screenshot('retrain-whole-panel');

  const results = JSON.parse(fs.readFileSync(path.join(runDir, 'retrain.json'), 'utf8')) as {
    mode?: string;
    rows: { removal: string; trainingSize: number }[];
    protocol: { probeTestSize: number };
  };
  assert.equal(results.mode, 'whole');
  assert.deepEqual(
    results.rows.map((r) => [r.removal, r.trainingSize]),
    [
      ['none', 130],
      ['memorized', 127],
      ['random', 127],
    ],
  );
  assert.equal(results.protocol.probeTestSize, 20, 'the 20 control images');
  assert.deepEqual(cspViolations, [], 'no Content-Security-Policy violations');
}
