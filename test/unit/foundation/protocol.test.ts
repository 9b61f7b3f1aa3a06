// Guards on both protocols: whatever crosses a process or webview boundary is checked before use.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isBackendToHost, isHostToBackend, isMethodName, METHOD_KINDS } from '../../../src/protocol/backend';
import { isHostToWebview, isRunsOverviewState, isWebviewToHost } from '../../../src/protocol/webview';

describe('backend protocol guards', () => {
  test('accepts well-formed host messages', () => {
    assert.ok(isHostToBackend({ kind: 'request', id: 1, method: 'ping', params: {} }));
    assert.ok(isHostToBackend({ kind: 'cancel', id: 7 }));
  });
  test('rejects malformed host messages', () => {
    for (const bad of [
      null,
      42,
      'request',
      [],
      { kind: 'request', id: -1, method: 'ping', params: {} },
      { kind: 'request', id: 1.5, method: 'ping', params: {} },
      { kind: 'request', id: 1, method: 3, params: {} },
      { kind: 'request', id: 1, method: 'ping', params: [] },
      { kind: 'request', id: 1, method: 'ping' },
      { kind: 'cancel' },
      { kind: 'shutdown', id: 1 },
    ]) {
      assert.equal(isHostToBackend(bad), false, JSON.stringify(bad));
    }
  });
  test('accepts responses, progress and log lines from the backend', () => {
    assert.ok(isBackendToHost({ kind: 'response', id: 1, ok: true, result: null }));
    assert.ok(isBackendToHost({ kind: 'response', id: 1, ok: false, error: { message: 'x', code: 'cancelled' } }));
    assert.ok(isBackendToHost({ kind: 'progress', id: 2, data: { step: 1 } }));
    assert.ok(isBackendToHost({ kind: 'log', level: 'info', message: 'hi' }));
    assert.ok(isBackendToHost({ kind: 'log', level: 'warn', message: 'hi', id: 3 }));
  });
  test('rejects malformed backend messages', () => {
    for (const bad of [
      { kind: 'response', id: 1, ok: true },
      { kind: 'response', id: 1, ok: false, error: 'boom' },
      { kind: 'response', id: 1, ok: false, error: { message: 'x' } },
      { kind: 'progress', id: 'a', data: 1 },
      { kind: 'log', level: 'loud', message: 'x' },
      { kind: 'log', level: 'info' },
      { kind: 'hello' },
    ]) {
      assert.equal(isBackendToHost(bad), false, JSON.stringify(bad));
    }
  });
  test('method names come from the method table only', () => {
    assert.ok(isMethodName('selfCheck'));
    assert.equal(isMethodName('toString'), false); // inherited keys are not methods
    assert.equal(isMethodName('nope'), false);
    assert.equal(METHOD_KINDS.selfCheck, 'job');
    assert.equal(METHOD_KINDS.version, 'query');
  });
});

describe('webview protocol guards', () => {
  test('accepts the messages the Runs Overview page sends', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'refresh' }));
    assert.ok(isWebviewToHost({ type: 'openManifest', runId: 'run-2024-01-01' }));
    assert.ok(isWebviewToHost({ type: 'rendered', rows: 0 }));
  });
  test('drops unknown types, extra fields and run ids that look like paths', () => {
    for (const bad of [
      undefined,
      'ready',
      { type: 'eval', code: '1' },
      { type: 'ready', extra: 1 },
      { type: 'openManifest', runId: '../../etc' },
      { type: 'openManifest', runId: 'a/b' },
      { type: 'openManifest', runId: '..' },
      { type: 'openManifest', runId: '' },
      { type: 'openManifest', runId: 'x'.repeat(201) },
      { type: 'rendered', rows: -1 },
      { type: 'rendered', rows: 1.5 },
    ]) {
      assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
    }
  });
  test('checks host messages and persisted state', () => {
    assert.ok(isHostToWebview({ type: 'runs', runStoreFolders: ['/w/.sslmem/runs'], runs: [{ id: 'a', status: 'done' }], trusted: true }));
    assert.equal(isHostToWebview({ type: 'runs', runStoreFolders: [], runs: [{ id: 1 }], trusted: true }), false);
    assert.equal(isHostToWebview({ type: 'runs', runStoreFolders: [], runs: [] }), false);
    assert.ok(isRunsOverviewState({}));
    assert.ok(isRunsOverviewState({ selectedRunId: 'a' }));
    assert.equal(isRunsOverviewState({ selectedRunId: 3 }), false);
    assert.equal(isRunsOverviewState(null), false);
  });
});
