import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatOptions, parseArgs, UsageError } from '../../../src/cli/args';
import { StageProgress, renderBar } from '../../../src/cli/progress';

const spec = {
  steps: { type: 'number', short: 'n', description: 'steps' },
  name: { type: 'string', description: 'a name' },
  json: { type: 'boolean', description: 'json' },
} as const;

describe('CLI argument parser', () => {
  test('parses long, inline, short, boolean and positional arguments', () => {
    const r = parseArgs(['a', '--steps', '5', '--name=x=y', '-n', '7', '--json', 'b'], spec);
    assert.deepEqual(r.positionals, ['a', 'b']);
    assert.deepEqual(r.options, { steps: 7, name: 'x=y', json: true });
  });
  test('--no-flag, --flag=false and -- work', () => {
    assert.deepEqual(parseArgs(['--no-json'], spec).options, { json: false });
    assert.deepEqual(parseArgs(['--json=false'], spec).options, { json: false });
    assert.deepEqual(parseArgs(['--', '--json', '-n'], spec), { options: {}, positionals: ['--json', '-n'] });
  });
  test('rejects unknown options, missing values and non-numbers', () => {
    assert.throws(() => parseArgs(['--stpes', '3'], spec), UsageError);
    assert.throws(() => parseArgs(['-x'], spec), UsageError);
    assert.throws(() => parseArgs(['--steps'], spec), /needs a value/);
    assert.throws(() => parseArgs(['--steps', 'five'], spec), /must be a number/);
    assert.throws(() => parseArgs(['--steps='], spec), /must be a number/);
    assert.throws(() => parseArgs(['--json=yes'], spec), UsageError);
    assert.throws(() => parseArgs(['--no-steps'], spec), UsageError); // --no- only for booleans
  });
  test('help text lists every option with its placeholder', () => {
    const text = formatOptions(spec);
    assert.match(text, /-n, --steps <number>\s+steps/);
    assert.match(text, /--json\s+json/);
    assert.equal(text.split('\n').length, 3);
  });
  test('progress bar clamps and rounds', () => {
    assert.equal(renderBar(0, 10, 10), '[----------]   0%');
    assert.equal(renderBar(5, 10, 10), '[#####-----]  50%');
    assert.equal(renderBar(12, 10, 10), '[##########] 100%');
    assert.equal(renderBar(1, 0, 4), '[----]   0%');
  });
});

describe('StageProgress (stages running at the same time)', () => {
  test('not a terminal: one line per 10% step of each stage, however the stages interleave', () => {
    const lines: string[] = [];
    const p = new StageProgress((t) => lines.push(t), false);
    for (let step = 1; step <= 20; step++) {
      p.update('train_f', step, 20, `train_f step ${step}`);
      p.update('train_g', step, 20, `train_g step ${step}`);
    }
    assert.equal(lines.filter((l) => l.includes('train_f')).length, 11); // 0%..100%: deciles 0 to 10
    assert.equal(lines.filter((l) => l.includes('train_g')).length, 11);
    assert.ok(lines.every((l) => l.endsWith('\n')));
  });
  test('a terminal: one line in place with every running stage and their combined bar; an ended stage leaves it', () => {
    let out = '';
    const p = new StageProgress((t) => (out += t), true);
    p.update('train_f', 5, 10, 'f 5/10');
    p.update('train_g', 1, 10, 'g 1/10');
    assert.ok(out.endsWith(`\r\x1b[2K${renderBar(6, 20)} f 5/10  |  g 1/10`), JSON.stringify(out));
    p.end('train_f');
    p.update('train_g', 2, 10, 'g 2/10');
    assert.ok(out.endsWith(`\r\x1b[2K${renderBar(2, 10)} g 2/10`));
    p.finish();
    assert.ok(out.endsWith('\n'));
    const before = out.length;
    p.finish();
    assert.equal(out.length, before, 'a second finish adds no empty line');
  });
});
