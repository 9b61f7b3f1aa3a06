// Issue #11, items 6–11, 13, 17: values that used to run to "done" with meaningless numbers, or fail deep
// inside with an internal error, are refused up front with the field and the reason — and leave no run folder.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { validateResumeParams, validateRunParams } from '../../../src/backend/sslmemJobs';
import { concurrentFrom } from '../../../src/cli/executor';
import { BackendError } from '../../../src/protocol/backend';
import { resolvePreset } from '../../../src/engine/sslmem/config';
import { computeScores } from '../../../src/engine/sslmem/scores';
import { assertFiniteLosses } from '../../../src/engine/sslmem/finite';
import { checkSplitUsable, parseSplit } from '../../../src/engine/sslmem/split-load';
import { cli, demoSubset, tempDir } from '../pipeline/helpers';

const base = { data: '/d', preset: 'tiny', storeDir: '/w/runs' };
const refused = (overrides: unknown, pattern: RegExp) =>
  assert.throws(
    () => validateRunParams({ ...base, overrides }),
    (e: unknown) => e instanceof BackendError && e.code === 'invalid-params' && pattern.test(e.message),
    JSON.stringify(overrides),
  );

test('override allow-list: inherited keys (toString, constructor, valueOf, __proto__) are not settings', () => {
  for (const key of ['toString', 'constructor', 'valueOf', 'hasOwnProperty']) refused({ [key]: 1 }, new RegExp(`cannot override '${key}'`));
  refused(JSON.parse('{"__proto__": {"x": 1}}'), /cannot override '__proto__'/);
});

test('scoring and model options are checked field by field; {"scoring":{}} keeps the preset\'s scoring', () => {
  refused({ scoring: { pairs: -5 } }, /scoring\.pairs must be a whole number in \[1, 1024\], got -5/);
  refused({ scoring: { pairs: 2.5 } }, /scoring\.pairs/);
  refused({ scoring: { normalisation: 'log' } }, /scoring\.normalisation must be 'symmetric', 'range' or 'raw'/);
  refused({ scoring: { paris: 4 } }, /scoring\.paris is not a known option/);
  assert.deepEqual(resolvePreset('tiny', { scoring: {} } as never).scoring, resolvePreset('tiny').scoring);
  assert.equal(resolvePreset('tiny', { scoring: { pairs: 4 } } as never).scoring.batch, 100, 'a partial scoring object merges');
  refused(
    { model: { kind: 'smallCnn', options: { widht: 2 } } },
    /model\.options \(smallCnn\)\.widht is not a known option \(known: width, fcDim\)/,
  );
  refused({ model: { kind: 'smallCnn', options: { width: 400 } } }, /width must be a multiplier in \[1\/16, 16\], got 400/);
  refused({ model: { kind: 'smallCnn', options: { fcDim: 1e9 } } }, /fcDim must be a whole number in \[0, 65536\]/);
  refused({ model: { kind: 'smallCnn', options: { width: 16, fcDim: 65536 } } }, /model too large: about \d+ M parameters/);
  refused({ split: { candidates: -1 } }, /split\.candidates must be 0, a fraction/);
  refused({ snapshots: -1 }, /invalid value for 'snapshots'/);
  refused({ snapshots: 2.5 }, /invalid value for 'snapshots'/);
  refused({ snapshots: '10' }, /invalid value for 'snapshots'/);
  assert.throws(() => resolvePreset('tiny', { snapshots: 5000 }), /snapshots must be a whole number in \[0, 1000\], got 5000/);
  assert.equal(resolvePreset('tiny', { snapshots: 10 }).snapshots, 10);
});

test('NaN losses: a score stays NaN (never 0), and a scoring stage with NaN fails naming encoder and sample', () => {
  const s = computeScores({ lf: [NaN, 0.2, 0], lg: [0.5, 0.4, 0] });
  assert.ok(Number.isNaN(s.normalised[0]), `NaN loss gave score ${s.normalised[0]}`);
  assert.equal(s.normalised[2], 0);
  assert.throws(
    () =>
      assertFiniteLosses(
        'f',
        Float64Array.from([0.1, NaN, Infinity]),
        Int32Array.from([7, 9, 11]),
        Array.from({ length: 12 }, (_, i) => `img${i}.png`),
      ),
    /encoder f gave a non-finite alignment loss \(NaN\) for 2 of 3 samples, first img9\.png \(dataset index 9\)/,
  );
});

test('split files: {"subsets": null} and empty S_C/S_I get clear messages', () => {
  const ds = { n: 10, paths: Array.from({ length: 10 }, (_, i) => `${i}.png`), root: '/d' };
  assert.throws(() => parseSplit({ subsets: null }, ds), /"subsets" must be an object holding the lists S_S, S_C, S_I/);
  assert.throws(
    () => checkSplitUsable(parseSplit({ S_S: [0, 1, 2], S_C: [], S_I: [], S_E: [3] }, ds)),
    /S_C has 0 sample\(s\); SSLMem needs at least 2 in S_C and in S_I[\s\S]*S_I has 0/,
  );
});

test('CLI: --epochs 0 is a usage error (exit 2); a bad --set or an unusable split exits 1 and leaves no run folder', async (t) => {
  const dir = tempDir(t);
  const data = demoSubset(path.join(dir, 'data'), 2);
  let r = await cli(['run', '--data', data, '--preset', 'tiny', '--epochs', '0', '--workspace', dir, '--in-process']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--epochs must be a whole number >= 1, got 0/);
  r = await cli(['run', '--data', data, '--preset', 'tiny', '--snapshots', '-2', '--workspace', dir, '--in-process']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--snapshots must be a whole number >= 0, got -2/);
  r = await cli(['run', '--data', data, '--preset', 'tiny', '--set', '{"scoring":{"pairs":-5}}', '--workspace', dir, '--in-process']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /scoring\.pairs must be a whole number/);
  const split = path.join(dir, 'split.json');
  writeFileSync(split, JSON.stringify({ S_S: Array.from({ length: 18 }, (_, i) => i), S_C: [], S_I: [], S_E: [18, 19] }));
  r = await cli(['run', '--data', data, '--preset', 'tiny', '--split', split, '--workspace', dir, '--in-process']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /S_C has 0 sample/);
  const store = path.join(dir, '.sslmem', 'runs');
  assert.deepEqual(existsSync(store) ? readdirSync(store) : [], [], 'a failed run left a folder behind');
});

test('CLI: when every file is bad, the error itself summarises the skip reasons (no -v needed), no run folder', async (t) => {
  const dir = tempDir(t);
  const data = path.join(dir, 'bad');
  mkdirSync(data);
  for (let i = 0; i < 5; i++) writeFileSync(path.join(data, `note${i}.png`), 'not an image at all');
  writeFileSync(path.join(data, 'empty.png'), '');
  const r = await cli(['run', '--data', data, '--preset', 'tiny', '--workspace', dir, '--in-process']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no usable samples in .*bad: all 6 file\(s\) were skipped/);
  assert.match(r.stderr, /5 × not an image: content is not PNG/);
  assert.match(r.stderr, /1 × empty file \(0 bytes\) \(e\.g\. "empty\.png"\)/);
  assert.match(r.stderr, /--verbose to list every file/);
  assert.equal(existsSync(path.join(dir, '.sslmem', 'runs')) && readdirSync(path.join(dir, '.sslmem', 'runs')).length > 0, false);
});

test('whole-dataset params: mode, even encoders in 2..16, control >= 2, fdr in (0, 1); none of them in paper mode', () => {
  const invalid = (p: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(
      () => validateRunParams({ ...base, ...p }),
      (e: unknown) => e instanceof BackendError && e.code === 'invalid-params' && pattern.test(e.message),
      JSON.stringify(p),
    );
  invalid({ mode: 'subset' }, /mode must be 'paper' or 'whole'/);
  for (const encoders of [3, 0, 18, 2.5, '4']) invalid({ mode: 'whole', encoders }, /even number from 2 to 16/);
  for (const control of [1, -3, 0.5]) invalid({ mode: 'whole', control }, /control must be a whole number >= 2/);
  for (const fdr of [0, 1, -0.1, '0.1']) invalid({ mode: 'whole', fdr }, /fdr must be a number in \(0, 1\)/);
  invalid({ encoders: 4 }, /belong to mode 'whole'/);
  invalid({ mode: 'whole', splitFile: '/s.json' }, /takes no split file/);
  const ok = validateRunParams({ ...base, mode: 'whole', encoders: 6, control: 30, fdr: 0.05 });
  assert.deepEqual([ok.mode, ok.encoders, ok.control, ok.fdr], ['whole', 6, 30, 0.05]);
  assert.equal(validateRunParams({ ...base }).mode, 'paper');
});

test('concurrentTraining: a whole number from 1 to 16 (run and resume); the CLI says so too, and not with Slurm', () => {
  for (const concurrentTraining of [0, 17, 1.5, '2', -1])
    assert.throws(
      () => validateRunParams({ ...base, concurrentTraining }),
      (e: unknown) =>
        e instanceof BackendError &&
        e.code === 'invalid-params' &&
        /concurrentTraining must be a whole number from 1 to 16/.test(e.message),
      String(concurrentTraining),
    );
  assert.equal(validateRunParams({ ...base, concurrentTraining: 2 }).concurrentTraining, 2);
  assert.equal(validateRunParams({ ...base }).concurrentTraining, undefined);
  assert.throws(() => validateResumeParams({ runDir: '/r', concurrentTraining: 0 }), /concurrentTraining must be/);
  assert.equal(validateResumeParams({ runDir: '/r', concurrentTraining: 3 }).concurrentTraining, 3);
  assert.equal(concurrentFrom({}), undefined);
  assert.equal(concurrentFrom({ concurrent: 2 }), 2);
  assert.throws(() => concurrentFrom({ concurrent: 0 }), /--concurrent must be a whole number from 1 to 16, got 0/);
  assert.throws(() => concurrentFrom({ concurrent: 2, executor: 'slurm' }), /--concurrent belongs to the local executor/);
});
