// The typed view of what scripts/test-host/run-ui-tests.js hands to a UI scenario. A scenario is a file
// test/ui/<name>.ui.ts (bundled to dist/test/ui/<name>.ui.js) that exports:
//   export const name = 'readable scenario name';
//   export async function run(ctx: UiContext): Promise<void> { ... }   // throw (e.g. node:assert) to fail
//   export const timeoutMs = 180_000;               // optional
//   export const workspaceFixture = 'test/fixtures/other-workspace';  // optional, relative to the repo
//   export const workspaceSettings = { 'sslmem.threads': 1 };           // optional: .vscode/settings.json
// Each scenario gets a fresh code-server, chromium and workspace copy; the extension is loaded as under
// development and the workbench is ready (explorer shown) when run() starts.
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';

export interface UiContext {
  /** The workbench page (1400x900). */
  page: Page;
  context: BrowserContext;
  /** Prints a line prefixed with the scenario name and elapsed time. */
  log(...args: unknown[]): void;
  /** The temp workspace folder the workbench has open (a copy of the fixture workspace). */
  workspaceDir: string;
  repoDir: string;
  /** test-results/ui: screenshots and per-scenario workbench logs. */
  resultsDir: string;
  /** Runs a command from the command palette by the exact title it is listed under, e.g. "SSLMem: Show Backend Log".
   * Reopens the palette until the command is listed (the remote host registers commands after the window loads). */
  runCommand(title: string, options?: { timeoutMs?: number }): Promise<void>;
  /** The inner document of a visible webview (editor panel or view): default the last one in the DOM. */
  webview(options?: { index?: number }): FrameLocator;
  /** Saves a screenshot of the workbench to test-results/ui/<name>.png; returns the file path. */
  screenshot(name: string): Promise<string>;
}
