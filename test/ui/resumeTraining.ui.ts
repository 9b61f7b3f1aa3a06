// Cancel and resume in the live training view (issue 17 item 7), as a person does it: a tiny run on the 3000 demo
// images (150 steps per encoder: ~10 s of f on a quiet machine — with 600 images f took 2 s, ended before the
// view could cancel it and failed this scenario in a quiet CI), Cancel in the view (it says
// "Cancelling…" at once), then its Resume button: the run continues in the SAME tab (no second "resume <id>"
// tab), and the loss curve starts with the steps trained before the cancel (read from the run's
// f/train-loss.csv), then the run finishes and its score panel opens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';
import { runContextMenuItem } from './menus';

export const name = 'resume-training';
export const timeoutMs = 300_000;
const DATASET = 'fashion-3000';

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  // All 300 images of each of the 10 demo classes: f trains on 2430 of them, 75 steps an epoch at batch 32.
  const demo = path.join(ctx.repoDir, 'demo', 'fashion-mnist');
  for (const cls of fs.readdirSync(demo).filter((c) => !c.startsWith('.'))) {
    fs.mkdirSync(path.join(ctx.workspaceDir, DATASET, cls), { recursive: true });
    for (const f of fs
      .readdirSync(path.join(demo, cls))
      .filter((x) => x.endsWith('.png'))
      .sort()
      .slice(0, 300)) {
      fs.copyFileSync(path.join(demo, cls, f), path.join(ctx.workspaceDir, DATASET, cls, f));
    }
  }
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: DATASET }).first();
  // The Explorer's file watcher shows the new folder; under load it can lag: then its Refresh button helps.
  for (
    let attempt = 0;
    !(await folder.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    ));
    attempt++
  ) {
    assert.ok(attempt < 9, `the Explorer never showed ${DATASET}`);
    await page
      .locator('.explorer-viewlet')
      .first()
      .hover()
      .catch(() => {});
    await page
      .locator('.action-label[aria-label^="Refresh Explorer"], .action-label.codicon-refresh[aria-label*="Refresh"]')
      .first()
      .click({ force: true, timeout: 3000 })
      .catch(() => {});
  }
  const tiny = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*tiny\s*$/ }) });
  await runContextMenuItem(page, folder, 'Compute Memorization Scores', tiny, 'Explorer');
  await tiny.click();

  // Cancel part-way through f's training.
  const view = ctx.webview();
  await view.locator('#title').waitFor({ timeout: 60_000 });
  const step = view.locator('#stat-step');
  for (let i = 0; ; i++) {
    const running = await view
      .locator('.stage.running .name')
      .first()
      .textContent()
      .catch(() => null);
    const m = /^(\d+) \/ (\d+)$/.exec((await step.textContent()) ?? '');
    if (running === 'train_f' && m && Number(m[1]) >= 3) break;
    assert.ok(i < 1200, `f never trained 3 steps (stage ${running}, step ${await step.textContent()})`);
    await page.waitForTimeout(50);
  }
  await view.locator('#cancel').click();
  // The view says it is cancelling at once, not after the current step ends.
  assert.equal((await view.locator('#cancel').textContent({ timeout: 1000 }))?.trim(), 'Cancelling…');
  assert.match((await view.locator('#status').getAttribute('class')) ?? '', /cancelling/);
  const resume = view.locator('#resume');
  await resume.waitFor({ timeout: 60_000 });
  assert.match((await view.locator('#status').textContent()) ?? '', /^Cancelled/);
  await ctx.screenshot('training-cancelled');

  const runs = path.join(ctx.workspaceDir, '.sslmem', 'runs');
  const runDir = path.join(runs, fs.readdirSync(runs).sort().pop()!);
  const history = fs
    .readFileSync(path.join(runDir, 'f', 'train-loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as {
    status: string;
    stages: Record<string, { progress?: { done: number; total: number } }>;
  };
  assert.equal(manifest.status, 'interrupted');
  const stoppedAt = manifest.stages.train_f.progress!;
  assert.ok(stoppedAt.done < stoppedAt.total, `f finished before the cancel (${stoppedAt.done}/${stoppedAt.total})`);
  assert.equal(history.length, stoppedAt.done, 'the loss history does not end where f stopped');

  // Resume from the view: the same tab, its curve starting with the steps trained before the cancel.
  await resume.click();
  await view.locator(`#loss-chart[data-history-points="${history.length}"]`).waitFor({ timeout: 60_000 });
  await view
    .locator('#resumed-note', { hasText: new RegExp(`^Resumed: the curves up to the dashed line \\(${history.length} points\\)`) })
    .waitFor({ timeout: 10_000 });
  await ctx.runCommand('View: Close Primary Side Bar');
  // A few new steps past the resume point, so the screenshot shows both parts of the curve.
  for (let i = 0; ; i++) {
    const running = await view
      .locator('.stage.running .name')
      .first()
      .textContent()
      .catch(() => null);
    const m = /^(\d+) \/ (\d+)$/.exec((await step.textContent()) ?? '');
    if (running !== 'train_f' || (m && Number(m[1]) >= history.length + 4)) break;
    assert.ok(i < 1200, 'f made no progress after the resume');
    await page.waitForTimeout(50);
  }
  await ctx.screenshot('training-resumed');
  const tabTitles = (await page.locator('.tabs-container .tab').allTextContents()).map((t) => t.trim());
  assert.equal(tabTitles.filter((t) => /^SSLMem: tiny run on fashion-3000/.test(t)).length, 1, `training tabs: ${tabTitles.join(' | ')}`);
  assert.ok(!tabTitles.some((t) => /resume/i.test(t)), `a second tab for the resumed run: ${tabTitles.join(' | ')}`);

  // The resumed run finishes: its score panel opens.
  await page
    .locator('.tabs-container .tab', { hasText: /^Scores:/ })
    .first()
    .waitFor({ timeout: 180_000 });
  const done = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as { status: string };
  assert.equal(done.status, 'done');
  const full = fs
    .readFileSync(path.join(runDir, 'f', 'train-loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[0]));
  assert.deepEqual(
    full,
    Array.from({ length: stoppedAt.total }, (_, i) => i + 1),
    "f's loss history after the resume is not every step once",
  );
}
