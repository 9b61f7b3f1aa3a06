// Commands on runs: open (score panel), export scores, delete, compare. Each accepts its inputs as
// arguments (tree items pass the run; scripts and tests pass paths) and asks with pickers only for what
// is missing.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runStoreFolders, viewerScope } from './config';
import { checkDeletableRun } from './viewerPaths';
import { comparisonMarkdown, compareRuns, type Comparison } from './compareRuns';
import { RunData } from './runData';
import { listRuns, type RunSummary } from './runIndex';
import type { GalleryComparePanels } from './galleryComparePanel';
import type { ScorePanels } from './scorePanel';

/** A run as commands receive it: a tree item's RunSummary, a folder path, or a Uri. */
export type RunArg = RunSummary | string | vscode.Uri | undefined;

export function runDirOf(arg: RunArg): string | undefined {
  if (!arg) return undefined;
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  return typeof arg.dir === 'string' ? arg.dir : undefined;
}

/** Runs with results (status done and a scores.bin), newest first. */
async function finishedRuns(): Promise<RunSummary[]> {
  const done = (await listRuns(runStoreFolders())).filter((r) => r.status === 'done');
  const withScores = await Promise.all(
    done.map((r) =>
      fs.stat(path.join(r.dir, 'scores.bin')).then(
        () => true,
        () => false,
      ),
    ),
  );
  return done.filter((_, i) => withScores[i]);
}

export async function pickRun(title: string, exclude?: string): Promise<string | undefined> {
  const runs = (await finishedRuns()).filter((r) => r.dir !== exclude);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('SSLMem: no finished runs yet. Run "SSLMem: Compute Memorization Scores" first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: r.id,
      description: [r.preset, r.dataset && path.basename(r.dataset)].filter(Boolean).join(' · '),
      detail: r.dataset,
      dir: r.dir,
    })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.dir;
}

export async function openRun(panels: ScorePanels, arg?: RunArg): Promise<vscode.WebviewPanel | undefined> {
  const dir = runDirOf(arg) ?? (await pickRun('SSLMem: open which run?'));
  return dir ? panels.open(dir) : undefined;
}

/** The latest finished run's panel (the entry point from the activity bar and the palette). */
export async function openLatestRun(panels: ScorePanels, fallback: () => Promise<unknown>): Promise<vscode.WebviewPanel | undefined> {
  const [latest] = await finishedRuns();
  if (!latest) {
    await fallback();
    return undefined;
  } // the runs overview, with its explanation of how to get scores
  return panels.open(latest.dir);
}

/** Writes a run's scores as CSV (scores.csv as is) or JSON (rows + report). Returns the file written. */
export async function exportScores(arg?: RunArg, target?: vscode.Uri | string): Promise<string | undefined> {
  const dir = runDirOf(arg) ?? (await pickRun('SSLMem: export the scores of which run?'));
  if (!dir) return undefined;
  let file = typeof target === 'string' ? target : target?.fsPath;
  if (!file) {
    const picked = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(path.dirname(path.dirname(dir)), `${path.basename(dir)}-scores.csv`)),
      filters: { CSV: ['csv'], JSON: ['json'] },
      title: 'Export scores',
    });
    file = picked?.fsPath;
  }
  if (!file) return undefined;
  if (path.extname(file).toLowerCase() === '.json') {
    const data = await RunData.open(dir);
    const rows = data.byRank.map((r) => ({
      path: r.path,
      file: data.fileOf(r) ?? null,
      index: r.index,
      subset: r.subset,
      label: r.label,
      class: data.classNames[r.label] ?? null,
      L_f: r.lf,
      L_g: r.lg,
      raw: r.raw,
      score: r.normalised,
      rank: r.rank,
      mark: data.marks.get(r.index) ?? null,
    }));
    await fs.writeFile(
      file,
      JSON.stringify({ run: data.id, dataset: data.manifest.dataset.path, report: data.report, samples: rows }, null, 1),
    );
  } else {
    await fs.copyFile(path.join(dir, 'scores.csv'), file);
  }
  void vscode.window.showInformationMessage(`SSLMem: scores exported to ${file}`, 'Open').then((p) => {
    if (p) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file!));
  });
  return file;
}

/** Deletes a run folder after a modal confirmation (skipped only when `confirmed` is passed by a script). */
export async function deleteRun(panels: ScorePanels, arg?: RunArg, confirmed = false): Promise<boolean> {
  const dir = runDirOf(arg) ?? (await pickRun('SSLMem: delete which run?'));
  if (!dir) return false;
  // Only run folders inside this workspace's run stores, only in a trusted workspace: an argument (a script, a
  // command link) must never delete anything else. package.json gates the command on trust as well.
  checkDeletableRun(dir, viewerScope());
  if (
    !(await fs.stat(path.join(dir, 'manifest.json')).then(
      () => true,
      () => false,
    ))
  )
    throw new Error(`${dir} is not a run folder (no manifest.json)`);
  if (!confirmed) {
    const answer = await vscode.window.showWarningMessage(
      `Delete run ${path.basename(dir)} and all its files (checkpoints, scores, marks)?`,
      { modal: true },
      'Delete',
    );
    if (answer !== 'Delete') return false;
  }
  panels.close(dir);
  await fs.rm(dir, { recursive: true, force: true });
  return true;
}

/** Two runs' galleries side by side (A left, B right). Returns the panel's key. */
export async function compareGalleriesCommand(panels: GalleryComparePanels, a?: RunArg, b?: RunArg): Promise<string | undefined> {
  const dirA = runDirOf(a) ?? (await pickRun('SSLMem: side by side — left run (A)'));
  if (!dirA) return undefined;
  const dirB = runDirOf(b) ?? (await pickRun('SSLMem: side by side — right run (B), on the same dataset', dirA));
  if (!dirB) return undefined;
  return panels.openRuns(dirA, dirB);
}

export async function compareRunsCommand(a?: RunArg, b?: RunArg, show = true): Promise<Comparison | undefined> {
  const dirA = runDirOf(a) ?? (await pickRun('SSLMem: compare — first run (A)'));
  if (!dirA) return undefined;
  const dirB = runDirOf(b) ?? (await pickRun('SSLMem: compare — second run (B)', dirA));
  if (!dirB) return undefined;
  const comparison = compareRuns(await RunData.open(dirA), await RunData.open(dirB));
  if (show) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: comparisonMarkdown(comparison) });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
  }
  return comparison;
}
