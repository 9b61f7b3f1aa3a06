// The panels in light and Dark Modern (issue 17 items 4 and 6), as a person meets them: a tiny run from the
// Explorer, its score panel (S_C ranked first, controls apart, the sort control), the live training view and
// the retrain-after-removal panel, each screenshotted in the light theme; then the theme is switched to Dark
// Modern from the palette with the panels open, and every chart must redraw in the new theme's colours (the
// colour each chart painted its legend and axes with is on its canvas as data-fg), the gallery's thumbnails
// must not turn black, and each panel is screenshotted again. The screenshots are what docs/ shows.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import type { UiContext } from './ui-context';
import { runContextMenuItem } from './menus';
import { frameWith } from './frames';

export const name = 'themes';
export const timeoutMs = 540_000;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const tab = (title: RegExp) => page.locator('.tabs-container .tab', { hasText: title }).first();

  // A finished tiny run, started from the Explorer context menu; its score panel opens by itself.
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'fashion-mini' }).first();
  await folder.waitFor({ timeout: 30_000 });
  const tiny = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*tiny\s*$/ }) });
  await runContextMenuItem(page, folder, 'Compute Memorization Scores', tiny, 'Explorer');
  await tiny.click();
  await tab(/^Scores:/).waitFor({ timeout: 180_000 });
  let scores = await frameWith(ctx, '#gallery .cell[data-index]', 60_000);
  await page.waitForTimeout(1000); // the panel takes focus once its first page is drawn
  await tab(/^Scores:/).click();
  await ctx.runCommand('View: Close Primary Side Bar');
  scores = await frameWith(ctx, '#gallery .cell[data-index]', 30_000);

  // Ranking scope (item 4): the default order ranks S_C first (#1, #2, …), the controls ("ctrl") after them.
  const captions = async (f: FrameLocator) =>
    f.locator('#gallery .cell[data-index]').evaluateAll((cells) =>
      cells
        .map((c) => ({
          pos: Number(c.getAttribute('data-pos')),
          rank: c.querySelector('.rank')?.textContent ?? '',
          score: Number(c.querySelector('.score')?.textContent?.replace('≈', '')),
          control: c.classList.contains('control'),
        }))
        .sort((a, b) => a.pos - b.pos),
    );
  const first = await captions(scores);
  assert.equal(first[0].rank, '#1');
  assert.ok(!first[0].control, 'a control leads the gallery');
  const firstControl = first.findIndex((c) => c.control);
  if (firstControl >= 0)
    assert.ok(
      first.slice(firstControl).every((c) => c.control && c.rank === 'ctrl'),
      'an S_C image after the controls',
    );
  assert.deepEqual(
    first.filter((c) => !c.control).map((c) => c.rank),
    first.filter((c) => !c.control).map((_, i) => `#${i + 1}`),
  );
  assert.match((await scores.locator('#legend').textContent()) ?? '', /#n = rank among S_C, 1 = most memorized · ctrl = control image/);
  assert.match(
    (await scores.locator('#legend').getAttribute('title')) ?? '',
    /^within noise: the score lies between -?\d\.\d{3} and -?\d\.\d{3}/,
  );
  // The sort control reaches the host: score ascending puts the lowest score first.
  await setSort(scores, 'score-asc');
  await scores.locator('#gallery .cell[data-pos="0"] .rank', { hasText: /^(ctrl|#\d+)$/ }).waitFor({ timeout: 10_000 });
  let asc = await captions(scores);
  for (let i = 0; i < 50 && !(asc.length > 1 && asc.every((c, j) => j === 0 || asc[j - 1].score <= c.score + 1e-9)); i++) {
    await page.waitForTimeout(100);
    asc = await captions(scores);
  }
  assert.ok(
    asc.every((c, j) => j === 0 || asc[j - 1].score <= c.score + 1e-9),
    `not ascending: ${asc.map((c) => c.score).join(' ')}`,
  );
  await setSort(scores, 'memorization');
  await scores.locator('#gallery .cell[data-pos="0"] .rank', { hasText: '#1' }).waitFor({ timeout: 10_000 });
  await scores.locator('#gallery .cell[data-index]').first().click();
  await scores.locator('#detail-rank', { hasText: /^#1 by memorization/ }).waitFor({ timeout: 10_000 });
  await scores.locator('#histogram[data-fg]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
  await ctx.screenshot('theme-light-score-panel');
  const histLight = await scores.locator('#histogram').getAttribute('data-fg');

  // The live training view (kept beside the score panel).
  await tab(/^SSLMem: tiny run/).click();
  const training = await frameWith(ctx, '#loss-chart[data-fg]', 15_000);
  await training.locator('.stage.done', { hasText: 'report' }).waitFor({ timeout: 30_000 });
  await ctx.screenshot('theme-light-training');
  const trainLight = await training.locator('#loss-chart').getAttribute('data-fg');

  // Retrain after removal from the Runs tree (k = 5, 2 seeds), as retrain.ui.ts does.
  await page.locator('.activitybar .action-item a[aria-label^="SSLMem"], .activitybar .action-item[aria-label^="SSLMem"]').first().click();
  const runRow = page.locator('.sidebar .monaco-list-row', { hasText: /tiny · fashion-mini/ }).first();
  await runRow.waitFor({ timeout: 30_000 });
  const input = page.locator('.quick-input-box input');
  await runContextMenuItem(
    page,
    runRow,
    'Retrain After Removal',
    page.locator('.quick-input-widget', { hasText: 'Points to remove' }),
    'Runs tree',
  );
  await input.fill('5');
  await input.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Random-removal seeds' }).waitFor({ timeout: 10_000 });
  await input.fill('2');
  await input.press('Enter');
  await tab(/^Retrain ·/).waitFor({ timeout: 300_000 });
  await tab(/^Retrain ·/).click();
  await ctx.runCommand('View: Close Primary Side Bar');
  const retrain = await frameWith(ctx, '#rows tbody tr', 30_000);
  await retrain.locator('canvas[data-fg]').first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(800);
  await ctx.screenshot('theme-light-retrain');
  const retrainLight = await retrain.locator('canvas').first().getAttribute('data-fg');

  // Dark Modern, from the palette, with the score panel in front.
  await tab(/^Scores:/).click();
  scores = await frameWith(ctx, '#histogram[data-fg]', 30_000);
  await ctx.runCommand('Preferences: Color Theme');
  const dark = page
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*Dark Modern\s*$/ }) })
    .first();
  await page.locator('.quick-input-widget input').fill('Dark Modern');
  await dark.waitFor({ timeout: 10_000 });
  await dark.click();
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
  ctx.log('theme switched to Dark Modern');

  // Each chart drew itself again, in the new theme's colours; the thumbnails are not black.
  const changed = async (f: FrameLocator, selector: string, before: string | null, what: string) => {
    let now = before;
    for (let i = 0; i < 100 && now === before; i++) {
      await page.waitForTimeout(100);
      now = await f.locator(selector).first().getAttribute('data-fg');
    }
    assert.notEqual(now, before, `${what} was not redrawn after the theme change (still ${before})`);
    const fg = await f.locator('body').evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-foreground').trim());
    const desc = await f.locator('body').evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-descriptionForeground').trim());
    assert.ok(now === fg || now === desc, `${what} painted in ${now}, the theme's foreground is ${fg}`);
  };
  await changed(scores, '#histogram', histLight, 'the score histogram');
  await page.waitForTimeout(800);
  const thumb = scores.locator('#gallery .cell[data-index] img.thumb').first();
  const brightest = await thumb.evaluate(async (img: HTMLImageElement) => {
    await img.decode().catch(() => undefined);
    return img.complete && img.naturalWidth > 0;
  });
  assert.ok(brightest, 'the first thumbnail is not loaded after the theme change');
  const shot = await thumb.screenshot();
  const maxChannel = await brightestPixel(shot);
  assert.ok(maxChannel > 80, `the first thumbnail is black after the theme change (brightest channel ${maxChannel})`);
  await ctx.screenshot('theme-dark-score-panel');

  await tab(/^SSLMem: tiny run/).click();
  const trainingDark = await frameWith(ctx, '#loss-chart', 15_000);
  await changed(trainingDark, '#loss-chart', trainLight, 'the training chart');
  await page.waitForTimeout(500);
  await ctx.screenshot('theme-dark-training');

  await tab(/^Retrain ·/).click();
  const retrainDark = await frameWith(ctx, '#rows tbody tr', 15_000);
  await changed(retrainDark, 'canvas', retrainLight, 'the retrain chart');
  await page.waitForTimeout(500);
  await ctx.screenshot('theme-dark-retrain');
}

async function setSort(f: FrameLocator, key: string): Promise<void> {
  await f.locator('#sort').evaluate((s, k) => {
    (s as unknown as { value: string }).value = k;
    s.dispatchEvent(new Event('change'));
  }, key);
}

/** The brightest channel value (0–255) of a PNG screenshot. */
async function brightestPixel(png: Buffer): Promise<number> {
  const sharp = require('sharp') as typeof import('sharp');
  const stats = await sharp(png).stats();
  return Math.max(...stats.channels.slice(0, 3).map((c) => c.max));
}
