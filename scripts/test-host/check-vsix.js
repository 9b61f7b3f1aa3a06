#!/usr/bin/env node
// `npm run test:vsix`: tests the packaged extension, not the working tree. Packages, then unpacks
// sslmem-studio.vsix into a temp folder and runs the in-host integration suite with that folder as the
// extension, so a runtime file missing from the VSIX (a native binary, a package.json that sets the module
// type) fails a test here instead of on a user's machine. Exit code = the suite's.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO } = require('./harness');

const vsix = path.resolve(process.argv[2] || path.join(REPO, 'sslmem-studio.vsix'));
if (!fs.existsSync(vsix)) {
  console.error(`${vsix} not found: run \`npm run package\` first`);
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslmem-vsix-'));
try {
  execFileSync('unzip', ['-q', vsix, 'extension/*', '-d', tmp]);
  const extension = path.join(tmp, 'extension');
  console.log(`[vsix] ${path.relative(REPO, vsix)} unpacked to ${extension}`);
  const r = spawnSync(process.execPath, [path.join(__dirname, 'run-integration-tests.js')], {
    stdio: 'inherit',
    env: { ...process.env, SSLMEM_TEST_EXTENSION_PATH: extension },
  });
  process.exitCode = r.status ?? 2;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
