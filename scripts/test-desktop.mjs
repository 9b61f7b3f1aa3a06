#!/usr/bin/env node
// `npm run test:desktop`: the same in-host mocha suite (dist/test/integration/index.js), run in desktop VS Code
// (Electron) through @vscode/test-electron. It downloads VS Code from update.code.visualstudio.com into
// .vscode-test/, so it only works on machines that can reach that server (it is not part of `npm test` or CI;
// see scripts/test-host/ for the offline route). On Linux without a display, run it under `xvfb-run -a`.
//   VSCODE_VERSION=1.95.0 npm run test:desktop     (default: latest stable)
//   VSCODE_EXECUTABLE=/path/to/code npm run test:desktop   (use an installed VS Code, no download)
// Like the offline runner, the workspace is a temp copy of test/fixtures/workspace and SSLMEM_* variables
// reach the extension host.
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const testsPath = join(repo, 'dist/test/integration/index.js');
if (!existsSync(testsPath)) {
  console.error(`${testsPath} is missing: build with \`node scripts/build.mjs --tests\``);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), 'sslmem-desktop-'));
const workspace = join(tmp, 'ws');
const fixture = process.env.SSLMEM_TEST_WORKSPACE_FIXTURE || join(repo, 'test/fixtures/workspace');
if (existsSync(fixture)) cpSync(fixture, workspace, { recursive: true });
else mkdirSync(workspace);

const passOn = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SSLMEM_')));
let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: repo,
    extensionTestsPath: testsPath,
    extensionTestsEnv: {
      ...passOn,
      SSLMEM_REPO_ROOT: repo,
      SSLMEM_TEST_FIXTURES: join(repo, 'test/fixtures'),
      SSLMEM_TEST_WORKSPACE: workspace,
    },
    // Open the workspace copy; keep other installed extensions out; throwaway user data.
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data')],
  });
} catch (err) {
  console.error('desktop test run failed:', err);
  code = typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
