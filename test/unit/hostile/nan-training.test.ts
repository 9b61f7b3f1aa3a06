// Issue #11, item 6 (training half): a loss that turns NaN or infinite stops training at that step with a
// clear error, and no checkpoint of the poisoned weights is written. A step size no preset or override allows
// (the CLI refuses it) blows the weights up to Inf within a few real train steps.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { resolvePreset } from '../../../src/engine/sslmem/config';
import { trainEncoder } from '../../../src/engine/sslmem/train-encoder';
import { fashionMnist } from '../runtime/fixtures';
import { tempDir } from '../pipeline/helpers';

test('a non-finite training loss stops training with the step, and leaves no checkpoint behind', async (t) => {
  const dir = tempDir(t);
  const config = { ...resolvePreset('tiny'), learningRate: 1e30, epochs: 4 };
  const dataset = fashionMnist(96);
  const checkpointPath = path.join(dir, 'checkpoint.bin');
  const steps: number[] = [];
  await assert.rejects(
    trainEncoder({
      config,
      dataset,
      indices: Int32Array.from({ length: 96 }, (_, i) => i),
      seed: 0,
      dir,
      checkpointPath,
      provider: 'cpu',
      threads: 1,
      onProgress: (p) => steps.push(p.step),
    }),
    /training stopped: the loss became (NaN|-?Infinity) at step \d+ of 12/,
  );
  assert.ok(steps.length < 12, `training went on for ${steps.length} steps`);
  assert.equal(existsSync(checkpointPath), false, 'a checkpoint of the poisoned weights was written');
});
