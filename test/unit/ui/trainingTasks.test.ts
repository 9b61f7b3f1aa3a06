// The live training view's Slurm rows: a task event as its stage row's class and text, and the guard that lets
// only well-formed task and executor events reach the page (it shows their text).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { taskRow } from '../../../webview/training/progress';
import { isHostToTraining, isTrainingEvent } from '../../../src/protocol/training';

test('task rows: state, job id and node as the Runs tree says them; cancelled is a failed row, in words', () => {
  assert.deepEqual(taskRow({ state: 'pending', job: '12_0', node: null }), { cls: 'pending', detail: 'pending · job 12_0' });
  assert.deepEqual(taskRow({ state: 'running', job: '12_0', node: 'n01' }), { cls: 'running', detail: 'running · job 12_0 · n01' });
  assert.deepEqual(taskRow({ state: 'running', job: '12_1', node: null }), { cls: 'running', detail: 'running · job 12_1' });
  assert.deepEqual(taskRow({ state: 'done', job: '12_1', node: 'n02' }), { cls: 'done', detail: 'done · job 12_1 · n02' });
  assert.deepEqual(taskRow({ state: 'failed', job: '13_0', node: 'n01' }), { cls: 'failed', detail: 'failed · job 13_0 · n01' });
  assert.deepEqual(taskRow({ state: 'cancelled', job: '13_0', node: null }), { cls: 'failed', detail: 'cancelled · job 13_0' });
});

const task = { kind: 'task', stage: 'train_f', state: 'running', job: '12_0', node: 'n01', log: '/r/slurm/12_0.log' };

test('task events: every field checked', () => {
  assert.ok(isTrainingEvent(task));
  assert.ok(isTrainingEvent({ ...task, node: null }));
  assert.ok(!isTrainingEvent({ ...task, state: 'exploded' }));
  assert.ok(!isTrainingEvent({ ...task, node: 3 }));
  assert.ok(!isTrainingEvent({ ...task, job: undefined }));
  assert.ok(!isTrainingEvent({ ...task, log: ['x'] }));
  assert.ok(!isTrainingEvent({ ...task, stage: { toString: 'train_f' } }));
});

test('executor notices need their message; other kinds pass on their name', () => {
  assert.ok(isTrainingEvent({ kind: 'executor', message: 'submitted train_f, train_g as Slurm job array 12' }));
  assert.ok(!isTrainingEvent({ kind: 'executor' }));
  assert.ok(!isTrainingEvent({ kind: 'executor', message: 42 }));
  assert.ok(isTrainingEvent({ kind: 'stage', stage: 'split', status: 'start' }));
  assert.ok(!isTrainingEvent({ stage: 'split' }));
  assert.ok(!isTrainingEvent(null));
});

test('host messages: a progress message carries a valid event', () => {
  assert.ok(isHostToTraining({ type: 'progress', event: task }));
  assert.ok(!isHostToTraining({ type: 'progress', event: { ...task, state: 1 } }));
  assert.ok(!isHostToTraining({ type: 'progress', event: { kind: 'executor', message: null } }));
});
