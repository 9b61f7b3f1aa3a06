// Sessions on one provider, with real onnxruntime: 'auto' (unmeasured) is the CPU, an explicit provider that
// cannot run is a ProviderUnavailableError naming it and ORT's reason — never a quiet CPU session.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Graph, relu, toOnnxBytes } from '../../../src/engine/graph';
import { assertProviderUsable, availableProviders, openSession, ortReason } from '../../../src/engine/runtime/session';
import { ProviderUnavailableError } from '../../../src/engine/runtime/providers';
import { NO_VULKAN } from './fixtures';

const model = (() => {
  const g = new Graph('tiny');
  g.output('y', relu(g.input('x', [2])));
  return toOnnxBytes(g);
})();

// Child mode: this same bundle, started with NO_VULKAN, asks for webgpu and prints what happened as JSON.
if (process.env.SSLMEM_SESSION_CHILD === 'webgpu') {
  (async () => {
    const checked = await assertProviderUsable('webgpu').then(
      () => null,
      (e: Error) => ({ name: e.name, message: e.message }),
    );
    try {
      const opened = await openSession(model, ['y'], { provider: 'webgpu' });
      console.log(JSON.stringify({ opened: opened.provider, checked }));
    } catch (e) {
      const err = e as ProviderUnavailableError;
      console.log(
        JSON.stringify({
          name: err.name,
          typed: e instanceof ProviderUnavailableError,
          provider: err.provider,
          reason: err.reason,
          message: err.message,
          checked,
        }),
      );
    }
  })();
} else {
  describe('sessions on one execution provider', () => {
    test("'auto' without a measurement and 'cpu' open a CPU session with an explicit thread count, and it runs", async () => {
      for (const provider of ['auto', 'cpu'] as const) {
        const opened = await openSession(model, ['y'], { provider });
        assert.equal(opened.provider, 'cpu');
        assert.equal(opened.threads, availableParallelism()); // 0/undefined = every core, set explicitly
        assert.equal(opened.onDevice, false);
        const { y } = await opened.session.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 2), [2]) });
        assert.deepEqual([...(y.data as Float32Array)], [0, 2]);
        await opened.session.release();
      }
      const one = await openSession(model, ['y'], { provider: 'cpu', threads: 1 });
      assert.equal(one.threads, 1);
      await one.session.release();
    });

    test('cpuOverrides reach ORT: a session config entry it rejects fails creation, a valid one runs', async () => {
      // ORT checks thread affinities when it creates the thread pool: proof that `extra.session` got through.
      const bad = { extra: { session: { intra_op_thread_affinities: 'not-a-cpu' } } };
      await assert.rejects(
        openSession(model, ['y'], { provider: 'cpu', threads: 2, cpuOverrides: bad }),
        /Processor id must consist of only digits/,
      );
      const ok = await openSession(model, ['y'], {
        provider: 'cpu',
        threads: 2,
        cpuOverrides: { enableMemPattern: false, extra: { session: { 'intra_op.allow_spinning': '0' } } },
      });
      const { y } = await ok.session.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 2), [2]) });
      assert.deepEqual([...(y.data as Float32Array)], [0, 2]);
      await ok.session.release();
    });

    test('explicit webgpu with no adapter (no Vulkan driver): ProviderUnavailableError naming webgpu and the reason', () => {
      const child = spawnSync(process.execPath, [__filename], {
        env: { ...process.env, ...NO_VULKAN, SSLMEM_SESSION_CHILD: 'webgpu' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      const r = JSON.parse(line) as Record<string, unknown>;
      assert.equal(r.opened, undefined, `webgpu opened a session without a Vulkan driver: ${line}`);
      assert.equal(r.typed, true, line);
      assert.equal(r.provider, 'webgpu');
      // ORT's check and source location are cut; what stays says why.
      assert.match(String(r.reason), /adapter/i);
      assert.doesNotMatch(String(r.reason), /^\/|onnxruntime_src|was false/);
      assert.match(String(r.message), /^execution provider webgpu is not usable on this machine: .*adapter.*Use --ep cpu or --ep auto/i);
      // The preflight the pipeline runs before any work gives the same typed error.
      assert.deepEqual((r.checked as { name: string }).name, 'ProviderUnavailableError');
    });

    test('a provider this install lacks (cuda without its library) is refused with the reason, not replaced', async (t) => {
      const why = availableProviders().get('cuda');
      if (why === null) {
        t.skip('this machine has the CUDA provider library');
        return;
      }
      await assert.rejects(
        openSession(model, ['y'], { provider: 'cuda' }),
        (e: unknown) =>
          e instanceof ProviderUnavailableError &&
          e.provider === 'cuda' &&
          /not usable on this machine: .*(libonnxruntime_providers_cuda|not in this onnxruntime-node build)/.test(e.message),
      );
    });

    test("a model the CPU cannot load is the model's error, not a provider error", async () => {
      await assert.rejects(
        openSession(Uint8Array.of(1, 2, 3), [], { provider: 'cpu' }),
        (e: unknown) => !(e instanceof ProviderUnavailableError),
      );
    });

    test('ortReason keeps the message after the failed check, or the first line without a source path', () => {
      assert.equal(
        ortReason(
          new Error(
            '/onnxruntime_src/x/webgpu_context.cc:136 lambda adapter_result.status == Success was false. Failed to get a WebGPU adapter: No supported adapters\n',
          ),
        ),
        'Failed to get a WebGPU adapter: No supported adapters',
      );
      assert.equal(ortReason(new Error('/src/a.cc:12 something broke\nmore')), 'something broke');
      assert.equal(ortReason('plain'), 'plain');
    });
  });
}
