// The execution provider at the CLI, through dist/cli.js and its forked backend (real onnxruntime):
// an explicit provider that cannot run exits 2 before any work, an unknown --ep is a usage error, and an
// `auto` run says which provider trained and why not the others — on stderr and in the run manifest.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, demoSubset, lastLine, tempDir, type CliResult } from '../pipeline/helpers';
import { isProviderDecision, type ProviderDecision } from '../../../src/engine/runtime/providers';
import { NO_VULKAN } from './fixtures';

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult & { ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '',
    stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 })));
}

describe('--ep at the CLI', () => {
  test('--ep webgpu with no adapter: exit 2 within seconds, stderr names webgpu and the reason, no run folder', async (t) => {
    const dir = tempDir(t, 'sslmem-ep-');
    const data = demoSubset(path.join(dir, 'data'), 2);
    const r = await runCli(['run', '--data', data, '--preset', 'tiny', '--workspace', dir, '--ep', 'webgpu'], {
      ...NO_VULKAN,
      SSLMEM_CACHE_DIR: path.join(dir, 'cache'),
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /sslmem run: execution provider webgpu is not usable on this machine: [^\n]*adapter[^\n]*\. Use --ep cpu or --ep auto/i,
    );
    assert.doesNotMatch(r.stderr, /train_f|step \d/); // failed before training (before the dataset, too)
    assert.ok(
      !existsSync(path.join(dir, '.sslmem', 'runs')) || readdirSync(path.join(dir, '.sslmem', 'runs')).length === 0,
      'a run folder was created',
    );
    assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
  });

  test('an unknown --ep is a usage error (exit 2) listing the providers', async (t) => {
    const dir = tempDir(t, 'sslmem-ep-');
    const r = await runCli(['run', '--data', dir, '--preset', 'tiny', '--workspace', dir, '--ep', 'tpu'], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--ep must be one of auto, cpu, webgpu, cuda, got 'tpu'[\s\S]*usage: sslmem run/);
  });

  test('--ep auto: stderr says which provider trained and why not the others; the manifest records the decision', async (t) => {
    const dir = tempDir(t, 'sslmem-ep-');
    const data = demoSubset(path.join(dir, 'data'), 4);
    const r = await runCli(['run', '--data', data, '--preset', 'tiny', '--workspace', dir, '--ep', 'auto', '--threads', '1'], {
      SSLMEM_CACHE_DIR: path.join(dir, 'cache'),
    });
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(path.join(lastLine(r.stdout), 'manifest.json'), 'utf8')) as {
      executionProvider: string;
      providerDecision: ProviderDecision;
    };
    const d = manifest.providerDecision;
    assert.ok(isProviderDecision(d), JSON.stringify(d));
    assert.equal(manifest.executionProvider, d.chosen);
    assert.deepEqual(d.candidates.map((c) => c.provider).sort(), ['cpu', 'cuda', 'webgpu']);
    assert.ok(d.candidates.find((c) => c.provider === 'cpu')!.msPerStep! > 0);
    // train_f measured; train_g (same artifact) read the cache.
    assert.match(r.stderr, /train_f: execution provider \S+[^\n]*\(\d[\d.]* ms\/step; auto, measured\)/);
    assert.match(r.stderr, /train_g: execution provider [^\n]*auto, cached measurement/);
    assert.equal(d.cached, true);
    // Each provider not chosen is named with its reason on the same line.
    const line = /train_f: execution provider ([^\n]*)/.exec(r.stderr)![1];
    for (const c of d.candidates.filter((c) => c.provider !== d.chosen))
      assert.match(line, new RegExp(`${c.provider}: (not installed|failed|[\\d.]+ ms/step, slower|warm-up)`));
    if (d.chosen === 'cpu') {
      assert.equal(d.threads, 1);
      assert.match(line, /^cpu, 1 thread /);
    }
  });
});
