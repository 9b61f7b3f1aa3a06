// The "Score Explorer" view in the side panel. Scores of individual samples arrive with the scoring
// pipeline (issue 5); until then it has no items, and VS Code shows its welcome content, which explains
// how scores come about and links to the Score Explorer panel.
import * as vscode from 'vscode';

export class ScoreExplorerViewProvider implements vscode.TreeDataProvider<never> {
  getChildren(): never[] { return []; }
  getTreeItem(element: never): vscode.TreeItem { return element; }
}
