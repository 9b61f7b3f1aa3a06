// BYOL's target network is declared as buffers mirroring the online encoder + projector (same shapes and
// init), never the predictor; its numerics (EMA, first-step copy, BN stats) are checked against PyTorch in
// torch-oracle.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byol } from '../../../src/engine/methods/byol';
import { resnet18 } from '../../../src/engine/models/resnet18';

test('byol: target buffers mirror the encoder and projector, plus an initialisation flag', () => {
  const p = byol(resnet18({ width: 4 }), { projDim: 8, hiddenDim: 16 });
  const buffers = new Map(p.buffers.map((b) => [b.name, b]));
  for (const param of p.params) {
    const t = buffers.get(`target.${param.name}`);
    if (param.name.startsWith('predictor.')) assert.equal(t, undefined, param.name);
    else assert.deepEqual([t?.shape, t?.init], [param.shape, param.init], param.name);
  }
  assert.ok(buffers.has('target.layer1.0.bn1.running_var'), 'target BatchNorm statistics');
  assert.ok(buffers.has('target.projector.1.running_mean'));
  assert.deepEqual(buffers.get('target.initialized'), { name: 'target.initialized', shape: [1], init: { kind: 'zeros' } });
  assert.equal(p.viewsPerImage, 2);
});
