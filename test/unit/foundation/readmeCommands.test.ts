// The README's Quickstart is a contract: a new user runs exactly its two commands, and CI (.ci/run) runs
// what scripts/readme-commands.mjs reads from that block. These checks fail when the block, the extractor
// or .ci/run drift apart, or when .ci/run starts giving itself something a new user would not have.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { distDir } from './distDir';

const repo = path.resolve(distDir(), '..');
const read = (f: string) => readFileSync(path.join(repo, f), 'utf8');
type Extractor = { quickstartCommands(markdown: string): string[] };
const extractor = () => import(pathToFileURL(path.join(repo, 'scripts/readme-commands.mjs')).href) as Promise<Extractor>;

test('the README Quickstart holds the main job and the test command, nothing else', async () => {
  const { quickstartCommands } = await extractor();
  assert.deepEqual(quickstartCommands(read('README.md')), ['npm ci && npm run demo', 'npm test']);
});

test('the extractor takes the first bash block of the Quickstart section and drops comments', async () => {
  const { quickstartCommands } = await extractor();
  const md =
    '# X\n\n## Install\n\n```bash\nwrong\n```\n\n## Quickstart\n\ntext\n\n```bash\nnpm ci   # install\n# a comment line\nnpm test\n```\n\n```bash\nlater\n```\n';
  assert.deepEqual(quickstartCommands(md), ['npm ci', 'npm test']);
  assert.throws(() => quickstartCommands('## Usage\n'), /no "## Quickstart"/);
});

test('.ci/run executes the extracted commands and sets no environment a new user lacks', () => {
  const ci = read('.ci/run');
  assert.match(ci, /node scripts\/readme-commands\.mjs/);
  assert.match(ci, /bash -c "\$command"/);
  // No install-time switches or exported variables: the README's commands must work as a user types them.
  for (const forbidden of [/ONNXRUNTIME_NODE_INSTALL/, /^\s*export\s/m, /--ignore-scripts/, /npm_config_/]) {
    assert.doesNotMatch(ci, forbidden, `.ci/run contains ${forbidden}`);
  }
  const printed = execFileSync(process.execPath, [path.join(repo, 'scripts/readme-commands.mjs')], { encoding: 'utf8' });
  assert.deepEqual(printed.trim().split('\n'), ['npm ci && npm run demo', 'npm test']);
});

test("a plain `npm ci` cannot run onnxruntime-node's CUDA download (it fails without network and rolls back the install)", () => {
  const pkg = JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> };
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
  assert.doesNotMatch(read('.npmrc'), /onnxruntime/);
});
