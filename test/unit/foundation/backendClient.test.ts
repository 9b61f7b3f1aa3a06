// The host-side client against the real backend process (dist/backend.js, forked like the extension does):
// round trip, progress, cancellation, errors, and restart after the process is killed.
import { describe, test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { BackendClient, childProcessTransport } from '../../../src/backend/client';
import { inProcessTransport } from '../../../src/backend/inProcess';
import { BackendError } from '../../../src/protocol/backend';
import { distDir } from './distDir';

const onnxruntimeVersion = (require('onnxruntime-node/package.json') as { version: string }).version;

for (const mode of ['child process', 'in process'] as const) {
  describe(`backend client (${mode})`, () => {
    const logs: string[] = [];
    const client = new BackendClient(
      mode === 'child process' ? childProcessTransport(path.join(distDir(), 'backend.js')) : inProcessTransport(),
      { onLog: (m) => logs.push(`${m.level} ${m.message}`) },
    );
    after(() => client.dispose());

    test('version reports node, onnxruntime-node and the cpu provider', async () => {
      const v = await client.request('version', {});
      assert.equal(v.onnxruntimeNode, onnxruntimeVersion);
      assert.equal(v.node, process.versions.node);
      assert.ok(
        v.backends.some((b) => b.name === 'cpu' && b.bundled),
        JSON.stringify(v.backends),
      );
      if (mode === 'child process') assert.notEqual(v.pid, process.pid);
      else assert.equal(v.pid, process.pid);
    });

    test('selfCheck streams progress in order and finishes', async () => {
      const steps: number[] = [];
      const r = await client.request('selfCheck', { steps: 5, stepMs: 1 }, { onProgress: (p) => steps.push(p.step) });
      assert.deepEqual(steps, [1, 2, 3, 4, 5]);
      assert.equal(r.stepsDone, 5);
    });

    test('cancelling mid-job rejects with code cancelled; the backend keeps serving', async () => {
      const abort = new AbortController();
      let seen = 0;
      const job = client.request(
        'selfCheck',
        { steps: 1000, stepMs: 20 },
        {
          signal: abort.signal,
          onProgress: () => {
            if (++seen === 2) abort.abort();
          },
        },
      );
      await assert.rejects(job, (e: unknown) => e instanceof BackendError && e.code === 'cancelled');
      assert.ok(seen >= 2 && seen < 10, `progress events seen: ${seen}`);
      assert.equal((await client.request('ping', { echo: 'still here' })).echo, 'still here');
    });

    test('bad params and unknown methods come back as typed errors', async () => {
      await assert.rejects(
        client.request('selfCheck', { steps: -1, stepMs: 1 }),
        (e: unknown) => e instanceof BackendError && e.code === 'invalid-params',
      );
      // Bypass the types on purpose: the backend must answer a method it does not know.
      await assert.rejects(
        client.request('noSuchMethod' as 'ping', {}),
        (e: unknown) => e instanceof BackendError && e.code === 'unknown-method',
      );
    });

    if (mode === 'child process') {
      test('a killed backend rejects pending requests and restarts on the next request', async () => {
        const before = (await client.request('ping', {})).pid;
        const starts = client.starts;
        const pending = client.request('selfCheck', { steps: 1000, stepMs: 20 });
        process.kill(before, 'SIGKILL');
        await assert.rejects(
          pending,
          (e: unknown) => e instanceof BackendError && e.code === 'backend-exited' && /SIGKILL/.test(e.message),
        );
        const after = (await client.request('ping', {})).pid;
        assert.notEqual(after, before);
        assert.equal(client.starts, starts + 1);
      });
    }
  });
}
