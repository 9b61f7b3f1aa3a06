// The one reader of a manifest's config (sslmem/run-config.ts): today's configs, configs written before they
// carried a kind and version, and what it refuses.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runConfigOf, trainedRunConfigOf, viewSettingsOf, RunConfigError, IMPORTED_PRESET } from '../../../src/engine/sslmem/run-config';
import { resolvePreset } from '../../../src/engine/sslmem/config';
import { scoringSeedOf } from '../../../src/engine/sslmem/view-batches';

const sslmem = resolvePreset('tiny');
const trained = { kind: 'trained', version: 1, sslmem, data: '/d', seed: 3, splitFile: null, cacheDir: null };
const imported = {
  kind: 'imported',
  version: 1,
  data: '/d',
  splitFile: '/s.json',
  cacheDir: null,
  encoders: {
    f: { file: '/f.onnx', sha256: 'x', input: 'images', output: 'repr', batch: null },
    g: { file: '/g.onnx', sha256: 'y', input: 'images', output: 'repr', batch: 8 },
  },
  decode: { height: 28, width: 28, channels: 1 },
  augment: 'fashion-mnist',
  scoring: { pairs: 8, batch: 100, normalise: true, normalisation: 'symmetric', seed: 5 },
};

test('reads both kinds and gives each its view settings (the views the scores were made on)', () => {
  const t = runConfigOf(trained, 'tiny', 'm.json');
  assert.equal(t.kind, 'trained');
  assert.deepEqual(viewSettingsOf(t).scoringSeed, scoringSeedOf(3));
  const i = runConfigOf(imported, IMPORTED_PRESET, 'm.json');
  assert.equal(i.kind, 'imported');
  assert.equal(viewSettingsOf(i).scoringSeed, 5);
  assert.equal(viewSettingsOf(i).augment, 'fashion-mnist');
});

test('configs written before kind/version are read as version 1 of the kind their preset says', () => {
  const { kind: _k, version: _v, ...oldTrained } = trained;
  const t = runConfigOf({ ...oldTrained, seed: undefined }, 'quick', 'm.json');
  assert.equal(t.kind, 'trained');
  assert.equal(t.version, 1);
  assert.equal(t.kind === 'trained' && t.seed, 0, 'a missing seed is 0, as the pipeline always did');
  const { version: _w, ...oldImported } = imported;
  assert.equal(runConfigOf(oldImported, IMPORTED_PRESET, 'm.json').kind, 'imported');
});

test('refuses what it cannot read, naming the manifest and the field', () => {
  assert.throws(() => runConfigOf(null, 'tiny', '/r/manifest.json'), /\/r\/manifest\.json: config is missing/);
  assert.throws(() => runConfigOf({ ...trained, version: 2 }, 'tiny', 'm.json'), /version 2 is newer/);
  assert.throws(() => runConfigOf({ ...trained, sslmem: undefined }, 'tiny', 'm.json'), /config\.sslmem is missing/);
  assert.throws(() => runConfigOf({ ...trained, data: 7 }, 'tiny', 'm.json'), /config\.data/);
  assert.throws(() => runConfigOf({ ...imported, encoders: { f: {} } }, IMPORTED_PRESET, 'm.json'), /config\.encoders/);
  assert.throws(() => runConfigOf({ ...trained, kind: 'other' }, 'tiny', 'm.json'), /kind "other"/);
  assert.throws(
    () => trainedRunConfigOf(imported, IMPORTED_PRESET, 'm.json', 'retrain after removal'),
    (e: Error) => e instanceof RunConfigError && /retrain after removal needs a run whose encoders SSLMem Studio trained/.test(e.message),
  );
});
