// The live training view's rows are the run's stages. With seedPairs > 1 the pipeline records train_f#0,
// train_f#1, …; a hard-coded six-stage list never matched those progress events, so the rows never moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannedStages } from '../../../src/engine/sslmem/presets';
import { pipelineStages } from '../../../src/engine/runs/manifest';
import { resolvePreset } from '../../../src/engine/sslmem/config';
import { overallFraction } from '../../../webview/training/progress';

test('the view gets the stages the pipeline will record, per seed pair when there are several', () => {
  const overrides = { seedPairs: 2 };
  const stages = plannedStages('tiny', overrides);
  assert.deepEqual(stages, pipelineStages(resolvePreset('tiny', overrides).seedPairs));
  assert.deepEqual(stages, [
    'split',
    'train_f#0',
    'train_f#1',
    'train_g#0',
    'train_g#1',
    'score_f#0',
    'score_f#1',
    'score_g#0',
    'score_g#1',
    'report',
  ]);
  assert.deepEqual(plannedStages('quick'), ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report']);
});

test('per-pair training stages weigh as training in the overall progress', () => {
  const stages = plannedStages('tiny', { seedPairs: 2 });
  const trainedF = new Map([
    ['split', 1],
    ['train_f#0', 1],
    ['train_f#1', 1],
  ]);
  // Both f trainings done: about 0.43 of the run, as with one pair (not the 0.05 an unknown stage weighs).
  const onePair = overallFraction(
    plannedStages('tiny'),
    new Map([
      ['split', 1],
      ['train_f', 1],
    ]),
  );
  assert.ok(Math.abs(overallFraction(stages, trainedF) - onePair) < 0.01, `${overallFraction(stages, trainedF)} vs ${onePair}`);
});
