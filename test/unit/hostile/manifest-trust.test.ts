// Issue #11, item 1: a run folder's manifest is data. Resume neither writes where its cacheDir points nor reads
// a dataset / split / encoder outside the run's workspace unless the user confirms that path.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { createRun } from '../../../src/engine/runs';
import { resumeRun } from '../../../src/engine/sslmem/pipeline';
import { resolvePreset } from '../../../src/engine/sslmem/config';
import { IMPORTED_PRESET } from '../../../src/engine/sslmem/imported/import-encoders';
import { IMPORTED_STAGES } from '../../../src/engine/runs/manifest';
import { cacheFileFor } from '../../../src/engine/data/cache';
import { cli, demoSubset, tempDir } from '../pipeline/helpers';
import { BackendClient, childProcessTransport } from '../../../src/backend/client';
import { BackendError } from '../../../src/protocol/backend';
import { distDir } from '../foundation/distDir';

const versions = { sslmemStudio: 'test' };

/**
 * A finished run whose manifest says what `config` says. Its only stage is a done 'split' (no report stage whose
 * missing results resume would redo), so resume checks the manifest's paths, loads the dataset and stops.
 */
async function craftedRun(ws: string, config: Record<string, unknown>, opts: { preset?: string; stageOrder?: string[] } = {}) {
  const run = await createRun(path.join(ws, '.sslmem', 'runs'), {
    preset: opts.preset ?? 'tiny',
    stageOrder: opts.stageOrder ?? ['split'],
    dataset: { path: String(config.data), fingerprint: null },
    config,
    seeds: { split: 0, pairs: [{ f: 0, g: 0 }] },
    versions,
    executionProvider: 'cpu',
  });
  for (const s of run.manifest.stageOrder) await run.finishStage(s);
  return run.dir;
}

test('resume ignores a manifest cacheDir outside <ws>/.sslmem: nothing is created there', async (t) => {
  const dir = tempDir(t);
  const ws = path.join(dir, 'ws');
  const data = demoSubset(path.join(ws, 'data'), 1);
  const elsewhere = path.join(dir, 'elsewhere', 'x');
  const runDir = await craftedRun(ws, { sslmem: resolvePreset('tiny'), data, seed: 0, splitFile: null, cacheDir: elsewhere });
  const logs: string[] = [];
  const out = await resumeRun(runDir, { provider: 'cpu' }, { log: (m) => logs.push(m) });
  assert.equal(out.status, 'done');
  assert.equal(existsSync(path.join(dir, 'elsewhere')), false, 'the manifest cacheDir was created');
  assert.equal(readdirSync(path.join(ws, '.sslmem', 'cache')).filter((f) => f.endsWith('.dataset')).length, 1);
  assert.ok(
    logs.some((l) => l.includes(`manifest cacheDir ${elsewhere} ignored`)),
    logs.join('\n'),
  );
});

test('resume refuses a dataset or split outside the workspace unless confirmed; the CLI says how to confirm', async (t) => {
  const dir = tempDir(t);
  const ws = path.join(dir, 'ws');
  const outside = demoSubset(path.join(dir, 'outside-data'), 1);
  const runDir = await craftedRun(ws, { sslmem: resolvePreset('tiny'), data: outside, seed: 0, splitFile: null, cacheDir: null });
  await assert.rejects(resumeRun(runDir, { provider: 'cpu' }), /names the dataset .*outside-data, outside .*ws; .*--data/);
  const r = await cli(['resume', runDir, '--in-process']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`confirm it: sslmem resume .* --data ${outside.replace(/[/\\.]/g, '\\$&')}`));
  const ok = await cli(['resume', runDir, '--in-process', '--data', outside]);
  assert.equal(ok.code, 0, ok.stderr);

  const split = await craftedRun(ws, {
    sslmem: resolvePreset('tiny'),
    data: path.join(ws, 'd'),
    seed: 0,
    splitFile: '/etc/passwd',
    cacheDir: null,
  });
  await assert.rejects(resumeRun(split, { provider: 'cpu' }), /names the split file \/etc\/passwd, outside/);
});

test('an imported run: encoder paths from the manifest outside the workspace are refused before any file is opened', async (t) => {
  const dir = tempDir(t);
  const ws = path.join(dir, 'ws');
  const data = demoSubset(path.join(ws, 'data'), 1);
  const encoder = { sha256: '0', input: [], output: [], batch: null };
  const runDir = await craftedRun(
    ws,
    {
      kind: 'imported',
      data,
      splitFile: path.join(ws, 'split.json'),
      cacheDir: null,
      decode: { height: 28, width: 28, channels: 1 },
      augment: 'none',
      encoders: { f: { ...encoder, file: path.join(ws, 'f.onnx') }, g: { ...encoder, file: '/root/.ssh/g.onnx' } },
      scoring: { pairs: 1, batch: 10, normalise: true, normalisation: 'symmetric', seed: 0 },
    },
    { preset: IMPORTED_PRESET, stageOrder: IMPORTED_STAGES },
  );
  await assert.rejects(resumeRun(runDir, { provider: 'cpu' }), /names the encoder g \/root\/\.ssh\/g\.onnx, outside .*--g/);
});

test('a fingerprint becomes a cache file name only when it is hex', () => {
  assert.equal(cacheFileFor('/c', 'ab'.repeat(16)), path.join('/c', `${'ab'.repeat(16)}.dataset`));
  assert.throws(() => cacheFileFor('/c', '../../etc/x'), /not a dataset fingerprint/);
  assert.throws(() => cacheFileFor('/c', ''), /not a dataset fingerprint/);
});

test('across the backend process the refusal is typed (untrusted-path, with the path), so the editor can ask and resume with it confirmed', async (t) => {
  const dir = tempDir(t);
  const ws = path.join(dir, 'ws');
  const outside = demoSubset(path.join(dir, 'outside-data'), 1);
  const runDir = await craftedRun(ws, { sslmem: resolvePreset('tiny'), data: outside, seed: 0, splitFile: null, cacheDir: null });
  const client = new BackendClient(childProcessTransport(path.join(distDir(), 'backend.js')));
  t.after(() => client.dispose());
  await assert.rejects(
    client.request('resumeSslmem', { runDir, provider: 'cpu' }),
    (e: unknown) => e instanceof BackendError && e.code === 'untrusted-path' && e.path === outside,
  );
  const done = await client.request('resumeSslmem', { runDir, provider: 'cpu', confirmed: [outside] });
  assert.equal(done.status, 'done');
});
