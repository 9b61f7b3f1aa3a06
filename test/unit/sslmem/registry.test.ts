// One registry each for models, methods, presets and providers: what the backend accepts, what the engine
// builds and what package.json offers come from the same lists. BYOL is selectable through them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { validateRunParams } from '../../../src/backend/sslmemJobs';
import { buildProblem, augmentationOf, resolvePreset } from '../../../src/engine/sslmem/config';
import { PRESET_INFO, PRESET_NAMES, presetMode } from '../../../src/engine/sslmem/presets';
import { METHOD_KINDS } from '../../../src/engine/methods/registry';
import { MODEL_KINDS } from '../../../src/engine/models/registry';
import { PROVIDER_SETTINGS } from '../../../src/engine/runtime/providers';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { distDir } from '../foundation/distDir';

const byolRun = {
  data: '/data',
  storeDir: '/store',
  preset: 'tiny',
  overrides: { method: { kind: 'byol', options: { projDim: 16, hiddenDim: 32 } } },
};

describe('registries', () => {
  test('the run mode a preset is made for: whole-quick starts a whole-dataset run, every other preset the paper protocol', () => {
    assert.equal(presetMode('whole-quick'), 'whole');
    for (const p of PRESET_NAMES.filter((n) => n !== 'whole-quick')) assert.equal(presetMode(p), 'paper', p);
    assert.equal(presetMode('no-such-preset'), 'paper');
  });

  test('every method and model is listed once, BYOL among the methods', () => {
    assert.deepEqual(METHOD_KINDS, ['simclr', 'simsiam', 'byol', 'mae']);
    assert.deepEqual(MODEL_KINDS, ['smallCnn', 'resnet18', 'vitTiny']);
  });

  test("package.json's setting enums are the engine's lists (JSON cannot import them)", () => {
    const pkg = JSON.parse(readFileSync(path.join(distDir(), '..', 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['sslmem.executionProvider'].enum, [...PROVIDER_SETTINGS]);
    assert.deepEqual(props['sslmem.defaultPreset'].enum, PRESET_NAMES);
    assert.deepEqual(Object.keys(PRESET_INFO), PRESET_NAMES);
  });

  test('a BYOL run config passes the backend validation; MAE on a CNN and an unknown method do not', () => {
    assert.equal(validateRunParams(byolRun).preset, 'tiny');
    assert.throws(
      () => validateRunParams({ ...byolRun, overrides: { method: { kind: 'mae' } } }),
      /method mae needs the vitTiny model, not smallCnn/,
    );
    assert.throws(() => validateRunParams({ ...byolRun, overrides: { method: { kind: 'barlow' } } }), /invalid value for 'method'/);
  });

  test('a BYOL train step builds from the config and onnxruntime loads it, with the target network as buffers', async () => {
    const config = resolvePreset('tiny', byolRun.overrides as never);
    const artifact = buildTrainStep(buildProblem(config), { batch: 4, optimizer: config.optimizer, augment: augmentationOf(config) });
    assert.ok(
      artifact.state.some((s) => s.role === 'buffer' && s.input.includes('target.')),
      'no target.* buffer in the train step',
    );
    const session = await ort.InferenceSession.create(artifact.onnx, { executionProviders: ['cpu'] });
    assert.ok(session.outputNames.includes('loss'));
    await session.release();
  });
});
