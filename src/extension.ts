// activate(): wire the ui/ pieces together; nothing else lives here. The return value is the extension's
// API, used by the in-host integration tests (and by nothing else, for now).
import * as vscode from 'vscode';
import { BackendHost } from './ui/backendHost';
import { registerCommands } from './ui/commands';
import { RunsTreeProvider } from './ui/runsTree';
import { ScoreExplorerPanels } from './ui/scoreExplorerPanel';
import { ScoreExplorerViewProvider } from './ui/scoreExplorerView';

export interface SslmemApi {
  backend: BackendHost;
  runs: RunsTreeProvider;
  scoreExplorer: ScoreExplorerPanels;
}

export function activate(context: vscode.ExtensionContext): SslmemApi {
  const backend = new BackendHost(context.asAbsolutePath('dist/backend.js'));
  const runs = new RunsTreeProvider();
  const scoreExplorer = new ScoreExplorerPanels(context.extensionUri, backend.log);
  context.subscriptions.push(
    backend, runs, scoreExplorer,
    vscode.window.registerTreeDataProvider('sslmem.runs', runs),
    vscode.window.registerTreeDataProvider('sslmem.scores', new ScoreExplorerViewProvider()),
    ...registerCommands({ backend, runs, scoreExplorer }),
    // The panel shows the same runs as the tree: whenever the tree re-reads the store, so does the panel.
    runs.onDidChangeTreeData(() => { void scoreExplorer.refresh(); }),
    // Granting trust enables jobs; refresh so the panel's empty state stops saying they are disabled.
    vscode.workspace.onDidGrantWorkspaceTrust(() => { void scoreExplorer.refresh(); }),
  );
  void vscode.commands.executeCommand('setContext', 'sslmem.jobRunning', false);
  backend.log.info(`SSLMem Studio activated (VS Code ${vscode.version}, extension host node ${process.version})`);
  return { backend, runs, scoreExplorer };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; disposing BackendHost stops the backend process.
}
