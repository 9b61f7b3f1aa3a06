// The backend commands as a person uses them: pick an execution provider from the quick pick, see it in the
// backend status, run the self-check job and watch its progress notification finish.
// Notification toasts do not show in this headless workbench (messages land in the notification centre,
// the bell gets its dot), so the scenario reads them from the notification centre.
import * as assert from 'node:assert/strict';
import type { UiContext } from './ui-context';

export const name = 'backend-commands';

export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const notification = (text: string | RegExp) => page.locator('.notifications-list-container .notification-list-item', { hasText: text });

  // Quick pick: every provider is listed with whether this build can load it; choose cpu.
  await ctx.runCommand('SSLMem: Select Execution Provider');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const rowNamed = (label: string) => rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) });
  await rowNamed('webgpu').waitFor({ timeout: 30_000 });
  assert.match((await rowNamed('cpu').textContent()) ?? '', /available in this build/);
  assert.match((await rowNamed('cuda').textContent()) ?? '', /needs extra libraries|not in this/);
  await ctx.screenshot('execution-provider-pick');
  await rowNamed('cpu').click();
  await ctx.runCommand('Notifications: Show Notifications');
  await notification('execution provider set to cpu').waitFor({ timeout: 15_000 }); // the setting is written

  // The status command shows the backend's versions and the new setting.
  await ctx.runCommand('SSLMem: Show Backend Status (Ping)');
  await ctx.runCommand('Notifications: Show Notifications');
  const status = notification(/Backend pid \d+ answered/);
  await status.waitFor({ timeout: 30_000 });
  const text = (await status.textContent()) ?? '';
  assert.match(text, /onnxruntime-node \d+\.\d+\.\d+/);
  assert.match(text, /providers: cpu/);
  assert.match(text, /Setting: cpu/);

  // The self-check job: a cancellable progress notification, then a success message.
  await ctx.runCommand('SSLMem: Run Self-Check Job');
  await ctx.runCommand('Notifications: Show Notifications');
  await notification(/SSLMem self-check job.*step \d+\/50/).waitFor({ timeout: 15_000 });
  await ctx.screenshot('self-check-progress');
  await notification(/self-check passed \(50 steps/).waitFor({ timeout: 30_000 });
  await ctx.screenshot('backend-status-and-self-check');

  // Run it again and press the notification's Cancel button: the job stops (no second success message)
  // and the backend log, opened from the palette, records the cancellation.
  await ctx.runCommand('SSLMem: Run Self-Check Job');
  await ctx.runCommand('Notifications: Show Notifications');
  const progress = notification(/SSLMem self-check job/);
  await progress.waitFor({ timeout: 15_000 });
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await progress.waitFor({ state: 'detached', timeout: 10_000 });
  await page.waitForTimeout(5500); // longer than the whole job would have taken
  assert.equal(await notification(/self-check passed/).count(), 1, 'the cancelled job still reported success');
  await ctx.runCommand('SSLMem: Show Backend Log');
  await page.locator('.part.panel .view-lines', { hasText: 'selfCheck cancelled' }).waitFor({ timeout: 15_000 });
  await ctx.screenshot('backend-log-after-cancel');
}
