// The backend process seen from the real extension host: round trip, progress, cancellation through a
// CancellationTokenSource, and restart after the process is killed.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { VersionInfo } from '../../src/protocol/backend';
import { activeApi } from './helpers';

// Errors come from the extension's bundle, whose BackendError class is not this bundle's: match by shape.
const isCode = (code: string) => (e: unknown) =>
  e instanceof Error && e.name === 'BackendError' && (e as Error & { code?: string }).code === code;

describe('backend process (from the extension host)', function () {
  this.timeout(30_000);

  it('version: onnxruntime-node as installed, cpu among the providers, its own process', async () => {
    const { api, extension } = await activeApi();
    const installed = JSON.parse(
      fs.readFileSync(path.join(extension.extensionPath, 'node_modules/onnxruntime-node/package.json'), 'utf8'),
    ) as { version: string };
    const v = await api.backend.request('version', {});
    assert.strictEqual(v.onnxruntimeNode, installed.version);
    assert.ok(
      v.backends.some((b) => b.name === 'cpu'),
      JSON.stringify(v.backends),
    );
    assert.notStrictEqual(v.pid, process.pid, 'the backend must not run inside the extension host');
    assert.strictEqual(v.pid, api.backend.pid);
    // Forked with the host's own executable: same Node version as the extension host.
    assert.strictEqual(v.node, process.versions.node);
  });

  it('the status command answers with the same versions', async () => {
    const { api } = await activeApi();
    const v = await vscode.commands.executeCommand<VersionInfo>('sslmem.backendStatus');
    assert.ok(v, 'sslmem.backendStatus returned nothing');
    assert.strictEqual(v.pid, api.backend.pid);
  });

  it('selfCheck reports progress, is cancelled by a CancellationTokenSource, and the backend stays usable', async () => {
    const { api } = await activeApi();
    const pid = (await api.backend.request('ping', {})).pid;
    const cts = new vscode.CancellationTokenSource();
    const steps: number[] = [];
    const job = api.backend.request(
      'selfCheck',
      { steps: 500, stepMs: 20 },
      {
        token: cts.token,
        onProgress: (p) => {
          steps.push(p.step);
          if (steps.length === 3) cts.cancel();
        },
      },
    );
    await assert.rejects(job, isCode('cancelled'));
    assert.deepStrictEqual(steps.slice(0, 3), [1, 2, 3]);
    assert.ok(steps.length < 10, `job kept running after cancel: ${steps.length} progress events`);
    assert.deepStrictEqual(api.backend.runningJobs, []);
    const after = await api.backend.request('ping', { echo: 'after cancel' });
    assert.strictEqual(after.echo, 'after cancel');
    assert.strictEqual(after.pid, pid, 'cancelling must not restart the backend');
  });

  it('"Cancel Running Job" cancels a job started elsewhere', async () => {
    const { api } = await activeApi();
    let progressed!: () => void;
    const firstProgress = new Promise<void>((r) => (progressed = r));
    const job = api.backend.request('selfCheck', { steps: 500, stepMs: 20 }, { label: 'it-job', onProgress: () => progressed() });
    await firstProgress;
    assert.deepStrictEqual(api.backend.runningJobs, ['it-job']);
    const cancelled = await vscode.commands.executeCommand<number>('sslmem.cancelJob');
    assert.strictEqual(cancelled, 1);
    await assert.rejects(job, isCode('cancelled'));
  });

  it('a killed backend fails its pending request clearly and restarts on the next request', async () => {
    const { api } = await activeApi();
    const before = (await api.backend.request('ping', {})).pid;
    const starts = api.backend.starts;
    const pending = api.backend.request('selfCheck', { steps: 500, stepMs: 20 });
    process.kill(before, 'SIGKILL');
    await assert.rejects(pending, (e: unknown) => isCode('backend-exited')(e) && /stopped unexpectedly/.test((e as Error).message));
    assert.strictEqual(api.backend.pid, undefined, 'no process until the next request');
    const v = await api.backend.request('version', {});
    assert.notStrictEqual(v.pid, before);
    assert.strictEqual(api.backend.starts, starts + 1);
  });
});
