import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateRetrainParams } from '../../../src/backend/retrainJob';
import { BackendError } from '../../../src/protocol/backend';
import { isHostToRetrain, isRetrainToHost, summariseScoreDiff } from '../../../src/protocol/retrain';
import { parseKList } from '../../../src/cli/commands/retrain';
import type { RetrainResults } from '../../../src/engine/sslmem/removal/types';

const invalid = (p: Record<string, unknown>, pattern: RegExp) =>
  assert.throws(
    () => validateRetrainParams(p),
    (e: unknown) => e instanceof BackendError && e.code === 'invalid-params' && pattern.test(e.message),
  );

describe('retrainSslmem params', () => {
  test('valid params pass with defaults; every field is checked', () => {
    assert.deepEqual(validateRetrainParams({ runDir: '/r', k: [100, 0.1], seeds: 3 }), {
      runDir: '/r',
      k: [100, 0.1],
      seeds: 3,
      transferData: undefined,
      epochs: undefined,
      rescore: undefined,
      provider: 'auto',
      threads: undefined,
      concurrentTraining: undefined,
    });
    assert.equal(validateRetrainParams({ runDir: '/r', k: [10], seeds: 1, concurrentTraining: 2 }).concurrentTraining, 2);
    invalid({ runDir: '/r', k: [10], seeds: 1, concurrentTraining: 0 }, /concurrentTraining must be a whole number from 1 to 16/);
    invalid({ k: [1], seeds: 1 }, /runDir/);
    invalid({ runDir: '/r', k: [], seeds: 1 }, /list of 1 to 32/);
    invalid({ runDir: '/r', k: [2.5], seeds: 1 }, /whole count/);
    invalid({ runDir: '/r', k: [-1], seeds: 1 }, /whole count/);
    invalid({ runDir: '/r', k: [10], seeds: 0 }, /seeds/);
    invalid({ runDir: '/r', k: [10], seeds: 1, epochs: 0 }, /epochs/);
    invalid({ runDir: '/r', k: [10], seeds: 1, provider: 'tpu' }, /provider/);
    invalid({ runDir: '/r', k: [10], seeds: 1, rescore: 'yes' }, /rescore/);
  });

  test('CLI --k list: counts and fractions, anything else is a usage error', () => {
    assert.deepEqual(parseKList('100, 300'), [100, 300]);
    assert.deepEqual(parseKList('0.05,0.1'), [0.05, 0.1]);
    assert.throws(() => parseKList('abc'), /--k must be/);
    assert.throws(() => parseKList('1.5'), /--k must be/);
  });
});

describe('retrain panel messages', () => {
  const results: RetrainResults = {
    format: 'sslmem-retrain',
    version: 1,
    runId: 'r',
    createdAt: '',
    kRequested: [10],
    kResolved: [10],
    seeds: 1,
    poolSize: 100,
    conclusion: ['x'],
    protocol: {
      probeTrain: '',
      probeTest: '',
      probeTrainSize: 1,
      probeTestSize: 1,
      knn: { k: 20, vote: 'weighted', metric: 'cosine' },
      linear: { epochs: 1, batch: 1, learningRate: 1, weightDecay: 0, optimizer: 'adam', standardised: true },
    },
    rows: [
      {
        k: 0,
        removal: 'none',
        seed: 0,
        linearProbeAccuracy: 0.8,
        knnAccuracy: 0.7,
        trainingSize: 100,
        encoder: 'original',
        dir: 'f',
        epochs: 1,
        steps: 1,
        trainSeconds: 0,
        evalSeconds: 0,
      },
    ],
  };

  test('host -> page: results with accuracies outside [0, 1] or unknown kinds are rejected', () => {
    assert.ok(isHostToRetrain({ type: 'results', title: 't', results, diff: null }));
    const bad = structuredClone(results);
    bad.rows[0].linearProbeAccuracy = 1.5;
    assert.ok(!isHostToRetrain({ type: 'results', title: 't', results: bad, diff: null }));
    const kind = structuredClone(results) as unknown as { rows: { removal: string }[] };
    kind.rows[0].removal = 'all';
    assert.ok(!isHostToRetrain({ type: 'results', title: 't', results: kind, diff: null }));
    assert.ok(!isHostToRetrain({ type: 'script', html: '<b>' }));
  });

  test('page -> host: only the three known messages, with no extra fields', () => {
    assert.ok(isRetrainToHost({ type: 'ready' }));
    assert.ok(isRetrainToHost({ type: 'openSummary' }));
    assert.ok(isRetrainToHost({ type: 'compareGalleries' }));
    assert.ok(!isRetrainToHost({ type: 'openSummary', path: '/etc/passwd' }));
    assert.ok(!isRetrainToHost({ type: 'compareGalleries', file: '../../etc/passwd' }));
    assert.ok(!isRetrainToHost({ type: 'run', command: 'x' }));
  });

  test('score-diff summary: removed points excluded, risers ordered by increase, subset means', () => {
    const s = summariseScoreDiff(
      {
        dir: 'retrain/memorized-k1-s0',
        k: 1,
        removal: 'memorized',
        index: [0, 1, 2, 3],
        path: ['a', 'b', 'c', 'd'],
        subset: ['S_C', 'S_C', 'S_S', 'S_S'],
        before: [0.9, 0.1, 0.0, 0.2],
        after: [0.0, 0.5, 0.1, 0.1],
        removed: [true, false, false, false],
      },
      2,
    );
    assert.deepEqual(
      s.risers.map((r) => r.path),
      ['b', 'c'],
    );
    assert.deepEqual(
      s.subsets.map((x) => [x.subset, x.n]),
      [
        ['S_C', 1],
        ['S_S', 2],
      ],
    );
    assert.ok(Math.abs(s.subsets[1].before - 0.1) < 1e-12 && Math.abs(s.subsets[1].after - 0.1) < 1e-12);
  });
});
