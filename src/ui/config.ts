// Typed access to the `sslmem.*` settings declared in package.json (contributes.configuration).
import * as vscode from 'vscode';
import { resolveRunStoreFolders } from './runIndex';

export const EXECUTION_PROVIDERS = ['auto', 'cpu', 'webgpu', 'cuda'] as const;
export type ExecutionProviderSetting = (typeof EXECUTION_PROVIDERS)[number];

export function executionProvider(): ExecutionProviderSetting {
  const v = vscode.workspace.getConfiguration('sslmem').get<string>('executionProvider', 'auto');
  return (EXECUTION_PROVIDERS as readonly string[]).includes(v) ? (v as ExecutionProviderSetting) : 'auto';
}

/**
 * Absolute run-store folders for the open workspace folders. The setting is resource-scoped, so each
 * workspace folder may override it; in an untrusted workspace VS Code ignores the workspace's value
 * (it is listed in capabilities.untrustedWorkspaces.restrictedConfigurations) and the default applies.
 */
export function runStoreFolders(): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const all = folders.flatMap((f) => resolveRunStoreFolders(
    vscode.workspace.getConfiguration('sslmem', f.uri).get<string>('runStoreFolder', '.sslmem/runs'),
    [f.uri.fsPath],
  ));
  return [...new Set(all)];
}
