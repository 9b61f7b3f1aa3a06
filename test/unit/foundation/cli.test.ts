// The whole CLI through runCli (buffered IO) and once as a real process (dist/cli.js), including Ctrl-C.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';
import { distDir } from './distDir';

function bufferedIO(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: false,
    distDir: distDir(),
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    onInterrupt: () => () => {},
  };
  return io;
}

describe('CLI', () => {
  test('version --json prints the backend versions', async () => {
    const io = bufferedIO();
    assert.equal(await runCli(['version', '--json'], io), 0);
    const info = JSON.parse(io.stdout) as { onnxruntimeNode: string; backends: { name: string }[] };
    assert.equal(info.onnxruntimeNode, (require('onnxruntime-node/package.json') as { version: string }).version);
    assert.ok(info.backends.some((b) => b.name === 'cpu'));
  });
  test('self-check --in-process reports progress lines and success', async () => {
    const io = bufferedIO();
    assert.equal(await runCli(['self-check', '--in-process', '--steps', '4', '--step-ms', '1'], io), 0);
    assert.match(io.stdout, /self-check passed: 4 steps/);
    assert.match(io.stderr, /100% step 4\/4/);
  });
  test('unknown commands and bad options fail with exit code 2 and a clear message', async () => {
    let io = bufferedIO();
    assert.equal(await runCli(['frobnicate'], io), 2);
    assert.match(io.stderr, /unknown command 'frobnicate'/);
    io = bufferedIO();
    assert.equal(await runCli(['self-check', '--stpes', '3'], io), 2);
    assert.match(io.stderr, /unknown option '--stpes'[\s\S]*usage: sslmem self-check/);
  });
  test('help lists every command; help <cmd> shows its options', async () => {
    const io = bufferedIO();
    assert.equal(await runCli(['help'], io), 0);
    for (const name of ['version', 'self-check', 'help']) assert.match(io.stdout, new RegExp(`^  ${name} `, 'm'));
    const one = bufferedIO();
    assert.equal(await runCli(['help', 'self-check'], one), 0);
    assert.match(one.stdout, /--step-ms <ms>/);
  });
  test('Ctrl-C cancels a running self-check: exit 130, backend child gone', async () => {
    const child = spawn(
      process.execPath,
      [path.join(distDir(), 'cli.js'), 'self-check', '--steps', '200', '--step-ms', '20', '--verbose'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      // Not a TTY: one progress line per 10%, so the first line (step 1) is the cue.
      if (/step 1\/200/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /self-check cancelled/);
    assert.doesNotMatch(stderr, /100% step/);
    const backendPid = Number(/backend started: pid (\d+)/.exec(stderr)?.[1]);
    assert.ok(backendPid > 0, stderr);
    // The backend exits when its parent's IPC channel closes; give it a moment, then it must be gone.
    await new Promise((r) => setTimeout(r, 300));
    assert.throws(() => process.kill(backendPid, 0), /ESRCH/);
  });
});
