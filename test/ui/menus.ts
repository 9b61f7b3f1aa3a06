// Context menus in the workbench: a menu can re-render under the pointer while the extension's
// contributions arrive or a tree refreshes, so a click may be lost. Retry right-click -> click until what
// the command shows next (a quick pick, a prompt) appears.
import type { Locator, Page } from 'playwright-core';

export async function runContextMenuItem(page: Page, target: Locator, item: string, appears: Locator, where: string): Promise<void> {
  const menuItem = page.locator('.monaco-menu .action-item', { hasText: item }).first();
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10) throw new Error(`the ${where} context menu never ran "${item}"`);
    await target.click({ button: 'right' });
    if (
      !(await menuItem.waitFor({ timeout: 3000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await page.keyboard.press('Escape');
      continue;
    }
    // A click in the first moments after the menu opens can be lost (the menu is still laying out): hover first.
    await menuItem.hover();
    await page.waitForTimeout(300);
    await menuItem.click();
    if (
      await appears.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      )
    )
      return;
    await page.keyboard.press('Escape');
  }
}
