// Which run decorates the workspace (Explorer badges, the Score Explorer view): by default the latest
// finished run per dataset folder; a person can pin one run instead ("SSLMem: Use Run for Badges"), so a
// later smoke-test run on the same folder does not replace the main run's badges. The pin is per workspace
// (workspaceState); "SSLMem: Use Latest Run for Badges" removes it.
import * as path from 'node:path';
import * as vscode from 'vscode';

const KEY = 'sslmem.badgeRun';
const CONTEXT = 'sslmem.badgeRunPinned';

export class BadgeRunPin implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    void vscode.commands.executeCommand('setContext', CONTEXT, this.get() !== undefined);
  }

  /** The pinned run folder, or undefined: the latest run decorates. */
  get(): string | undefined {
    const v = this.state.get<unknown>(KEY);
    return typeof v === 'string' && v ? v : undefined;
  }

  async set(runDir: string | undefined): Promise<void> {
    const value = runDir ? path.resolve(runDir) : undefined;
    await this.state.update(KEY, value);
    await vscode.commands.executeCommand('setContext', CONTEXT, value !== undefined);
    this.changed.fire(value);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
