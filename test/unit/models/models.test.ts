// Model definitions: parameter counts against the published sizes of the PyTorch models, PyTorch names
// and init bounds, and output shapes. (Numerical agreement with PyTorch is in test/unit/methods/.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../../../src/engine/graph';
import { smallCnn } from '../../../src/engine/models/small-cnn';
import { resnet18 } from '../../../src/engine/models/resnet18';
import { vitTiny } from '../../../src/engine/models/vit';
import { BuildContext, Encoder } from '../../../src/engine/models/types';

const count = (e: Encoder) => e.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);

function shapes(e: Encoder, batch: number, training: boolean) {
  const g = new Graph();
  const inputs = new Map<string, ReturnType<Graph['input']>>();
  const ctx: BuildContext = {
    param: (n) => inputs.get(n) ?? inputs.set(n, g.input(n, e.params.find((p) => p.name === n)!.shape)).get(n)!,
    buffer: (n) => inputs.get(n) ?? inputs.set(n, g.input(n, e.buffers.find((b) => b.name === n)!.shape)).get(n)!,
    setBuffer: () => {},
    training,
  };
  const out = e.forward(ctx, g.input('x', [batch, ...e.inputShape]));
  return { repr: [...out.repr.shape], layers: out.layers.map((l) => `${l.name}:${l.value.shape.join('x')}`), used: inputs.size };
}

test('smallCnn: the probe CNN (92,672 parameters), 128-d representation', () => {
  const e = smallCnn();
  assert.equal(count(e), 92672);
  assert.deepEqual(
    e.params.map((p) => p.name),
    ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'conv3.weight', 'conv3.bias'],
  );
  assert.deepEqual(e.params[0].init, { kind: 'uniform', bound: 1 / 3 }); // 1/sqrt(fan_in = 1*3*3)
  const s = shapes(e, 2, true);
  assert.deepEqual(s.repr, [2, 128]);
  assert.deepEqual(s.layers, ['conv1:2x32x28x28', 'conv2:2x64x14x14', 'conv3:2x128x7x7']);
  assert.equal(smallCnn({ inChannels: 3, imageSize: 32 }).params[0].shape.join(), '32,3,3,3');
});

test('smallCnn options: width scales the channels, fcDim swaps the average pool for flatten -> Linear', () => {
  const e = smallCnn({ width: 0.5, fcDim: 100 });
  // convs 16/32/64 channels, then fc over 64*7*7 flattened features
  assert.equal(count(e), 16 * 9 + 16 + (32 * 16 * 9 + 32) + (64 * 32 * 9 + 64) + (64 * 49 * 100 + 100));
  assert.deepEqual(e.params.at(-2)!.init, { kind: 'uniform', bound: 1 / Math.sqrt(64 * 49) });
  assert.equal(e.reprDim, 100);
  const s = shapes(e, 3, true);
  assert.deepEqual(s.repr, [3, 100]);
  assert.deepEqual(s.layers, ['conv1:3x16x28x28', 'conv2:3x32x14x14', 'conv3:3x64x7x7', 'fc:3x100']);
  assert.deepEqual(e.config, { inChannels: 1, imageSize: 28, width: 0.5, fcDim: 100 });
  assert.deepEqual(smallCnn().config, { inChannels: 1, imageSize: 28 }); // old manifests rebuild the same model
  assert.throws(() => smallCnn({ fcDim: -1 }), /fcDim/);
  assert.throws(() => smallCnn({ width: 0 }), /width/);
});

test('resnet18: torchvision resnet18 minus fc with a 3x3 stem has 11,168,832 parameters', () => {
  // torchvision resnet18: 11,689,512 = this + fc (512*1000 + 1000) + the 7x7 stem's extra 3*64*(49-9).
  const e = resnet18();
  assert.equal(count(e) + 513000 + 3 * 64 * 40, 11689512);
  assert.equal(e.buffers.length, 2 * 20); // 20 BatchNorms (bn1, 2 per block, 3 downsamples)
  for (const n of ['conv1.weight', 'bn1.bias', 'layer1.0.bn1.bias', 'layer2.0.downsample.0.weight', 'layer4.1.conv2.weight']) {
    assert.ok(
      e.params.some((p) => p.name === n),
      n,
    );
  }
  assert.ok(e.buffers.some((b) => b.name === 'layer3.0.downsample.1.running_var'));
  assert.ok(!e.params.some((p) => p.name.endsWith('conv1.bias')), 'convs before BatchNorm have no bias');
  const s = shapes(e, 2, true);
  assert.deepEqual(s.repr, [2, 512]);
  assert.deepEqual(s.layers, [
    'conv1:2x64x32x32',
    'layer1.0:2x64x32x32',
    'layer1.1:2x64x32x32',
    'layer2.0:2x128x16x16',
    'layer2.1:2x128x16x16',
    'layer3.0:2x256x8x8',
    'layer3.1:2x256x8x8',
    'layer4.0:2x512x4x4',
    'layer4.1:2x512x4x4',
  ]);
  assert.equal(s.used, e.params.length + e.buffers.length);
  // eval mode reads the same parameters and running statistics
  assert.equal(shapes(e, 2, false).used, e.params.length + e.buffers.length);
});

test('vitTiny: same block sizes as timm vit_tiny_patch16_224 (5,717,416 parameters with its head)', () => {
  const e = vitTiny({ imageSize: 224, patch: 16 });
  assert.equal(count(e) + 192 * 1000 + 1000, 5717416);
  const small = vitTiny({ imageSize: 32, patch: 4, dim: 48, depth: 3, heads: 3 });
  const s = shapes(small, 2, true);
  assert.deepEqual(s.repr, [2, 48]);
  assert.deepEqual(s.layers, ['blocks.0:2x65x48', 'blocks.1:2x65x48', 'blocks.2:2x65x48']);
  const mean = shapes(vitTiny({ imageSize: 32, patch: 4, dim: 48, depth: 1, heads: 3, pool: 'mean' }), 2, false);
  assert.deepEqual(mean.layers, ['blocks.0:2x64x48']);
  const tokens = vitTiny({ imageSize: 32, patch: 4, dim: 48, depth: 1, heads: 3, repr: 'tokens' });
  assert.equal(tokens.reprDim, 65 * 48);
  assert.deepEqual(shapes(tokens, 2, false).repr, [2, 65 * 48]);
  assert.throws(() => vitTiny({ imageSize: 30, patch: 4 }), /multiple of patch/);
});

test('weight decay applies to conv/linear weights only', () => {
  for (const e of [smallCnn(), resnet18({ width: 4 }), vitTiny({ dim: 12, depth: 1, heads: 2 })]) {
    for (const p of e.params) {
      const decayed = p.shape.length >= 2 && p.name.endsWith('.weight');
      assert.equal(p.weightDecay, decayed, p.name);
    }
  }
});
