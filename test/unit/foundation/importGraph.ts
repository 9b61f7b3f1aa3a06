// A small import-graph walker for the architecture test: reads .ts files, resolves their relative imports
// (type-only ones too: a cycle of types is still a knot to read) and finds cycles. No TypeScript parser: the
// codebase writes one import per statement at the start of a line, which these patterns cover.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ImportGraph {
  /** Every .ts file under the roots (absolute path) → the files it imports (absolute) and bare specifiers. */
  files: Map<string, { local: Set<string>; packages: Set<string> }>;
}

const STATIC = /^[ \t]*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

export function specifiersOf(source: string): string[] {
  return [STATIC, SIDE_EFFECT, DYNAMIC].flatMap((re) => Array.from(source.matchAll(re), (m) => m[1]));
}

function tsFilesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) tsFilesUnder(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base + '.ts', path.join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

export function buildImportGraph(roots: string[]): ImportGraph {
  const files: ImportGraph['files'] = new Map();
  for (const file of roots.flatMap((r) => tsFilesUnder(r))) {
    const local = new Set<string>();
    const packages = new Set<string>();
    for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const target = resolveLocal(file, spec);
      if (!target) throw new Error(`${file}: cannot resolve import '${spec}'`);
      local.add(target);
    }
    files.set(file, { local, packages });
  }
  return { files };
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cyclesOf(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.files.get(v)?.local ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.files.get(v)?.local.has(v)) cycles.push(component.sort());
  };
  for (const v of graph.files.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Files reachable from `from` (itself included), following local imports. */
export function reachable(graph: ImportGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const g of graph.files.get(f)?.local ?? []) todo.push(g);
  }
  return seen;
}
