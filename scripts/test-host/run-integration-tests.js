#!/usr/bin/env node
// Runs the in-host mocha suite (dist/test/integration/index.js, which loads every *.test.js beside it) inside a
// real VS Code extension host: code-server 4.139.1 (= Code 1.139.1) with a headless Debian chromium as the
// client. The remote extension host only starts when a workbench connects, and the workbench takes
// extensionDevelopmentPath / extensionTestsPath / extensionEnvironment from its URL payload.
// Prints mocha's spec output; exit code = result (0 pass, 1 tests failed, 2 harness error or timeout).
//
// Environment:
//   SSLMEM_TEST_WORKSPACE_FIXTURE  folder copied into the temp workspace (default test/fixtures/workspace)
//   SSLMEM_TEST_GREP               only run tests whose full title matches (mocha --grep)
//   SSLMEM_TEST_EXTENSION_PATH     extension folder to load (default the repo; check-vsix.js points it at an
//                                  unpacked VSIX so the same suite tests the packaged extension)
//   SSLMEM_*                       passed on to the extension host's environment
//   TEST_TIMEOUT_MS                whole-run limit (default 600000); VERBOSE=1 all logs; KEEP_TMP=1 keep temp dirs
'use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');
const { startCodeServer, launchBrowser, extensionEnvironment, REPO, NOISE } = require('./harness');

const t0 = Date.now();
const log = (...a) => console.log(`[integration +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function main() {
  const verbose = !!process.env.VERBOSE;
  const extensionPath = path.resolve(process.env.SSLMEM_TEST_EXTENSION_PATH || REPO);
  const testsPath = path.resolve(process.env.EXT_TESTS || path.join(REPO, 'dist/test/integration/index.js'));
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: build with \`node scripts/build.mjs --tests\``);
  const cs = await startCodeServer({ verbose });
  log('code-server up on', cs.authority, '; workspace', cs.ws, extensionPath === REPO ? '' : `; extension ${extensionPath}`);
  let browser;
  let exitCode = 2;
  try {
    browser = await launchBrowser(path.join(cs.tmp, 'chromium'));
    const { page } = browser;
    let finish;
    const finished = new Promise((r) => (finish = r));
    if (verbose) page.on('console', (m) => console.log('[browser]', m.text()));
    // The workbench forwards log lines here, the extension host's console output (mocha's reporter) included.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(args || []));
      if (verbose || !NOISE.test(line)) console.log(type === 'error' ? `[ERR] ${line}` : line);
    });
    // Called by the workbench when the extension host has run the tests (code 0 = all passed).
    await page.exposeFunction('codeAutomationExit', (code) => {
      log('extension host finished the tests, code', code);
      exitCode = code;
      finish();
    });
    const testsDir = path.dirname(testsPath);
    await page.goto(
      cs.url([
        ['extensionDevelopmentPath', cs.remoteUri(extensionPath)],
        ['extensionTestsPath', cs.remoteUri(testsPath)],
        ['extensionEnvironment', JSON.stringify(extensionEnvironment(cs.ws, { SSLMEM_TESTS_DIR: testsDir }))],
        ['skipWelcome', 'true'],
      ]),
    );
    log('workbench opened; running tests in the extension host');
    const limit = Number(process.env.TEST_TIMEOUT_MS || 600000);
    const timer = setTimeout(() => {
      log(`TIMEOUT: no result after ${limit / 1000} s`);
      exitCode = 2;
      finish();
    }, limit);
    await finished;
    clearTimeout(timer);
  } finally {
    await browser?.context.close().catch(() => {});
    await cs.stop({ keep: !!process.env.KEEP_TMP || exitCode === 2 });
    if (exitCode === 2) log('temp dirs kept for inspection:', cs.tmp);
  }
  log('exit code', exitCode);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error('[integration] harness error:', e);
    process.exit(2);
  },
);
