import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { computeLocalResourceRoots, contentSecurityPolicy, datasetFolderOf, makeNonce, webviewPage } from '../../../src/ui/webviewHtml';

describe('localResourceRoots', () => {
  test('extension dist + media, run stores and dataset folders', () => {
    const roots = computeLocalResourceRoots('/ext', ['/ws/.sslmem/runs'], ['/data/cifar']);
    assert.deepEqual(roots.sort(), ['/data/cifar', '/ext/dist', '/ext/media', '/ws/.sslmem/runs']);
  });
  test('drops relative paths, empty strings and the filesystem root', () => {
    const roots = computeLocalResourceRoots('/ext', ['', 'relative/runs', '/'], ['./data', path.parse(process.cwd()).root]);
    assert.deepEqual(roots.sort(), ['/ext/dist', '/ext/media']);
  });
  test('removes duplicates and folders nested in another root, keeps siblings with a common prefix', () => {
    const roots = computeLocalResourceRoots(
      '/ext',
      ['/ws/runs', '/ws/runs/', '/ws/runs/a/thumbs'],
      ['/ws/runs-old', '/ext/dist/x', '/data/../data/set'],
    );
    assert.deepEqual(roots.sort(), ['/data/set', '/ext/dist', '/ext/media', '/ws/runs', '/ws/runs-old']);
  });
  test('a dataset given as a file serves its folder', () => {
    assert.equal(datasetFolderOf('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'), '/usr/share/datasets/fashion-mnist');
    assert.equal(datasetFolderOf('/data/images'), '/data/images');
  });
});

describe('webview page', () => {
  test('CSP: nothing by default, nonce-only scripts, styles and images from the webview origin', () => {
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc');
    assert.equal(
      csp,
      "default-src 'none'; img-src https://x.vscode-cdn.net; style-src https://x.vscode-cdn.net 'nonce-abc'; script-src 'nonce-abc'",
    );
    assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
  });
  test('nonces are fresh, long and attribute-safe', () => {
    const a = makeNonce(),
      b = makeNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  });
  test('page carries the CSP and the nonce on its script, and escapes attribute values', () => {
    const html = webviewPage({
      title: 'T<x>',
      cspSource: 'vscode-src',
      nonce: 'N1',
      scriptUri: 'https://s/a.js?x="1"',
      styleUris: ['https://s/a.css'],
    });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.match(html, /<script nonce="N1" src="https:\/\/s\/a.js\?x=&quot;1&quot;"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/s\/a.css"/);
    assert.match(html, /<title>T&lt;x&gt;<\/title>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});
