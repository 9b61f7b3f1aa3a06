// The Compute command's seed-pair choices: the preset's default first and marked, then 1, 2, 3, 5; each one a
// value the backend's override check accepts, and the stages the live view plans for it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { presetSeedPairs, seedPairChoices } from '../../../src/ui/seedPairChoices';
import { validateRunParams } from '../../../src/backend/sslmemJobs';
import { plannedStages } from '../../../src/engine/sslmem/presets';

test('quick: "1 (preset default)", 2, 3, 5; quick-pairs3: "3 (preset default)", 1, 2, 5', () => {
  assert.deepEqual(
    seedPairChoices('quick').map((c) => c.label),
    ['seed pairs: 1 (preset default)', 'seed pairs: 2', 'seed pairs: 3', 'seed pairs: 5'],
  );
  assert.deepEqual(
    seedPairChoices('quick-pairs3').map((c) => c.pairs),
    [3, 1, 2, 5],
  );
  assert.equal(presetSeedPairs('quick-pairs3'), 3);
  assert.match(seedPairChoices('quick')[3].detail, /5× the training time; each image gets a 95 % interval/);
});

test('every choice passes the backend validation as an override and plans its train_f#q stages', () => {
  for (const c of seedPairChoices('tiny')) {
    const p = validateRunParams({ data: '/d', preset: 'tiny', storeDir: '/s', overrides: { seedPairs: c.pairs } });
    assert.equal(p.overrides?.seedPairs, c.pairs);
    const stages = plannedStages('tiny', { seedPairs: c.pairs });
    assert.equal(stages.filter((s) => s.startsWith('train_f')).length, c.pairs);
  }
});
