// Headless front door (bundled to dist/cli.js, package.json bin `sslmem`). Wires the real process streams
// and Ctrl-C into runCli; everything else lives under src/cli/.
import { runCli } from './cli/main';

const interruptHandlers = new Set<() => void>();
process.on('SIGINT', () => {
  if (interruptHandlers.size === 0) process.exit(130); // nothing to cancel: behave like any CLI
  for (const h of [...interruptHandlers]) h();
});

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
  (code) => { process.exitCode = code; },
  (err: unknown) => { process.stderr.write(`sslmem: ${err instanceof Error ? err.stack : String(err)}\n`); process.exitCode = 1; },
);
