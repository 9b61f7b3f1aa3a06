import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatOptions, parseArgs, UsageError } from '../../../src/cli/args';
import { renderBar } from '../../../src/cli/progress';

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
