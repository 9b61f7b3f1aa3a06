// A person's path through the scoring UI on a real (tiny) dataset: right-click the dataset folder in the
// Explorer -> Compute Memorization Scores -> preset "tiny" -> the live training view -> the score panel
// opens: move the threshold slider (the S_C fraction changes), brush the histogram (the gallery filters),
// select samples with the mouse and keyboard, mark them (marks.json), open the Image Inspector.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';
import { runContextMenuItem } from './menus';
import { frameWith } from './frames';

export const name = 'score-panel';
export const timeoutMs = 240_000;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()) && /vscode-cdn|vscode-resource/.test(m.location().url)) cspViolations.push(m.text());
  });

  // Explorer context menu on the dataset folder.
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'fashion-mini' }).first();
  await folder.waitFor({ timeout: 30_000 });
  const tiny = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*tiny\s*$/ }) });
  await runContextMenuItem(page, folder, 'Compute Memorization Scores', tiny, 'Explorer');
  await ctx.screenshot('compute-pick-preset');
  await tiny.click();
  ctx.log('run started from the Explorer context menu with the tiny preset');

  // The live training view: loss curves appear as f trains.
  const training = ctx.webview();
  await training.locator('#title').waitFor({ timeout: 30_000 });
  // On a fast machine the tiny run can finish before train_g is seen running: then the score panel has
  // already replaced the training view, which is just as good for what follows.
  await Promise.race([
    training.locator('.stage.running, .stage.done', { hasText: /train_g/ }).waitFor({ timeout: 90_000 }),
    page
      .locator('.tabs-container .tab', { hasText: /^Scores:/ })
      .first()
      .waitFor({ timeout: 90_000 }),
  ]);

  // When the run is done the score panel opens by itself.
  const scoresTab = page.locator('.tabs-container .tab', { hasText: /^Scores:/ }).first();
  await scoresTab.waitFor({ timeout: 120_000 });
  // The training view stays open beside it and keeps what it showed. Say what ran: the provider decision
  // (arrives when train_f opens its session; with a cached measurement the tiny run can be over a few seconds
  // later, so it is read here rather than raced), why the others were not used, overall progress and time.
  await page
    .locator('.tabs-container .tab', { hasText: /^SSLMem: tiny run/ })
    .first()
    .click();
  const trainingView = ctx.webview();
  const provider = trainingView.locator('#stat-provider', { hasText: /^(cpu, \d+ threads?|webgpu|cuda)/ });
  await provider.waitFor({ timeout: 30_000 });
  assert.ok((await trainingView.locator('#provider-reasons li').count()) >= 1, 'no line says why the other providers were not used');
  await trainingView.locator('#stat-overall', { hasText: /^\d+%$/ }).waitFor({ timeout: 10_000 });
  await trainingView.locator('#stat-elapsed', { hasText: /^\d+ (s|min)/ }).waitFor({ timeout: 10_000 });
  await ctx.runCommand('View: Close Primary Side Bar');
  await ctx.screenshot('training-live');
  await scoresTab.click();
  // When the run is done the score panel opens by itself.
  await page
    .locator('.tabs-container .tab', { hasText: /^Scores:/ })
    .first()
    .waitFor({ timeout: 120_000 });
  const web = ctx.webview();
  const cells = web.locator('#gallery .cell[data-index]');
  await cells.first().waitFor({ timeout: 30_000 });
  const total = Number(((await web.locator('#count').textContent()) ?? '').match(/^(\d+)/)?.[1]);
  assert.ok(total > 20, `gallery shows ${total} samples`);
  await web.locator('#explain summary').click();
  await page.waitForTimeout(500);
  await ctx.screenshot('score-panel-explained');
  await web.locator('#explain summary').click();

  // Threshold slider: the fraction of S_C above τ follows it, live.
  const fraction = web.locator('#fraction strong');
  const slider = web.locator('#threshold');
  await slider.focus();
  await slider.press('Home');
  assert.equal(await fraction.textContent(), '100.0%');
  await slider.press('End');
  assert.equal(await fraction.textContent(), '0.0%');
  await slider.fill(
    await slider.evaluate((s: HTMLInputElement) => String((Number(s.min) + Number(s.max)) / 2 - (Number(s.max) - Number(s.min)) * 0.1)),
  );
  const mid = await fraction.textContent();
  ctx.log(`fraction at the slider's position: ${mid}`);

  // Selection: click, Ctrl-click, Shift-click, then the keyboard (arrow + Space).
  await cells.nth(0).click();
  await cells.nth(2).click({ modifiers: ['Control'] });
  await cells.nth(5).click({ modifiers: ['Shift'] });
  // Shift-click replaces the selection with the range from the anchor (the Ctrl-clicked cell): 2..5.
  await web.locator('#selection-count', { hasText: '4 selected' }).waitFor({ timeout: 5000 });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' ');
  await web.locator('#selection-count', { hasText: '5 selected' }).waitFor({ timeout: 5000 });
  await web.locator('#mark-keep').click();
  await web.locator('#mark-count', { hasText: '5 kept' }).waitFor({ timeout: 10_000 });
  const runDir = fs
    .readdirSync(path.join(ctx.workspaceDir, '.sslmem', 'runs'))
    .map((d) => path.join(ctx.workspaceDir, '.sslmem', 'runs', d))[0];
  const marks = JSON.parse(fs.readFileSync(path.join(runDir, 'marks.json'), 'utf8')) as { keep: number[] };
  assert.equal(marks.keep.length, 5);
  await web.locator('.cell.mark-keep').first().waitFor({ timeout: 10_000 });
  // The detail pane shows the focused sample (selected and now kept): its mark follows without reopening it.
  await web.locator('#detail-mark', { hasText: 'keep' }).waitFor({ timeout: 10_000 });
  await ctx.screenshot('score-panel');

  // Histogram brush: drag across the upper half of the bins; the gallery shows fewer samples.
  const box = (await web.locator('#histogram').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.up();
  await web.locator('#range-label', { hasText: 'Showing scores' }).waitFor({ timeout: 5000 });
  // The count follows once the filtered first page arrives from the host, a moment after the range label.
  const shown = async () => Number(((await web.locator('#count').textContent()) ?? '').match(/^(\d+)/)?.[1]);
  let filtered = await shown();
  for (let i = 0; i < 50 && !(filtered < total); i++) {
    await page.waitForTimeout(100);
    filtered = await shown();
  }
  assert.ok(filtered < total, `brushing kept ${filtered} of ${total}`);
  await ctx.screenshot('score-panel-brushed');

  // Detail pane: the focused sample's augmented views arrive; then the Image Inspector (a custom editor beside).
  await cells.first().click();
  await web.locator('#detail-views img').nth(3).waitFor({ timeout: 15_000 });
  // Keep / Exclude / Inspect are inside the pane's visible box and the webview's viewport (at 1400×900 they
  // were cut off at the bottom of the pane): the pane scrolls and the buttons stick to its bottom edge.
  const clipped = await web.locator('#detail').evaluate((pane) => {
    const box = pane.getBoundingClientRect();
    return ['detail-keep', 'detail-exclude', 'detail-inspect'].filter((id) => {
      const b = document.getElementById(id)?.getBoundingClientRect();
      return !b || b.height === 0 || b.top < box.top - 1 || b.bottom > Math.min(box.bottom, window.innerHeight) + 1;
    });
  });
  assert.deepEqual(clipped, [], 'detail pane buttons cut off');
  await ctx.screenshot('score-panel-detail-actions');
  await web.locator('#detail-inspect').click();
  await page.locator('.tabs-container .tab', { hasText: /\.png/ }).first().waitFor({ timeout: 20_000 });
  const inspector = ctx.webview();
  await inspector.locator('#scores').waitFor({ timeout: 20_000 });
  assert.match((await inspector.locator('#scores').textContent()) ?? '', /rank\s*\d+ of \d+/);
  assert.match(
    (await inspector.locator('#scores').textContent()) ?? '',
    /S_[SCIE] — (shared|candidate|independent|extra): /,
    'the subset is not explained',
  );
  await ctx.screenshot('image-inspector');

  // Reload the window: the panel comes back with its UI state (filter, selection) and refetches the rows.
  const countBefore = await (await frameWith(ctx, '#gallery')).locator('#count').textContent();
  await ctx.runCommand('Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page
    .locator('.tabs-container .tab', { hasText: /^Scores:/ })
    .first()
    .click({ timeout: 60_000 });
  const restored = await frameWith(ctx, '#gallery .cell[data-index]', 60_000);
  await restored.locator('#gallery .cell[data-index]').first().waitFor({ timeout: 60_000 });
  await restored.locator('#selection-count', { hasText: '1 selected' }).waitFor({ timeout: 10_000 });
  assert.equal(await restored.locator('#count').textContent(), countBefore);
  await restored.locator('#mark-count', { hasText: '5 kept' }).waitFor({ timeout: 10_000 });
  ctx.log(`restored after reload: ${countBefore}`);
  assert.deepEqual(cspViolations, [], 'a panel broke its CSP');
}
