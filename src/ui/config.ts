// Typed access to the `sslmem.*` settings declared in package.json (contributes.configuration).
import * as vscode from 'vscode';
import * as path from 'node:path';
import { resolveRunStoreFolders } from './runIndex';
import type { ViewerScope } from './viewerPaths';
import type { ExecutorSetting } from '../protocol/backend';

// The engine's plain provider list (providers.ts imports no onnxruntime-node, so the extension host may use it).
import { PROVIDER_SETTINGS, isProviderSetting, type ProviderSetting } from '../engine/runtime/providers';
export const EXECUTION_PROVIDERS = PROVIDER_SETTINGS;
export type ExecutionProviderSetting = ProviderSetting;

export function executionProvider(): ExecutionProviderSetting {
  const v = vscode.workspace.getConfiguration('sslmem').get<string>('executionProvider', 'auto');
  return isProviderSetting(v) ? v : 'auto';
}

/**
 * Absolute run-store folders for the open workspace folders. The setting is resource-scoped, so each
 * workspace folder may override it; in an untrusted workspace VS Code ignores the workspace's value
 * (it is listed in capabilities.untrustedWorkspaces.restrictedConfigurations) and the default applies.
 */
export function runStoreFolders(): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const all = folders.flatMap((f) =>
    resolveRunStoreFolders(vscode.workspace.getConfiguration('sslmem', f.uri).get<string>('runStoreFolder', '.sslmem/runs'), [
      f.uri.fsPath,
    ]),
  );
  return [...new Set(all)];
}

/** What the viewer may serve / open / delete is decided against this (src/ui/viewerPaths.ts). */
export function viewerScope(): ViewerScope {
  return {
    trusted: vscode.workspace.isTrusted,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    runStores: runStoreFolders(),
  };
}

export function defaultPreset(scope?: vscode.Uri): string {
  return vscode.workspace.getConfiguration('sslmem', scope).get<string>('defaultPreset', 'quick');
}

/** 0 = let ONNX Runtime choose; passed to the backend only when set. */
export function threads(): number | undefined {
  const t = vscode.workspace.getConfiguration('sslmem').get<number>('threads', 0);
  return Number.isInteger(t) && t > 0 ? t : undefined;
}

/** `sslmem.concurrentTraining`: encoders trained at the same time; passed to the backend only when above 1. */
export function concurrentTraining(): number | undefined {
  const k = vscode.workspace.getConfiguration('sslmem').get<number>('concurrentTraining', 1);
  return Number.isInteger(k) && k > 1 && k <= 16 ? k : undefined;
}

/** Where a run over `dataset` is stored: the run store of the workspace folder holding it (else the first). */
export function storeFor(dataset: vscode.Uri): { storeDir: string; cacheDir: string; workspaceFolder?: vscode.WorkspaceFolder } {
  const folder = vscode.workspace.getWorkspaceFolder(dataset) ?? vscode.workspace.workspaceFolders?.[0];
  const base = folder?.uri.fsPath ?? path.dirname(dataset.fsPath);
  const setting = vscode.workspace.getConfiguration('sslmem', folder?.uri).get<string>('runStoreFolder', '.sslmem/runs');
  const [storeDir] = resolveRunStoreFolders(setting, [base]);
  return { storeDir, cacheDir: path.join(base, '.sslmem', 'cache'), workspaceFolder: folder };
}

/** `sslmem.executor` and the `sslmem.slurm.*` options, as the backend's run and resume jobs take them. */
export function executor(): ExecutorSetting | undefined {
  const c = vscode.workspace.getConfiguration('sslmem');
  if (c.get<string>('executor', 'local') !== 'slurm') return undefined;
  const text = (key: string) => c.get<string>(`slurm.${key}`, '').trim() || undefined;
  const cpus = c.get<number>('slurm.cpusPerTask', 0);
  const setting = {
    kind: 'slurm' as const,
    partition: text('partition'),
    account: text('account'),
    time: text('time'),
    gres: text('gres'),
    cpusPerTask: Number.isInteger(cpus) && cpus > 0 ? cpus : undefined,
    template: text('sbatchTemplate'),
  };
  return Object.fromEntries(Object.entries(setting).filter(([, v]) => v !== undefined)) as ExecutorSetting;
}
