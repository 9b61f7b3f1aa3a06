// "SSLMem: Import Encoders (ONNX)": score a dataset with encoders trained elsewhere (e.g. exported with
// torch.onnx.export). Asks for the dataset, f.onnx, g.onnx and the split they were trained with (and the
// view recipe), runs the backend job `scoreImported` with a cancellable notification, then refreshes the
// Runs tree and opens the score panel on the new run. Scripts and tests pass the paths instead.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IMPORTED_STAGES } from '../engine/runs/manifest';
import type { RunResult, ScoreImportedParams } from '../protocol/backend';
import { runJob, type ComputeDeps } from './computeCommand';
import { executionProvider, runStoreFolders, storeFor, threads } from './config';
import { listRuns } from './runIndex';

const RECIPES = ['simclr', 'fashion-mnist', 'mild', 'weak', 'none'] as const;
type Recipe = (typeof RECIPES)[number];

/** What a script or test may pass instead of answering the dialogs (paths absolute or workspace-relative). */
export interface ImportOptions {
  data?: string;
  f?: string;
  g?: string;
  split?: string;
  /** View recipe; 'default' (or absent when paths are given) lets the engine choose by channel count. */
  augment?: Recipe | 'default';
  pairs?: number;
  seed?: number;
  openPanel?: boolean;
}

export function isImportOptions(x: unknown): x is ImportOptions {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof vscode.Uri) return false;
  const o = x as Record<string, unknown>;
  const optStr = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0);
  const optInt = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);
  return (
    optStr(o.data) &&
    optStr(o.f) &&
    optStr(o.g) &&
    optStr(o.split) &&
    optInt(o.pairs) &&
    optInt(o.seed) &&
    (o.augment === undefined || o.augment === 'default' || RECIPES.includes(o.augment as Recipe)) &&
    (o.openPanel === undefined || typeof o.openPanel === 'boolean')
  );
}

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      'SSLMem: importing encoders runs ONNX models from workspace files; trust this workspace first.',
      'Manage Workspace Trust',
    )
    .then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

const workspaceRoot = () => vscode.workspace.workspaceFolders?.[0]?.uri;
const resolvePath = (p: string) => (path.isAbsolute(p) || !workspaceRoot() ? path.resolve(p) : path.join(workspaceRoot()!.fsPath, p));

async function pickFile(title: string, openLabel: string, filters: Record<string, string[]>, near?: string): Promise<string | undefined> {
  const defaultUri = near ? vscode.Uri.file(near) : workspaceRoot();
  return (
    await vscode.window.showOpenDialog({
      title,
      openLabel,
      filters,
      defaultUri,
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
    })
  )?.[0]?.fsPath;
}

/** The dataset: one that runs of this workspace used, a workspace folder, or any folder/file (Browse…). */
async function pickDataset(): Promise<string | undefined> {
  const browse = async () =>
    (
      await vscode.window.showOpenDialog({
        title: 'Import encoders — 1/4: the dataset f and g were trained on (image folder, IDX or CIFAR file)',
        openLabel: 'Use Dataset',
        canSelectFolders: true,
        canSelectFiles: true,
        canSelectMany: false,
        defaultUri: workspaceRoot(),
      })
    )?.[0]?.fsPath;
  const used = (await listRuns(runStoreFolders())).map((r) => r.dataset).filter((d): d is string => !!d && existsSync(d));
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const candidates = [...new Set([...used, ...folders])];
  if (candidates.length === 0) return browse();
  const items: (vscode.QuickPickItem & { value?: string })[] = [
    ...candidates.map((d) => ({
      label: path.basename(d),
      description: used.includes(d) ? 'used by a run here' : 'workspace folder',
      detail: d,
      value: d,
    })),
    { label: '$(folder-opened) Browse…', description: 'another folder or dataset file' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Import encoders — 1/4: the dataset f and g were trained on',
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  return picked.value ?? browse();
}

/** Where to look for g: beside f, or in a sibling folder g/ when f sits in f/ (a run folder's layout). */
function siblingG(f: string): string {
  const dir = path.dirname(f);
  const g = path.join(path.dirname(dir), 'g');
  return path.basename(dir) === 'f' && existsSync(g) ? g : dir;
}

async function pickRecipe(): Promise<Recipe | 'default' | undefined> {
  const items: (vscode.QuickPickItem & { value: Recipe | 'default' })[] = [
    { label: 'default', description: 'fashion-mnist for 1 channel, simclr for 3', value: 'default' },
    { label: 'simclr', description: 'SimCLR: crop 8–100%, flip, colour jitter, grayscale', value: 'simclr' },
    {
      label: 'fashion-mnist',
      description: 'crop 20–100%, flip, brightness/contrast jitter (small grayscale images)',
      value: 'fashion-mnist',
    },
    { label: 'mild', description: 'crop 50–100%, flip, light jitter', value: 'mild' },
    { label: 'weak', description: 'crop 80–100%, flip, faint jitter (the quick preset)', value: 'weak' },
    { label: 'none', description: 'no augmentation: both views are the image itself', value: 'none' },
  ];
  return (
    await vscode.window.showQuickPick(items, {
      title: 'Import encoders — views to score on',
      placeHolder: 'Augmentation recipe for the scoring views',
    })
  )?.value;
}

export async function importEncoders(deps: ComputeDeps, options: ImportOptions = {}): Promise<RunResult | undefined> {
  if (!requireTrust()) return undefined;
  const given = options.data !== undefined && options.f !== undefined && options.g !== undefined && options.split !== undefined;
  const data = options.data ? resolvePath(options.data) : await pickDataset();
  if (!data) return undefined;
  // The newest run on this dataset holds exported encoders (f/encode.onnx): a good place to start looking.
  const lastRun = options.f
    ? undefined
    : (await listRuns(runStoreFolders())).find(
        (r) => r.dataset && path.resolve(r.dataset) === path.resolve(data) && existsSync(path.join(r.dir, 'f', 'encode.onnx')),
      );
  const f = options.f
    ? resolvePath(options.f)
    : await pickFile(
        'Import encoders — 2/4: encoder f (trained on S_S ∪ S_C), ONNX: images [B,C,H,W] → [B,D]',
        'Use as f',
        { ONNX: ['onnx'] },
        lastRun && path.join(lastRun.dir, 'f'),
      );
  if (!f) return undefined;
  const g = options.g
    ? resolvePath(options.g)
    : await pickFile('Import encoders — 3/4: encoder g (trained on S_S ∪ S_I), ONNX', 'Use as g', { ONNX: ['onnx'] }, siblingG(f));
  if (!g) return undefined;
  // A split.json beside the encoders (or one folder up, as in a run folder) is the likely one.
  const nearSplit = [path.dirname(f), path.dirname(path.dirname(f))].map((d) => path.join(d, 'split.json')).find((p) => existsSync(p));
  const split = options.split
    ? resolvePath(options.split)
    : await pickFile(
        'Import encoders — 4/4: the split f and g were trained with (JSON: S_S, S_C, S_I, S_E as indices or paths)',
        'Use Split',
        { JSON: ['json'] },
        nearSplit ?? path.dirname(f),
      );
  if (!split) return undefined;
  const augment = options.augment ?? (given ? 'default' : await pickRecipe());
  if (!augment) return undefined;
  const missing = [data, f, g, split].filter((p) => !existsSync(p));
  if (missing.length) throw new Error(`not found: ${missing.join(', ')}`);

  const { storeDir, cacheDir } = storeFor(vscode.Uri.file(data));
  const params: ScoreImportedParams = {
    f,
    g,
    data,
    splitFile: split,
    storeDir,
    cacheDir,
    pairs: options.pairs,
    seed: options.seed,
    augment: augment === 'default' ? undefined : augment,
    provider: executionProvider(),
    threads: threads(),
  };
  const title = `SSLMem: score ${path.basename(data)} with imported ${path.basename(f)} / ${path.basename(g)}`;
  return runJob(
    deps,
    title,
    'imported',
    data,
    IMPORTED_STAGES,
    { openPanel: options.openPanel ?? true, showTraining: false },
    (token, onProgress) => deps.backend.request('scoreImported', params, { token, onProgress, label: title }),
  );
}
