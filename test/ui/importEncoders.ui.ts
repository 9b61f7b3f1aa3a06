// Import Encoders (ONNX) through its dialogs, as a person would: a tiny run made beforehand with the CLI gives
// real encoders (f/encode.onnx, g/encode.onnx) and its split.json; the command is run from the palette, the
// dataset picked from the runs' datasets, the two models and the split typed into VS Code's file dialog, the
// recipe left at its default. The scoring job finishes and the new run's score panel shows its gallery.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from './ui-context';

export const name = 'import-encoders';
export const timeoutMs = 240_000;

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const dataset = path.join(ctx.workspaceDir, 'fashion-mini');
  const out = execFileSync(
    process.execPath,
    [
      path.join(ctx.repoDir, 'dist', 'cli.js'),
      'run',
      '--data',
      dataset,
      '--preset',
      'tiny',
      '--workspace',
      ctx.workspaceDir,
      '--ep',
      'cpu',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const runDir = out.trimEnd().split('\n').pop()!;
  assert.ok(fs.existsSync(path.join(runDir, 'f', 'encode.onnx')), `no exported f in ${runDir}`);
  ctx.log('tiny run made with the CLI:', path.basename(runDir));
  const store = path.dirname(runDir);

  await ctx.runCommand('SSLMem: Import Encoders (ONNX)');
  const widget = page.locator('.quick-input-widget');
  const input = page.locator('.quick-input-box input');
  // 1/4: the dataset, offered because a run of this workspace used it.
  await widget.filter({ hasText: '1/4' }).waitFor({ timeout: 15_000 });
  const datasetRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'used by a run here' }).first();
  await datasetRow.waitFor({ timeout: 10_000 });
  assert.match((await datasetRow.textContent()) ?? '', /fashion-mini/);
  await datasetRow.click();
  // 2/4 to 4/4: VS Code's file dialog (a quick input in the browser): type the path, accept with Enter.
  for (const [step, file] of [
    ['2/4', path.join(runDir, 'f', 'encode.onnx')],
    ['3/4', path.join(runDir, 'g', 'encode.onnx')],
    ['4/4', path.join(runDir, 'split.json')],
  ]) {
    await widget.filter({ hasText: step }).waitFor({ timeout: 15_000 });
    // The dialog fills in its start folder once it has listed it: type only after that, or it overwrites the path.
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await input.fill(file);
    await page.waitForTimeout(400); // the dialog completes the path as it is typed
    if (step === '4/4') await ctx.screenshot('import-split-dialog');
    await input.press('Enter');
  }
  // The view recipe: the default (by channel count).
  const recipe = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*default\s*$/ }) });
  await recipe.waitFor({ timeout: 15_000 });
  await recipe.click();

  // The job runs; the new run's score panel opens with its gallery.
  await page
    .locator('.tabs-container .tab', { hasText: /^Scores: imported/ })
    .first()
    .waitFor({ timeout: 120_000 });
  await ctx.webview().locator('#gallery .cell[data-index]').first().waitFor({ timeout: 30_000 });
  const imported = fs
    .readdirSync(store)
    .map((d) => path.join(store, d))
    .filter((d) => d !== runDir);
  assert.equal(imported.length, 1, `expected one new run in ${store}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(imported[0], 'manifest.json'), 'utf8')) as {
    preset: string;
    status: string;
    config: { encoders: { f: { file: string } }; splitFile: string };
  };
  assert.deepEqual([manifest.preset, manifest.status], ['imported', 'done']);
  assert.equal(manifest.config.encoders.f.file, path.join(runDir, 'f', 'encode.onnx'));
  assert.equal(manifest.config.splitFile, path.join(runDir, 'split.json'));
  const rows = fs.readFileSync(path.join(imported[0], 'scores.csv'), 'utf8').trim().split('\n').length - 1;
  assert.equal(rows, 150, 'every image of the split scored');
  await page.waitForTimeout(500);
  await ctx.screenshot('import-encoders-panel');
}
