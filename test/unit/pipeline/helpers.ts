// Shared by the pipeline tests: small real datasets (copies of the shipped Fashion-MNIST demo PNGs), the CLI
// run with buffered output or as a real child process, and scores.csv parsing.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';
import { distDir } from '../foundation/distDir';

export const REPO = path.resolve(distDir(), '..');
export const DEMO = path.join(REPO, 'demo', 'fashion-mnist');
export const CLI = path.join(distDir(), 'cli.js');

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'sslmem-pipeline-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies the first `perClass` demo images of every class into `dir` (10 classes: 10 × perClass images). */
export function demoSubset(dir: string, perClass: number): string {
  for (const cls of readdirSync(DEMO).sort()) {
    mkdirSync(path.join(dir, cls), { recursive: true });
    for (const f of readdirSync(path.join(DEMO, cls)).sort().slice(0, perClass)) cpSync(path.join(DEMO, cls, f), path.join(dir, cls, f));
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The whole CLI in this process (stdout/stderr captured). */
export async function cli(argv: string[]): Promise<CliResult> {
  let stdout = '',
    stderr = '';
  const io: CliIO = {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    errIsTTY: false,
    distDir: distDir(),
    onInterrupt: () => () => {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** dist/cli.js as a real process; `done` resolves with its exit code (or signal) and output. */
export function spawnCli(args: string[]): {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
  });
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

export const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? '';

/** scores.csv rows as objects (the pipeline's own paths never need quoting; a quoted field would fail here). */
export function readScoresCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const header = head.split(',');
  return { header, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))) };
}
