import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, relu, toOnnxBytes } from '../../../src/engine/graph';
import { availableProviders, openSession, providerChain } from '../../../src/engine/runtime/session';

const model = (() => { const g = new Graph('tiny'); g.output('y', relu(g.input('x', [2]))); return toOnnxBytes(g); })();

describe('execution provider choice', () => {
  test('chains: auto = cuda, webgpu, cpu; explicit GPU choices end with cpu', () => {
    assert.deepEqual(providerChain('auto'), ['cuda', 'webgpu', 'cpu']);
    assert.deepEqual(providerChain('webgpu'), ['webgpu', 'cpu']);
    assert.deepEqual(providerChain('cpu'), ['cpu']);
  });

  test('a provider this install lacks is skipped with a logged reason, and the session still runs', async () => {
    const available = availableProviders();
    const logs: string[] = [];
    const opened = await openSession(model, ['y'], { provider: 'auto', log: (m) => logs.push(m) });
    const tried = opened.fallbacks.map((f) => f.provider);
    if (available.get('cuda') !== null) {
      assert.equal(tried[0], 'cuda');
      assert.ok(logs.some((l) => l.startsWith('execution provider cuda')), logs.join('\n'));
    }
    assert.ok(['cuda', 'webgpu', 'cpu'].includes(opened.provider));
    assert.equal(opened.fallbacks.length, logs.filter((l) => / (skipped|failed) /.test(l)).length);
    const { y } = await opened.session.run({ x: new (await import('onnxruntime-node')).Tensor('float32', Float32Array.of(-1, 2), [2]) });
    assert.deepEqual([...(y.data as Float32Array)], [0, 2]);
    await opened.session.release();
  });

  test('asking for cpu never tries anything else', async () => {
    const opened = await openSession(model, ['y'], { provider: 'cpu', threads: 1 });
    assert.equal(opened.provider, 'cpu');
    assert.deepEqual(opened.fallbacks, []);
    assert.equal(opened.onDevice, false);
    await opened.session.release();
  });
});
