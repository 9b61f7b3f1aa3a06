// The run index reads real folders written here (a temp run store), including broken ones.
import { describe, test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveRunStoreFolders } from '../../../src/ui/runIndex';
import { listRuns } from '../../../src/engine/runs/list';

describe('run index', () => {
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslmem-runindex-'));
    const store = path.join(tmp, 'runs');
    const write = (id: string, body: string) => {
      fs.mkdirSync(path.join(store, id), { recursive: true });
      fs.writeFileSync(path.join(store, id, 'manifest.json'), body);
    };
    write('old', JSON.stringify({ status: 'done', preset: 'quick', dataset: { path: '/data/fm' }, createdAt: '2025-01-01T00:00:00Z' }));
    write(
      'new',
      JSON.stringify({
        id: 'run-new',
        status: 'running',
        config: { preset: 'paper-cifar10' },
        datasetPath: '/data/c10',
        createdAt: '2025-06-01T00:00:00Z',
      }),
    );
    write('broken', '{ not json');
    write('odd', JSON.stringify({ status: 5, preset: ['x'] }));
    fs.mkdirSync(path.join(store, 'no-manifest'));
    fs.writeFileSync(path.join(store, 'stray.txt'), 'not a run');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('lists run folders with a manifest, newest first, fields only when well-typed', async () => {
    const runs = await listRuns([path.join(tmp, 'runs'), path.join(tmp, 'missing-store')]);
    assert.deepEqual(
      runs.map((r) => r.id),
      ['run-new', 'old', 'broken', 'odd'],
    );
    assert.equal(runs[0].preset, 'paper-cifar10');
    assert.equal(runs[0].dataset, '/data/c10');
    assert.equal(runs[1].dataset, '/data/fm');
    assert.equal(runs[1].status, 'done');
    assert.match(runs[2].problem ?? '', /not valid JSON/);
    assert.equal(runs[3].status, undefined);
    assert.equal(runs[3].preset, undefined);
    assert.equal(runs[1].manifestPath, path.join(tmp, 'runs', 'old', 'manifest.json'));
  });

  test('run-store setting resolves per workspace folder; absolute wins; empty means default', () => {
    assert.deepEqual(resolveRunStoreFolders('.sslmem/runs', ['/a', '/b']), ['/a/.sslmem/runs', '/b/.sslmem/runs']);
    assert.deepEqual(resolveRunStoreFolders('/abs/runs', ['/a', '/b']), ['/abs/runs']);
    assert.deepEqual(resolveRunStoreFolders('  ', ['/a']), ['/a/.sslmem/runs']);
    assert.deepEqual(resolveRunStoreFolders('runs', []), []);
  });
});
