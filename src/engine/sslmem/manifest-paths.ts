// What a resumed run may take from its manifest. A run folder is data (it can come with a cloned repository),
// so the paths its manifest names are only followed inside the workspace that holds the run store, when the
// user chose that path for this run on this machine (runs/chosen-paths.ts), or when the user names the same
// path on this resume (`sslmem resume <run> --data <path>`). See docs/reliability.md.
import * as path from 'node:path';
import { isInside, realResolve, workspaceOfRun } from '../runs/containment';
import { wasChosen } from '../runs/chosen-paths';

export type ManifestPathKind = 'dataset' | 'split file' | 'encoder f' | 'encoder g';
const FLAG: Record<ManifestPathKind, string> = { dataset: '--data', 'split file': '--split', 'encoder f': '--f', 'encoder g': '--g' };

/** A manifest path a resume will not follow without the user's confirmation; `path` is what to confirm. */
export class UntrustedManifestPathError extends Error {
  constructor(
    message: string,
    readonly kind: ManifestPathKind,
    readonly path: string,
  ) {
    super(message);
    this.name = 'UntrustedManifestPathError';
  }
}

/** `p` when a resume may use it; otherwise an error saying why and how to confirm it. */
export function trustedManifestPath(runDir: string, kind: ManifestPathKind, p: unknown, confirmed: readonly string[] = []): string {
  const manifest = path.join(runDir, 'manifest.json');
  if (typeof p !== 'string' || !path.isAbsolute(p))
    throw new Error(`${manifest}: the ${kind} path is missing or not absolute (${JSON.stringify(p)})`);
  const workspace = workspaceOfRun(runDir);
  if (trustedWithoutConfirmation(runDir, p)) return p;
  const real = realResolve(p);
  if (confirmed.some((c) => realResolve(c) === real)) return p;
  throw new UntrustedManifestPathError(
    `${manifest} names the ${kind} ${p}, outside ${workspace}; a run's manifest is not trusted to point outside its workspace. ` +
      `If that is the right ${kind}, confirm it: sslmem resume ${runDir} ${FLAG[kind]} ${p}`,
    kind,
    p,
  );
}

/** Inside the run's workspace, or chosen for this run on this machine. */
export function trustedWithoutConfirmation(runDir: string, p: string): boolean {
  return isInside(p, workspaceOfRun(runDir)) || wasChosen(runDir, p);
}
