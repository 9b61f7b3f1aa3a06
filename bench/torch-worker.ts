// The PyTorch side of the benchmark as a long-lived child process (scripts/oracle/torch_bench.py), so
// engine and PyTorch steps can alternate within one run: both see the same machine load.
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, Interface } from 'node:readline';

/** Debian's torch uses the system libblas; a reference BLAS makes its Linear layers unfairly slow. */
export function torchBlasDir(): string | null {
  const candidates = [process.env.TORCH_BLAS_DIR, '/usr/lib/x86_64-linux-gnu/openblas-pthread'];
  return candidates.find((d): d is string => !!d && existsSync(d)) ?? null;
}

export class TorchWorker {
  private proc: ChildProcessWithoutNullStreams;
  private lines: Interface;
  private pending: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';

  constructor(root: string, threads: number) {
    const blas = torchBlasDir();
    const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
    if (blas) env.LD_LIBRARY_PATH = [blas, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    this.proc = spawn('/usr/bin/python3', [join(root, 'scripts/oracle/torch_bench.py')], { env });
    this.proc.stderr.on('data', (d) => {
      this.stderr += d;
    });
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (l) => this.pending.shift()?.resolve(l));
    this.proc.on('exit', (code) => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`torch_bench.py exited (${code}): ${this.stderr.slice(-2000)}`));
    });
  }

  async call<T>(cmd: Record<string, unknown>): Promise<T> {
    const reply = new Promise<string>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    return JSON.parse(await reply) as T;
  }

  async close(): Promise<void> {
    this.proc.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    await new Promise((r) => this.proc.once('exit', r));
  }
}
