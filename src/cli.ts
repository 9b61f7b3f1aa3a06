// Headless front door (bundled to dist/cli.js, package.json bin `sslmem`). Wires the real process streams
// and Ctrl-C into runCli; everything else lives under src/cli/.
import { runCli } from './cli/main';

const interruptHandlers = new Set<() => void>();
// SIGTERM is how Slurm cancels or preempts a task (scancel, then SIGKILL after KillWait): like Ctrl-C, the
// stage stops after its current step and keeps its checkpoint for the resubmission.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (interruptHandlers.size === 0) process.exit(code); // nothing to cancel: behave like any CLI
    for (const h of [...interruptHandlers]) h();
  });
}

runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: Boolean(process.stderr.isTTY),
  distDir: __dirname,
  onInterrupt(handler) {
    interruptHandlers.add(handler);
    return () => interruptHandlers.delete(handler);
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sslmem: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
