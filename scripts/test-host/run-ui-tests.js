#!/usr/bin/env node
// Drives the real workbench as a person would. Every scenario dist/test/ui/**/*.ui.js (bundled from
// test/ui/*.ui.ts) gets a fresh code-server + chromium with the extension under development loaded (no tests
// path: the window stays open) and a temp copy of the fixture workspace. A scenario module exports
//   name: string                  shown in the summary, also the default screenshot prefix
//   run(ctx): Promise<void>       throws to fail; ctx is described in test/ui/ui-context.ts
//   timeoutMs?: number            default 180000
//   workspaceFixture?: string     folder (relative to the repo) copied into the workspace instead of the default
//   workspaceSettings?: object    the workspace's .vscode/settings.json, in place before the workbench starts
// Prints one line per scenario and a closing `N passed, N failed`. Exit code 0 all passed, 1 some failed,
// 2 harness error or no scenarios. Screenshots and workbench logs go to test-results/ui/.
// Arguments: substrings of scenario names or file names to run only those (default all).
'use strict';
const fs = require('fs');
const path = require('path');
const { startCodeServer, launchBrowser, extensionEnvironment, REPO } = require('./harness');

const SCENARIO_DIR = path.join(REPO, 'dist/test/ui');
const RESULTS_DIR = path.join(REPO, 'test-results/ui');
const verbose = !!process.env.VERBOSE;

function scenarioFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? scenarioFiles(full) : e.name.endsWith('.ui.js') ? [full] : [];
    })
    .sort();
}

const safeName = (s) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '');
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ctx a scenario gets (see test/ui/ui-context.ts for the typed view of it). */
function makeContext({ page, context, cs, log }) {
  return {
    page,
    context,
    log,
    workspaceDir: cs.ws,
    repoDir: REPO,
    resultsDir: RESULTS_DIR,

    /** Runs a command from the command palette by its full title as listed there ("SSLMem: Open ..."). */
    async runCommand(title, { timeoutMs = 60000 } = {}) {
      const input = page.locator('.quick-input-widget input');
      // Only a row whose label is exactly the title, not a longer command that starts with it.
      const row = page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
        .first();
      const end = Date.now() + timeoutMs;
      // The palette does not refresh when the remote extension host registers its contributions later:
      // close and reopen it until the command is listed.
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        try {
          await input.waitFor({ state: 'visible', timeout: 5000 });
          // A panel that takes focus as it opens closes the palette again: then the fill fails and we retry.
          await input.fill(`>${title}`, { timeout: 5000 });
          await row.waitFor({ timeout: 2500 });
          break;
        } catch (e) {
          if (Date.now() > end)
            throw new Error(`command "${title}" never appeared in the palette (${attempt} tries): ${e.message.split('\n')[0]}`);
          // Keyboard focus inside a webview's frame may keep F1 from the workbench: clicking the active editor
          // tab (or, with none, the status bar) gives the focus back to the workbench.
          if (!(await input.isVisible())) {
            const tab = page.locator('.tabs-container .tab.active').first();
            await ((await tab.count()) ? tab : page.locator('.part.statusbar').first()).click({ timeout: 2000 }).catch(() => {});
          }
        }
      }
      await row.click();
      await input.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
      log(`ran "${title}" from the command palette`);
    },

    /** The inner frame of a webview: the visible ones, in DOM order; default the last one (the newest). */
    webview({ index } = {}) {
      const outer = page.locator('iframe.webview.ready:visible');
      const pick = index === undefined ? outer.last() : outer.nth(index);
      return pick.contentFrame().locator('#active-frame').contentFrame();
    },

    /** Saves a screenshot of the whole workbench to test-results/ui/<name>.png and returns its path. */
    async screenshot(name) {
      const file = path.join(RESULTS_DIR, `${safeName(name)}.png`);
      await page.screenshot({ path: file });
      log('screenshot', path.relative(REPO, file));
      return file;
    },
  };
}

async function runScenario(file) {
  const mod = require(file);
  const name = String(mod.name || path.basename(file, '.ui.js'));
  const t0 = Date.now();
  const log = (...a) => console.log(`  [${name} +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
  if (typeof mod.run !== 'function') return { name, ok: false, error: new Error(`${file} exports no run(ctx)`), secs: 0 };
  const fixture = mod.workspaceFixture ? path.resolve(REPO, mod.workspaceFixture) : undefined;
  const cs = await startCodeServer({ fixtureWorkspace: fixture, workspaceSettings: mod.workspaceSettings, verbose });
  const logLines = [];
  let browser;
  let ok = false,
    error;
  try {
    browser = await launchBrowser(path.join(cs.tmp, 'chromium'));
    const { page, context } = browser;
    // The workbench's console (the extension host's console output is forwarded there): kept per scenario.
    page.on('console', (m) => {
      const line = `${m.type()} ${m.text()}`;
      logLines.push(line);
      if (verbose) console.log('   ', line);
    });
    await page.goto(
      cs.url([
        ['extensionDevelopmentPath', cs.remoteUri(REPO)],
        ['extensionEnvironment', JSON.stringify(extensionEnvironment(cs.ws))],
        ['skipWelcome', 'true'],
      ]),
    );
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The explorer shows the folder once the remote connection (and with it the extension host) is up.
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60000 });
    log('workbench ready');
    const ctx = makeContext({ page, context, cs, log });
    const limit = Number(mod.timeoutMs || 180000);
    let timer;
    await Promise.race([
      mod.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`scenario timed out after ${limit / 1000} s`)), limit);
      }),
    ]).finally(() => clearTimeout(timer));
    ok = true;
  } catch (e) {
    error = e;
    if (browser) await browser.page.screenshot({ path: path.join(RESULTS_DIR, `${safeName(name)}-failure.png`) }).catch(() => {});
  } finally {
    await browser?.context.close().catch(() => {});
    await cs.stop({ keep: !!process.env.KEEP_TMP || !ok });
    fs.writeFileSync(path.join(RESULTS_DIR, `${safeName(name)}.log`), logLines.join('\n') + '\n');
    if (!ok) log('temp dirs kept for inspection:', cs.tmp);
  }
  return { name, ok, error, secs: (Date.now() - t0) / 1000 };
}

const UI_RETRIES = Number(process.env.SSLMEM_UI_RETRIES ?? 1);

async function main() {
  const filters = process.argv.slice(2);
  let files = scenarioFiles(SCENARIO_DIR);
  // The Slurm scenario starts slurmctld/slurmd itself and needs root; in a loaded fresh-clone CI its tasks stayed
  // queued past the scenario's wait (2026-12-06), so it runs only when named (`run-ui-tests.js slurmRun`) or with
  // SSLMEM_UI_SLURM=1. The Slurm executor itself is covered by the `slurm` suite (test/slurm/).
  if (!filters.length && process.env.SSLMEM_UI_SLURM !== '1') files = files.filter((f) => !f.includes('slurmRun'));
  // Case-insensitive: `training` should find resumeTraining.ui.ts and wholeTraining.ui.ts.
  if (filters.length) files = files.filter((f) => filters.some((s) => f.toLowerCase().includes(s.toLowerCase())));
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  if (files.length === 0) {
    console.log(`[ui] no scenarios (*.ui.js) under ${path.relative(REPO, SCENARIO_DIR)}: build with \`node scripts/build.mjs --tests\``);
    console.log('0 passed, 0 failed');
    return 2;
  }
  const results = [];
  for (const file of files) {
    console.log(`[ui] scenario ${path.relative(REPO, file)}`);
    let r = await runScenario(file).catch((error) => ({ name: path.basename(file), ok: false, error, secs: 0 }));
    // Workbench scenarios race against panels that take focus as runs finish; a failed scenario gets one
    // more attempt in a fresh workbench (as Playwright's `retries: 1`). The retry is reported, never hidden.
    if (!r.ok && UI_RETRIES > 0) {
      console.log(
        `  ✘ ${r.name} (${r.secs.toFixed(1)}s) failed on the first attempt: ${String(r.error?.message || r.error).split('\n')[0]}; retrying once`,
      );
      r = await runScenario(file).catch((error) => ({ name: path.basename(file), ok: false, error, secs: 0 }));
      if (r.ok) r.name += ' (passed on retry)';
    }
    results.push(r);
    console.log(r.ok ? `  ✔ ${r.name} (${r.secs.toFixed(1)}s)` : `  ✘ ${r.name} (${r.secs.toFixed(1)}s): ${r.error?.stack || r.error}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`[ui] screenshots and logs in ${path.relative(REPO, RESULTS_DIR)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error('[ui] harness error:', e);
    console.log('0 passed, 1 failed');
    process.exit(2);
  },
);
