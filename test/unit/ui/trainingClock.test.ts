// The live training view's "elapsed" (ui/trainingClock.ts): counted from the run's start as the manifest records
// it, sent as seconds elapsed when the host posts, so neither a late page nor another machine's clock matters.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { elapsedSeconds, runStartMs } from '../../../src/ui/trainingClock';
import { isHostToTraining } from '../../../src/protocol/training';

const stageOrder = ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report'];

test("a resumed run's start: the earliest stage start (the first stage's; a rerun stage overwrites only its own)", () => {
  const stages = {
    split: { status: 'done' as const, startedAt: '2026-12-06T01:00:00.000Z' },
    train_f: { status: 'running' as const, startedAt: '2026-12-06T02:30:00.000Z' }, // resumed: restarted later
    train_g: { status: 'done' as const, startedAt: '2026-12-06T01:00:05.000Z' },
  };
  assert.equal(runStartMs({ stageOrder, stages }), Date.parse('2026-12-06T01:00:00.000Z'));
});

test('no stage started (or unreadable dates): the run creation, else unknown', () => {
  const stages = { split: { status: 'pending' as const, startedAt: 'yesterday-ish' } };
  assert.equal(runStartMs({ stageOrder, stages, createdAt: '2026-12-06T00:59:59.000Z' }), Date.parse('2026-12-06T00:59:59.000Z'));
  assert.equal(runStartMs({ stageOrder, stages }), undefined);
  assert.equal(runStartMs({ stageOrder: [], stages: {}, createdAt: 'n/a' }), undefined);
});

test('elapsed seconds, never negative', () => {
  assert.equal(elapsedSeconds(1_000, 91_500), 90.5);
  assert.equal(elapsedSeconds(5_000, 1_000), 0);
});

test("the start message's elapsedS: absent, or a finite non-negative number", () => {
  const start = { type: 'start', title: 't', preset: 'tiny', dataset: 'd', stages: stageOrder };
  assert.ok(isHostToTraining(start));
  assert.ok(isHostToTraining({ ...start, elapsedS: 3600.5 }));
  assert.ok(!isHostToTraining({ ...start, elapsedS: -1 }));
  assert.ok(!isHostToTraining({ ...start, elapsedS: '60' }));
  assert.ok(!isHostToTraining({ ...start, elapsedS: Infinity }));
});
