// Finding a webview by what it shows: several panels may be open side by side (score panel + retrain panel,
// a training view + the score panel it opened), and `ctx.webview()` alone gives the last visible one.
import type { FrameLocator } from 'playwright-core';
import type { UiContext } from './ui-context';

/** The visible webview whose page contains `selector`; polls until `timeoutMs`. */
export async function frameWith(ctx: UiContext, selector: string, timeoutMs = 15_000): Promise<FrameLocator> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const count = await ctx.page.locator('iframe.webview.ready:visible').count();
    for (let i = 0; i < count; i++) {
      const frame = ctx.webview({ index: i });
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    if (Date.now() > end) throw new Error(`no visible webview shows ${selector}`);
    await ctx.page.waitForTimeout(250);
  }
}
