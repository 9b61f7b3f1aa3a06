// The CLI's failure modes (clear message + exit code), a user-given split reproduced exactly, and stale
// 'running' runs (their process is gone) reported and resumed as interrupted.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../../src/engine/sslmem/pipeline';
import { listRuns, openRun, createRun, isStaleRunning } from '../../../src/engine/runs';
import { jobs } from '../../../src/backend/jobs';
import { BackendError } from '../../../src/protocol/backend';
import { cli, demoSubset, lastLine, spawnCli, tempDir } from './helpers';

describe('CLI errors', () => {
  test('run: missing dataset -> exit 1 naming the path; unknown preset -> exit 1 listing presets; no --data -> exit 2', async (t) => {
    const dir = tempDir(t);
    const missing = path.join(dir, 'no-such-folder');
    let r = await cli(['run', '--data', missing, '--preset', 'tiny', '--workspace', dir, '--in-process']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`dataset not found: ${missing.replace(/[/\\.]/g, '\\$&')}`));
    r = await cli(['run', '--data', dir, '--preset', 'huge', '--workspace', dir, '--in-process']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown preset 'huge' \(known: quick, tiny, paper-cifar10/);
    r = await cli(['run', '--preset', 'tiny']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--data is required[\s\S]*usage: sslmem run/);
  });

  test('score / report / export: usage mistakes exit 2, missing files exit 1, each with a clear message', async (t) => {
    const dir = tempDir(t);
    let r = await cli(['score', '--f', 'f.onnx']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing --g, --data, --split/);
    r = await cli(['score', '--run', dir, '--f', 'f.onnx']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /takes no --f/);
    r = await cli([
      'score',
      '--f',
      path.join(dir, 'f.onnx'),
      '--g',
      path.join(dir, 'g.onnx'),
      '--data',
      dir,
      '--split',
      path.join(dir, 's.json'),
      '--in-process',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /f\.onnx: cannot read the encoder/);
    writeFileSync(path.join(dir, 'f.onnx'), 'not a model');
    r = await cli([
      'score',
      '--f',
      path.join(dir, 'f.onnx'),
      '--g',
      path.join(dir, 'f.onnx'),
      '--data',
      dir,
      '--split',
      path.join(dir, 's.json'),
      '--in-process',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /f\.onnx: not a model onnxruntime can load/);
    r = await cli(['score', '--run', dir, '--in-process']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a readable run folder/);
    r = await cli(['report', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a run folder \(no manifest\.json\)/);
    r = await cli(['export', dir, '--format', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be csv or json/);
  });
});

describe('Ctrl-C', () => {
  test('SIGINT during training: exit 130, resume hint, last stdout line is the (interrupted) run folder', async (t) => {
    const dir = tempDir(t);
    const data = demoSubset(path.join(dir, 'data'), 4);
    const run = spawnCli(['run', '--data', data, '--preset', 'tiny', '--epochs', '50', '--workspace', dir, '--ep', 'cpu']);
    const watcher = setInterval(() => {
      if (/train_f step/.test(run.stderr())) {
        clearInterval(watcher);
        run.child.kill('SIGINT');
      }
    }, 20);
    const r = await run.done;
    clearInterval(watcher);
    assert.equal(r.code, 130, r.stderr);
    const runDir = lastLine(r.stdout);
    assert.match(r.stderr, new RegExp(`resume with: sslmem resume ${runDir.replace(/[/\\.]/g, '\\$&')}`));
    assert.equal(JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8')).status, 'interrupted');
  });
});

describe('backend scoreImported params', () => {
  test('valid params pass through; each bad field is refused as invalid-params naming it', () => {
    const ok = { f: '/m/f.onnx', g: '/m/g.onnx', data: '/d', splitFile: '/s.json', storeDir: '/w/runs' };
    assert.deepEqual(jobs.scoreImported.validate({ ...ok, pairs: 4 }), {
      ...ok,
      pairs: 4,
      cacheDir: undefined,
      seed: undefined,
      augment: undefined,
      batch: undefined,
      provider: 'auto',
      threads: undefined,
    });
    for (const [bad, field] of [
      [{ f: '' }, 'f'],
      [{ splitFile: 3 }, 'splitFile'],
      [{ pairs: 0 }, 'pairs'],
      [{ pairs: 1.5 }, 'pairs'],
      [{ augment: 'rotate' }, 'augment'],
      [{ provider: 'tpu' }, 'provider'],
    ] as const) {
      assert.throws(
        () => jobs.scoreImported.validate({ ...ok, ...bad }),
        (e: unknown) => e instanceof BackendError && e.code === 'invalid-params' && e.message.startsWith(field),
      );
    }
  });
});

describe('user-given split', () => {
  test('--split with sample paths is reproduced exactly (the split stage alone, then cancelled)', async (t) => {
    const dir = tempDir(t);
    const data = demoSubset(path.join(dir, 'data'), 6);
    // A deliberately odd split: S_E holds whole classes, the rest alternate; one file left out of every subset.
    const classes = ['ankle-boot', 'bag', 'coat', 'dress', 'pullover', 'sandal', 'shirt', 'sneaker', 'trouser', 'tshirt-top'];
    const files = classes.flatMap((c) =>
      readdirSync(path.join(data, c))
        .sort()
        .map((f) => `${c}/${f}`),
    );
    const given = { S_S: [] as string[], S_C: [] as string[], S_I: [] as string[], S_E: [] as string[] };
    files
      .slice(1)
      .forEach((p, i) =>
        (p.startsWith('bag/') || p.startsWith('coat/') ? given.S_E : [given.S_S, given.S_S, given.S_C, given.S_I][i % 4]).push(p),
      );
    const splitFile = path.join(dir, 'split.json');
    writeFileSync(splitFile, JSON.stringify(given));
    const abort = new AbortController();
    const out = await startRun(
      { data, preset: 'tiny', storeDir: path.join(dir, 'runs'), splitFile },
      { provider: 'cpu' },
      {
        signal: abort.signal,
        onEvent: (e) => {
          if (e.kind === 'stage' && e.stage === 'split' && e.status === 'done') abort.abort();
        },
      },
    );
    assert.equal(out.status, 'cancelled');
    const saved = JSON.parse(readFileSync(path.join(out.runDir, 'split.json'), 'utf8'));
    for (const s of ['S_S', 'S_C', 'S_I', 'S_E'] as const) assert.deepEqual([...saved.paths[s]].sort(), [...given[s]].sort(), s);
    assert.equal(saved.seed, null);
    const m = (await openRun(out.runDir)).manifest;
    assert.deepEqual(m.subsetSizes, { S_S: given.S_S.length, S_C: given.S_C.length, S_I: given.S_I.length, S_E: given.S_E.length });
    assert.equal(m.status, 'interrupted');
    assert.deepEqual((await openRun(out.runDir)).pendingStages(), ['train_f', 'train_g', 'score_f', 'score_g', 'report']);
    // An unfinished run has nothing to report or re-score yet; both say how to finish it.
    let r = await cli(['report', out.runDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has no report\.md \(status: interrupted\); finish it with: sslmem resume/);
    r = await cli(['score', '--run', out.runDir, '--pairs', '3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has not finished train_f, train_g; resume it first/);
  });
});

describe('stale running runs', () => {
  const init = {
    preset: 'tiny',
    dataset: { path: '/x', fingerprint: null },
    config: {},
    seeds: { split: 0, pairs: [{ f: 0, g: 0 }] },
    versions: {},
    executionProvider: 'cpu',
  };
  test('a run whose process died is listed and resumed as interrupted; a live one is refused', async (t) => {
    const dir = tempDir(t);
    const store = path.join(dir, 'runs');
    mkdirSync(store);
    // A pid that surely is not running any more: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const run = await createRun(store, init);
    await run.startStage('split');
    await run.update((m) => {
      m.owner = { pid: deadPid, host: hostname() };
    });
    assert.equal((await listRuns(store))[0].status, 'interrupted');
    assert.equal(isStaleRunning((await openRun(run.dir)).manifest), true);
    const reopened = await openRun(run.dir);
    assert.equal(await reopened.recoverIfStale(), true);
    assert.equal(reopened.manifest.status, 'interrupted');
    assert.equal(reopened.manifest.stages.split.status, 'pending');

    const live = await createRun(store, init);
    await live.startStage('split'); // owned by this (live) process
    assert.equal((await listRuns(store)).find((s) => s.id === live.id)?.status, 'running');
    await assert.rejects((await openRun(live.dir)).recoverIfStale(), /is being executed by process/);
  });
});
