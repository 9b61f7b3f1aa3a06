// ARCHITECTURE.md's rules, checked on the source: the engine never imports vscode (nor the layers above it),
// the UI and the webviews never load onnxruntime-node, the engine's folders import only downwards, and no
// file in src/ or webview/ is part of an import cycle. A failure names the offending import.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { distDir } from './distDir';
import { buildImportGraph, cyclesOf, reachable, specifiersOf } from './importGraph';

const repo = path.resolve(distDir(), '..');
const src = path.join(repo, 'src');
const engine = path.join(src, 'engine');
const graph = buildImportGraph([src, path.join(repo, 'webview')]);
const rel = (f: string) => path.relative(repo, f);
const under = (dir: string) => [...graph.files.keys()].filter((f) => f.startsWith(dir + path.sep));

/**
 * The engine's layers, bottom first (ARCHITECTURE.md, "Layers"). A folder may import its own files and the
 * folders of lower layers; folders that share a layer do not import each other.
 */
const ENGINE_LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['graph'],
  ['models'],
  ['methods', 'augment'],
  ['data'],
  ['artifacts'],
  ['runtime'],
  ['runs'],
  ['sslmem'],
  ['layers'],
];
const layerOf = new Map(ENGINE_LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
const engineFolder = (f: string) => path.relative(engine, f).split(path.sep)[0];

/** Parts of sslmem/ that must stay apart: the experiments build on the method, not on each other. */
const SSLMEM_FORBIDDEN: Record<string, readonly string[]> = {
  report: ['probes', 'removal', 'imported', 'whole'],
  probes: ['removal', 'imported', 'whole'],
  imported: ['probes', 'removal', 'whole'],
  removal: ['imported', 'whole'],
  whole: ['probes', 'removal', 'imported'],
};
const sslmemPart = (f: string) => {
  const parts = path.relative(path.join(engine, 'sslmem'), f).split(path.sep);
  return parts.length > 1 ? parts[0] : '(method)';
};

describe('architecture rules (ARCHITECTURE.md)', () => {
  test('the walker sees the whole tree', () => {
    assert.ok(under(engine).length > 100 && under(path.join(src, 'ui')).length > 20, `only ${graph.files.size} files found`);
  });

  test('src/engine/** never imports vscode, nor anything outside src/engine', () => {
    const bad = under(engine).flatMap((f) => {
      const { local, packages } = graph.files.get(f)!;
      return [...[...packages].filter((p) => p === 'vscode'), ...[...local].filter((t) => !t.startsWith(engine + path.sep)).map(rel)].map(
        (t) => `${rel(f)} → ${t}`,
      );
    });
    assert.deepEqual(bad, []);
  });

  test('src/ui/** and webview/** never load onnxruntime-node, directly or through what they import', () => {
    const bad: string[] = [];
    for (const f of [...under(path.join(src, 'ui')), ...under(path.join(repo, 'webview'))]) {
      for (const g of reachable(graph, f)) {
        if (graph.files.get(g)?.packages.has('onnxruntime-node')) bad.push(g === f ? rel(f) : `${rel(f)} (via ${rel(g)})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test('webview/** (browser code) never imports vscode or node built-ins', () => {
    const bad = under(path.join(repo, 'webview')).flatMap((f) =>
      [...graph.files.get(f)!.packages].filter((p) => p === 'vscode' || p.startsWith('node:')).map((p) => `${rel(f)} → ${p}`),
    );
    assert.deepEqual(bad, []);
  });

  test('every engine file sits in a layer folder, and imports only its own folder or lower layers', () => {
    const bad: string[] = [];
    for (const f of under(engine)) {
      const from = engineFolder(f);
      if (!layerOf.has(from)) {
        bad.push(`${rel(f)}: not in a layer folder (${[...layerOf.keys()].join(', ')})`);
        continue;
      }
      for (const t of graph.files.get(f)!.local) {
        const to = engineFolder(t);
        if (to !== from && !(layerOf.get(to)! < layerOf.get(from)!)) bad.push(`${rel(f)} → ${rel(t)} (${from} may not import ${to})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test('inside sslmem/: report/ and probes/ stay below the experiments; imported/, removal/ and whole/ do not import each other', () => {
    const bad: string[] = [];
    for (const f of under(path.join(engine, 'sslmem'))) {
      const forbidden = SSLMEM_FORBIDDEN[sslmemPart(f)] ?? [];
      for (const t of graph.files.get(f)!.local) {
        if (t.startsWith(path.join(engine, 'sslmem') + path.sep) && forbidden.includes(sslmemPart(t))) bad.push(`${rel(f)} → ${rel(t)}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test('no import cycles in src/ or webview/ (type-only imports count)', () => {
    assert.deepEqual(
      cyclesOf(graph).map((c) => c.map(rel).join(' ↔ ')),
      [],
    );
  });
});

describe('the import-graph walker', () => {
  test('reads static, re-export, side-effect, dynamic and require imports, not words in comments', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "export { c } from './c';",
      "import './d';",
      "const e = await import('./e');",
      "const f = require('f');",
      "// a comment: values come from './not-an-import'",
      'import {',
      '  g,',
      "} from './g';",
    ].join('\n');
    assert.deepEqual(specifiersOf(source).sort(), ['./a', './b', './c', './d', './e', './g', 'f']);
  });

  test('finds a three-file cycle, and none once it is broken', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'import-graph-'));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'a.ts'), "import { b } from './sub/b';\nexport const a = b;\n");
    writeFileSync(path.join(dir, 'sub', 'b.ts'), "import { c } from '../c';\nexport const b = c;\n");
    writeFileSync(path.join(dir, 'c.ts'), "import type { A } from './a';\nexport const c = 1;\n");
    assert.deepEqual(
      cyclesOf(buildImportGraph([dir])).map((c) => c.map((f) => path.relative(dir, f))),
      [['a.ts', 'c.ts', path.join('sub', 'b.ts')]],
    );
    writeFileSync(path.join(dir, 'c.ts'), 'export const c = 1;\n');
    assert.deepEqual(cyclesOf(buildImportGraph([dir])), []);
  });
});
