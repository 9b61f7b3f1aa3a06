// Path containment, written once: is a path inside a folder after `..` and symlinks are resolved? Run
// manifests, webview state and scores files are data (a cloned repository may carry a crafted run), so every
// path taken from them is checked here before it is read, written, served or deleted.
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The real location of `p`: the real path of its longest existing ancestor plus the rest. The rest is
 * normalised lexically first, as node's path.join does for every path we then open, so what is checked
 * is what gets touched.
 */
export function realResolve(p: string): string {
  let head = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync.native(head), ...rest.reverse());
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return path.join(head, ...rest.reverse());
      rest.push(path.basename(head));
      head = parent;
    }
  }
}

/** Whether `child` is `root` or lies below it, both taken at their real location. */
export function isInside(child: string, root: string): boolean {
  const rel = path.relative(realResolve(root), realResolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function isInsideAny(child: string, roots: readonly string[]): boolean {
  return roots.some((r) => isInside(child, r));
}

/** `root` joined with a relative path from a data file, or undefined when the result leaves `root` (lexically). */
export function joinInside(root: string, relative: string): string | undefined {
  if (path.isAbsolute(relative) || relative.includes('\0')) return undefined;
  const full = path.resolve(root, relative);
  const rel = path.relative(path.resolve(root), full);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? full : undefined;
}

/**
 * The folder a run store belongs to: `<ws>` for the usual `<ws>/.sslmem/runs`, else the folder holding the
 * run store. Paths a run's manifest names (dataset, split, encoders, cache) are trusted only inside it.
 */
export function workspaceOfRun(runDir: string): string {
  const store = path.dirname(path.resolve(runDir));
  const above = path.dirname(store);
  return path.basename(above) === '.sslmem' ? path.dirname(above) : above;
}

/**
 * The decode cache a resumed run may use: the manifest's folder when it lies inside `<ws>/.sslmem`, else
 * `<ws>/.sslmem/cache`. A manifest can therefore never make the engine create folders or write cache files
 * anywhere else (a stale or crafted cacheDir costs a re-decode, nothing more).
 */
export function confinedCacheDir(runDir: string, requested: unknown): { dir: string; ignored: string | null } {
  const home = path.join(workspaceOfRun(runDir), '.sslmem');
  const fallback = path.join(home, 'cache');
  if (typeof requested !== 'string' || requested === '') return { dir: fallback, ignored: null };
  return isInside(requested, home) && path.isAbsolute(requested)
    ? { dir: requested, ignored: null }
    : { dir: fallback, ignored: requested };
}
