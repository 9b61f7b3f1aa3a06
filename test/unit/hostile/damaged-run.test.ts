// Issue #11, item 16: a damaged run folder is named and noticed — broken manifest JSON names the file; a
// truncated scores.csv makes export fail (not pass it through) and sends resume back to the report stage.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeSyntheticRun } from '../../../bench/synthetic-run';
import { openRun } from '../../../src/engine/runs';
import { reopenDamagedReport } from '../../../src/engine/sslmem/report/results-check';
import { cli, DEMO, tempDir } from '../pipeline/helpers';

test('export refuses a truncated scores.csv (exit 1, says how to rebuild); an intact one exports', async (t) => {
  const dir = tempDir(t);
  const runDir = await writeSyntheticRun(path.join(dir, '.sslmem', 'runs'), DEMO, 50, 1);
  let r = await cli(['export', runDir, '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  const csv = readFileSync(path.join(runDir, 'scores.csv'), 'utf8');
  writeFileSync(path.join(runDir, 'scores.csv'), csv.slice(0, Math.floor(csv.length / 2)));
  r = await cli(['export', runDir, '--format', 'csv']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /scores\.csv is truncated .*sslmem resume/);
  const lines = csv.split('\n');
  writeFileSync(path.join(runDir, 'scores.csv'), lines.slice(0, 20).join('\n') + '\n'); // whole lines, but too few
  r = await cli(['export', runDir, '--format', 'json']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has 19 rows, expected 50/);
});

test('resume notices damaged results: the report stage goes back to pending', async (t) => {
  const dir = tempDir(t);
  const runDir = await writeSyntheticRun(path.join(dir, '.sslmem', 'runs'), DEMO, 50, 1);
  assert.equal(await reopenDamagedReport(await openRun(runDir), 'report'), false, 'intact results were reopened');
  const csv = readFileSync(path.join(runDir, 'scores.csv'), 'utf8');
  writeFileSync(path.join(runDir, 'scores.csv'), csv.slice(0, csv.length - 10));
  const logs: string[] = [];
  assert.equal(await reopenDamagedReport(await openRun(runDir), 'report', (m) => logs.push(m)), true);
  assert.equal((await openRun(runDir)).manifest.stages.report.status, 'pending');
  assert.match(logs.join('\n'), /scores\.csv is truncated/);
});

test('resume of a manifest with broken JSON names the file', async (t) => {
  const dir = tempDir(t);
  const runDir = await writeSyntheticRun(path.join(dir, '.sslmem', 'runs'), DEMO, 20, 1);
  writeFileSync(path.join(runDir, 'manifest.json'), '{"format": "sslmem-run", "id": ');
  const r = await cli(['resume', runDir, '--in-process']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${path.join(runDir, 'manifest.json').replace(/[/\\.]/g, '\\$&')} is not valid JSON`));
});
