// The Runs tree shows what trained and why not the other providers: the run index reads the manifest's
// providerDecision (real folders), and ignores a malformed one instead of breaking the list.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listRuns } from '../../../src/engine/runs/list';
import type { ProviderDecision } from '../../../src/engine/runtime/providers';

describe('run index: execution provider', () => {
  test('a recorded decision gives "cpu, 2 threads" and the line with the others\' reasons; a malformed one gives nothing', async (t) => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'sslmem-runindex-ep-'));
    t.after(() => fs.rmSync(store, { recursive: true, force: true }));
    const decision: ProviderDecision = {
      setting: 'auto',
      chosen: 'cpu',
      threads: 2,
      cached: false,
      candidates: [
        { provider: 'cpu', status: 'chosen', msPerStep: 61, reason: 'fastest measured' },
        {
          provider: 'cuda',
          status: 'unavailable',
          reason: 'not installed (libonnxruntime_providers_cuda.so missing next to the onnxruntime-node binding)',
        },
        { provider: 'webgpu', status: 'slower', msPerStep: 2140, reason: '2140 ms/step, slower than cpu 61 ms/step' },
      ],
    };
    const write = (id: string, m: object) => {
      fs.mkdirSync(path.join(store, id));
      fs.writeFileSync(path.join(store, id, 'manifest.json'), JSON.stringify(m));
    };
    write('a', { status: 'done', createdAt: '2026-01-02T00:00:00Z', executionProvider: 'cpu', providerDecision: decision });
    write('b', {
      status: 'done',
      createdAt: '2026-01-01T00:00:00Z',
      executionProvider: 'cpu',
      providerDecision: { ...decision, chosen: 'tpu' },
    });
    const [a, b] = await listRuns([store]);
    assert.equal(a.provider?.chosen, 'cpu, 2 threads');
    assert.equal(
      a.provider?.detail,
      'cpu, 2 threads (61 ms/step; auto, measured) — cuda: not installed (libonnxruntime_providers_cuda.so missing next to the onnxruntime-node binding); webgpu: 2140 ms/step, slower than cpu 61 ms/step',
    );
    assert.equal(b.provider, undefined);
    assert.equal(b.executionProvider, 'cpu');
  });
});
