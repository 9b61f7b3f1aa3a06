#!/usr/bin/env node
// `npm test`: build with tests, type-check, lint and check formatting, then run the suites, each even if an
// earlier one failed:
//   unit         node's test runner over dist/test/unit/ (engine code, no VS Code)
//   integration  mocha inside a real VS Code extension host (code-server + chromium; see scripts/test-host/)
//   ui           workbench scenarios driven through chromium, screenshots in test-results/ui/
//   slurm        the Slurm executor against a real single-node Slurm (test/slurm/; its daemons are started and
//                stopped by the tests through scripts/test-host/slurm.sh, which installs Debian's packages)
// The test host is installed first by scripts/test-host/setup.sh (idempotent; seconds when already there).
// Prints each suite's summary and ends with a plain `N passed, N failed` line (totals over all suites; a suite
// that crashed or ran no tests counts as one failure). Exit code non-zero if anything failed.
// SSLMEM_TEST_SUITES=unit,integration,ui,slurm (default all) runs only the named suites, e.g. while iterating.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;

/**
 * Runs a command with inherited stdin closed, echoing and capturing its output. Past `limitSecs` the whole
 * process group is killed and the result says so: a hung suite fails CI in bounded time instead of eating
 * its 90 minutes. The limits are about three times what each suite takes on a quiet 2-core machine, so a
 * loaded machine still passes.
 */
let current = null; // the running suite's process group, ended with us on Ctrl-C (it is detached)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current)
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    process.exit(130);
  });
}

function run(cmd, args, limitSecs = 0) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env, detached: true });
    current = child;
    let text = '';
    let timedOut = false;
    const timer =
      limitSecs > 0
        ? setTimeout(() => {
            timedOut = true;
            text += `\nkilled after its limit of ${limitSecs} s\n`;
            console.log(`[test-all] ${cmd} ${args.join(' ')}: killed after its limit of ${limitSecs} s`);
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              /* already gone */
            }
          }, limitSecs * 1000)
        : null;
    for (const [stream, sink] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      stream.on('data', (d) => {
        text += d;
        sink.write(d);
      });
    }
    child.on('error', (e) => {
      text += String(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      current = null;
      resolve({ code: code ?? (signal ? 128 : 1), text, secs: (Date.now() - t0) / 1000, timedOut });
    });
  });
}

const lastNumber = (text, re) => {
  const all = [...text.matchAll(re)];
  return all.length ? Number(all.at(-1)[1]) : undefined;
};

// How each suite reports its counts: node's test runner (`ℹ pass N` in spec, `# pass N` in TAP), mocha's spec
// reporter (`N passing`, `N failing`), and the UI runner (`N passed, N failed`).
const parsers = {
  node: (t) => ({
    passed: lastNumber(t, /^[#ℹ]\s*pass (\d+)/gm),
    failed: (lastNumber(t, /^[#ℹ]\s*fail (\d+)/gm) ?? 0) + (lastNumber(t, /^[#ℹ]\s*cancelled (\d+)/gm) ?? 0),
  }),
  mocha: (t) => ({ passed: lastNumber(t, /^\s*(\d+) passing\b/gm), failed: lastNumber(t, /^\s*(\d+) failing\b/gm) ?? 0 }),
  ui: (t) => ({ passed: lastNumber(t, /^(\d+) passed, \d+ failed$/gm), failed: lastNumber(t, /^\d+ passed, (\d+) failed$/gm) ?? 0 }),
};

// What Prettier formats: the code (docs and data stay as written).
const FORMATTED = ['src', 'webview', 'test', 'scripts', 'bench', 'media/*.css', '*.mjs'];

const selected = new Set((process.env.SSLMEM_TEST_SUITES || 'unit,integration,ui,slurm').split(',').map((x) => x.trim()));
const banner = (s) => console.log(`\n${'='.repeat(20)} ${s} ${'='.repeat(20)}`);
const suites = [];

banner('build (with tests)');
const build = await run(node, ['scripts/build.mjs', '--tests']);
if (build.code !== 0) console.log(`build failed (exit ${build.code}); the suites below run on whatever dist/ holds`);

async function suite(name, cmd, args, parse, limitSecs) {
  if (!selected.has(name)) return;
  banner(`${name} tests (limit ${limitSecs} s)`);
  const r = await run(cmd, args, limitSecs);
  const { passed, failed } = parse(r.text);
  const problems = [];
  if (r.timedOut) problems.push(`killed after its limit of ${limitSecs} s`);
  if (passed === undefined) problems.push('no test summary in its output');
  else if (passed + failed === 0) problems.push('ran no tests');
  if (r.code !== 0 && !failed) problems.push(`exited with code ${r.code}`);
  const s = { name, passed: passed ?? 0, failed: failed + (problems.length ? 1 : 0), secs: r.secs, problems, code: r.code };
  suites.push(s);
  console.log(
    `[${name}] ${s.passed} passed, ${failed} failed in ${r.secs.toFixed(1)}s${problems.length ? ` — SUITE PROBLEM: ${problems.join('; ')}` : ''}`,
  );
}

// esbuild does not type-check; `tsc --noEmit` (strict) does, and a type error fails the run.
banner('typecheck (tsc --noEmit, strict)');
const typecheck = await run(node, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
console.log(`typecheck ${typecheck.code === 0 ? 'ok' : 'FAILED'} in ${typecheck.secs.toFixed(1)}s`);

// Lint rules (eslint.config.mjs) and formatting (Prettier, .prettierrc.json): a finding fails the run like a
// type error. `npm run format` fixes formatting; `npm run lint` lists the findings.
banner('lint (eslint) and format check (prettier)');
const lint = await run(node, ['node_modules/eslint/bin/eslint.js', '--max-warnings', '0', '.']);
console.log(`lint ${lint.code === 0 ? 'ok' : 'FAILED'} in ${lint.secs.toFixed(1)}s`);
const format = await run(node, ['node_modules/prettier/bin/prettier.cjs', '--check', ...FORMATTED]);
console.log(`format ${format.code === 0 ? 'ok' : 'FAILED (npm run format fixes it)'} in ${format.secs.toFixed(1)}s`);

// Limits: quiet-machine times (unit ~90 s, integration ~75 s, ui ~300 s for six scenarios) times three or more.
await suite('unit', node, ['--test', '--test-reporter=spec', 'dist/test/unit/'], parsers.node, 900);

const needsHost = selected.has('integration') || selected.has('ui');
let setup = { code: 0, secs: 0 };
if (needsHost) {
  banner('test host (scripts/test-host/setup.sh)');
  setup = await run('bash', ['scripts/test-host/setup.sh']);
}
if (setup.code !== 0) console.log(`test host setup failed (exit ${setup.code}); the in-host suites will fail`);

// Slurm's packages for the slurm suite and the slurm-runs-tree UI scenario (apt-get the first time only; outside
// every suite's limit, after the test host's own apt-get).
let slurmSetup = { code: 0, secs: 0 };
if (selected.has('slurm') || selected.has('ui')) {
  banner('Slurm packages (scripts/test-host/slurm.sh install)');
  slurmSetup = await run('bash', ['scripts/test-host/slurm.sh', 'install']);
}

// The in-host runner also has its own limit (TEST_TIMEOUT_MS, 600 s), and each UI scenario its own.
await suite('integration', node, ['scripts/test-host/run-integration-tests.js'], parsers.mocha, 900);
await suite('ui', node, ['scripts/test-host/run-ui-tests.js'], parsers.ui, 1500);

// ~50 s on a quiet 2-core machine (four tiny runs through sbatch, one local reference run).
await suite('slurm', node, ['--test', '--test-reporter=spec', 'dist/test/slurm/'], parsers.node, 300);

banner('summary');
console.log(
  `build ${build.code === 0 ? 'ok' : 'FAILED'} (${build.secs.toFixed(1)}s), typecheck ${typecheck.code === 0 ? 'ok' : 'FAILED'} (${typecheck.secs.toFixed(1)}s), lint ${lint.code === 0 ? 'ok' : 'FAILED'}, format ${format.code === 0 ? 'ok' : 'FAILED'}, test host setup ${setup.code === 0 ? 'ok' : 'FAILED'} (${setup.secs.toFixed(1)}s), Slurm packages ${slurmSetup.code === 0 ? 'ok' : 'FAILED'} (${slurmSetup.secs.toFixed(1)}s)`,
);
for (const s of suites) {
  console.log(
    `${s.name.padEnd(12)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(4)} failed  ${s.secs.toFixed(1).padStart(6)}s${s.problems.length ? '  (' + s.problems.join('; ') + ')' : ''}`,
  );
}
const passed = suites.reduce((n, s) => n + s.passed, 0);
const failed =
  suites.reduce((n, s) => n + s.failed, 0) +
  (build.code !== 0 ? 1 : 0) +
  (typecheck.code !== 0 ? 1 : 0) +
  (lint.code !== 0 ? 1 : 0) +
  (format.code !== 0 ? 1 : 0) +
  (setup.code !== 0 ? 1 : 0) +
  (slurmSetup.code !== 0 ? 1 : 0);
if (suites.length === 0) console.log(`no suites selected by SSLMEM_TEST_SUITES=${process.env.SSLMEM_TEST_SUITES}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || suites.length === 0 ? 1 : 0);
