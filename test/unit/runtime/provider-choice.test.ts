// How `auto` chooses the train step's provider: the pure rule (measurements -> decision), the order of the
// trials (the CPU first, its step time bounds a GPU warm-up), and the per-machine cache with the real Trainer
// and real onnxruntime (first create measures and writes, a second one with the same artifact reads, another
// artifact measures again).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CACHE_FILE,
  cacheKey,
  cachedDecision,
  chooseProvider,
  decide,
  providerCacheDir,
  warmupLimitMs,
  withDecision,
  type CacheFile,
  type CacheKeyParts,
  type Measurement,
} from '../../../src/engine/runtime/provider-choice';
import { describeDecision, type Provider } from '../../../src/engine/runtime/providers';
import { Trainer, type TrainerConfig } from '../../../src/engine/runtime/trainer';
import { buildTrainStep } from '../../../src/engine/artifacts/train-step';
import { tinyAugment, tinyProblem } from './fixtures';

// The numbers of the issue: lavapipe's CPU-emulated WebGPU against the CPU provider, CUDA library absent.
const LAVAPIPE: Measurement[] = [
  { provider: 'cpu', kind: 'timed', msPerStep: 61, warmupMs: 90 },
  {
    provider: 'cuda',
    kind: 'unavailable',
    reason: 'libonnxruntime_providers_cuda.so is not installed next to the onnxruntime-node binding',
  },
  { provider: 'webgpu', kind: 'timed', msPerStep: 2140, warmupMs: 5000 },
];

describe('the decision rule', () => {
  test('a software WebGPU adapter slower than the CPU loses to cpu; every other candidate says why', () => {
    const d = decide('auto', LAVAPIPE, 2);
    assert.equal(d.chosen, 'cpu');
    assert.equal(d.threads, 2);
    assert.deepEqual(
      d.candidates.map((c) => [c.provider, c.status]),
      [
        ['cpu', 'chosen'],
        ['cuda', 'unavailable'],
        ['webgpu', 'slower'],
      ],
    );
    assert.equal(d.candidates[2].msPerStep, 2140);
    assert.match(d.candidates[2].reason, /2140 ms\/step, slower than cpu 61 ms\/step/);
    assert.match(d.candidates[1].reason, /^not installed \(libonnxruntime_providers_cuda\.so/);
    assert.match(
      describeDecision({ ...d, cached: false }),
      /^cpu, 2 threads \(61 ms\/step; auto, measured\) — cuda: not installed .*; webgpu: 2140 ms\/step, slower than cpu 61 ms\/step$/,
    );
  });

  test("a faster GPU wins (no thread count then); failed candidates keep ORT's reason", () => {
    const d = decide(
      'auto',
      [
        { provider: 'cpu', kind: 'timed', msPerStep: 61, warmupMs: 70 },
        { provider: 'cuda', kind: 'timed', msPerStep: 4.2, warmupMs: 800 },
        { provider: 'webgpu', kind: 'failed', reason: 'Failed to get a WebGPU adapter: No supported adapters' },
      ],
      2,
    );
    assert.equal(d.chosen, 'cuda');
    assert.equal(d.threads, null);
    assert.deepEqual(
      d.candidates.map((c) => c.status),
      ['slower', 'chosen', 'failed'],
    );
    assert.equal(d.candidates[2].reason, 'failed (Failed to get a WebGPU adapter: No supported adapters)');
    assert.match(d.candidates[0].reason, /61 ms\/step, slower than cuda 4\.2 ms\/step/);
  });

  test('a GPU dropped after a too-slow warm-up is reported as slower, with the warm-up time', () => {
    const d = decide(
      'auto',
      [
        { provider: 'cpu', kind: 'timed', msPerStep: 50, warmupMs: 60 },
        { provider: 'webgpu', kind: 'dropped', warmupMs: 4000, limitMs: 1000 },
      ],
      1,
    );
    assert.equal(d.chosen, 'cpu');
    assert.equal(d.candidates[1].status, 'slower');
    assert.equal(d.candidates[1].msPerStep, undefined);
    assert.match(d.candidates[1].reason, /warm-up step 4000 ms, over 20× the cpu step/);
  });

  test('nothing ran: an error listing each provider and its reason', () => {
    assert.throws(
      () =>
        decide(
          'auto',
          [
            { provider: 'cpu', kind: 'failed', reason: 'out of memory' },
            { provider: 'webgpu', kind: 'unavailable', reason: 'no adapter' },
          ],
          1,
        ),
      /no execution provider could run the train step: cpu: out of memory; webgpu: no adapter/,
    );
  });

  test('the GPU warm-up limit is 20× the CPU step, and there is none without a CPU time', () => {
    assert.equal(warmupLimitMs(LAVAPIPE), 61 * 20);
    assert.equal(warmupLimitMs([{ provider: 'cpu', kind: 'failed', reason: 'x' }]), null);
  });
});

describe('the order of trials', () => {
  test('cpu first; a GPU trial gets 20× the CPU step as its warm-up limit; losers are released, the winner kept', async () => {
    const calls: [Provider, number | null][] = [];
    const released: string[] = [];
    const times: Record<Provider, number> = { cpu: 40, cuda: 0, webgpu: 9 };
    const r = await chooseProvider<string>({
      threads: 2,
      missing: (p) => (p === 'cuda' ? 'library absent' : null),
      trial: async (p, limit) => {
        calls.push([p, limit]);
        return { measurement: { provider: p, kind: 'timed', msPerStep: times[p], warmupMs: 1 }, session: `session-${p}` };
      },
      open: async () => {
        throw new Error('not expected without a cache');
      },
      release: async (s) => {
        released.push(s);
      },
    });
    assert.deepEqual(calls, [
      ['cpu', null],
      ['webgpu', 800],
    ]);
    assert.equal(r.session, 'session-webgpu');
    assert.deepEqual(released, ['session-cpu']);
    assert.equal(r.decision.chosen, 'webgpu');
    assert.equal(r.decision.cached, false);
  });
});

describe('the cache', () => {
  const parts: CacheKeyParts = {
    host: 'h',
    cpu: 'x ×2',
    platform: 'linux-x64',
    ort: '1.30.0',
    installed: ['cpu', 'webgpu'],
    artifact: 'abc',
    threads: 2,
  };

  test('the key changes with the artifact, threads, onnxruntime version and installed providers, and only with them', () => {
    const k = cacheKey(parts);
    assert.equal(cacheKey({ ...parts, installed: ['webgpu', 'cpu'] }), k); // order does not matter
    for (const change of [
      { artifact: 'abd' },
      { threads: 1 },
      { ort: '1.31.0' },
      { installed: ['cpu', 'cuda', 'webgpu'] as Provider[] },
      { host: 'other' },
    ]) {
      assert.notEqual(cacheKey({ ...parts, ...change }), k, JSON.stringify(change));
    }
  });

  test('a stored decision comes back marked cached, under its key only', () => {
    const empty: CacheFile = { format: 'sslmem-provider-choice', version: 1, entries: {} };
    const file = withDecision(empty, 'k1', { ...decide('auto', LAVAPIPE, 2), cached: false }, new Date('2026-12-06T01:41:29.649Z'));
    assert.equal(cachedDecision(file, 'k1')?.chosen, 'cpu');
    assert.equal(cachedDecision(file, 'k1')?.cached, true);
    assert.equal(cachedDecision(file, 'k2'), null);
    // Its ms/step are from the day it was measured: the line says when (a stale number once misled a reader).
    assert.equal(cachedDecision(file, 'k1')?.measuredAt, '2026-12-06T01:41:29.649Z');
    assert.match(
      describeDecision(cachedDecision(file, 'k1')!),
      /^cpu, 2 threads \([^;]+; auto, cached measurement of 2026-12-06 01:41 UTC\)/,
    );
    assert.equal(Object.keys(withDecision(file, 'k3', cachedDecision(file, 'k1')!).entries.k3.decision).includes('measuredAt'), false);
  });

  test('the folder: SSLMEM_CACHE_DIR, else XDG_CACHE_HOME/sslmem-studio', () => {
    assert.equal(providerCacheDir({ SSLMEM_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), '/c');
    assert.equal(providerCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'sslmem-studio'));
  });

  test('real Trainer, auto: measures once (cpu timed, others with reasons), then reads the cache; another batch measures again', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sslmem-provider-cache-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const problem = tinyProblem();
    const config = (batch: number): TrainerConfig => ({
      problem,
      batch,
      augment: tinyAugment,
      provider: 'auto',
      threads: 1,
      optimizer: { kind: 'adam' },
      learningRate: 0.01,
      artifact: buildTrainStep(problem, { batch, optimizer: { kind: 'adam' }, augment: tinyAugment }),
      providerCacheDir: dir,
    });

    const first = await Trainer.create(config(8));
    const d1 = first.decision;
    await first.release();
    assert.equal(d1.cached, false);
    assert.deepEqual(d1.candidates.map((c) => c.provider).sort(), ['cpu', 'cuda', 'webgpu']);
    const cpu = d1.candidates.find((c) => c.provider === 'cpu')!;
    assert.ok(cpu.msPerStep! > 0, JSON.stringify(cpu));
    // The rule held on the real numbers: the chosen provider has the smallest measured step.
    const timed = d1.candidates.filter((c) => c.msPerStep !== undefined);
    assert.equal(d1.chosen, timed.reduce((a, b) => (b.msPerStep! < a.msPerStep! ? b : a)).provider);
    for (const c of d1.candidates.filter((c) => c.provider !== d1.chosen)) assert.ok(c.reason.length > 0 && c.status !== 'chosen');
    if (d1.chosen === 'cpu') assert.equal(d1.threads, 1);
    assert.ok(existsSync(join(dir, CACHE_FILE)));
    assert.equal(Object.keys((JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as CacheFile).entries).length, 1);

    const second = await Trainer.create(config(8));
    assert.equal(second.decision.cached, true);
    assert.equal(second.decision.chosen, d1.chosen);
    assert.equal(second.provider, d1.chosen);
    // The session from the cache trains: one real step gives a finite loss.
    second.init(1);
    const loss = await second.step(new Float32Array(8 * 784).fill(0.5));
    assert.ok(Number.isFinite(loss));
    await second.release();

    const other = await Trainer.create(config(4));
    assert.equal(other.decision.cached, false);
    await other.release();
    assert.equal(Object.keys((JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as CacheFile).entries).length, 2);
  });
});
