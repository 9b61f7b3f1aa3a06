// "Compute Memorization Scores" and "Resume Run": pick a dataset and a preset, run the pipeline in the
// backend with a cancellable progress notification and the live training view. Cancelling stops the
// backend job; the run folder keeps its checkpoints, so "Resume Run" continues where it stopped.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendError, type RunProgress, type RunResult } from '../protocol/backend';
import type { BackendHost } from './backendHost';
import { PRESET_INFO, PRESET_NAMES, isPresetName, plannedStages, presetMode } from '../engine/sslmem/presets';
import { wholeStages } from '../engine/runs/manifest';
import { pipelineStages } from '../engine/runs/manifest';
import { readManifest } from '../engine/runs/store';
import { concurrentTraining, defaultPreset, executionProvider, executor, runStoreFolders, storeFor, threads } from './config';
import { listRuns } from './runIndex';
import { TrainingPanel, type TrainingHandlers } from './trainingPanel';
import { runStartMs } from './trainingClock';
import { readRunLossHistory, thinLossHistory } from '../engine/runs/loss-history';
import type { StageHistory } from '../protocol/training';
import { describeChosen } from '../engine/runtime/providers';

export interface ComputeDeps {
  extensionUri: vscode.Uri;
  backend: BackendHost;
  /** Called when a run finished (refresh the tree and the score index, open the panel). */
  onRunFinished(runDir: string, openPanel: boolean): Promise<void>;
}

/** Options a script or test may pass instead of answering the pickers. */
export interface ComputeOptions {
  preset?: string;
  openPanel?: boolean;
  showTraining?: boolean;
  overrides?: Record<string, unknown>;
  /** 'paper' (f and g on the four-subset split) or 'whole' (every image scored by m encoders); default: the mode
   *  the preset is made for (presets.ts presetMode: whole-quick → whole, the rest → paper). */
  mode?: 'paper' | 'whole';
  /** Whole mode: number of encoders m (default 4). */
  encoders?: number;
}

/** Most points per training stage sent to the live view: a chart is a few hundred pixels wide. */
const HISTORY_POINTS = 2000;

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage('SSLMem: computing scores trains models on workspace files; trust this workspace first.', 'Manage Workspace Trust')
    .then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

export async function computeScores(deps: ComputeDeps, target?: vscode.Uri, options: ComputeOptions = {}): Promise<RunResult | undefined> {
  if (!requireTrust()) return undefined;
  const dataset =
    target instanceof vscode.Uri
      ? target
      : (
          await vscode.window.showOpenDialog({
            canSelectFolders: true,
            canSelectFiles: true,
            canSelectMany: false,
            title: 'Dataset: a folder of images (one sub-folder per class), or an IDX / CIFAR file',
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
            openLabel: 'Compute Scores',
          })
        )?.[0];
  if (!dataset) return undefined;
  // One pick: the preset says the mode (whole-quick: every image scored; the rest: the paper's protocol, with
  // quick-pairs3 for several seed pairs). A caller may name the mode and the overrides (seedPairs, …) itself.
  const preset = options.preset ?? (await pickPreset(dataset));
  if (!preset) return undefined;
  const mode = options.mode ?? presetMode(preset);
  const overrides = options.overrides;
  const { storeDir, cacheDir } = storeFor(dataset);
  const title = `SSLMem: ${preset}${mode === 'whole' ? ' whole-dataset' : ''} run on ${path.basename(dataset.fsPath)}`;
  const stages = mode === 'whole' ? wholeStages(options.encoders ?? WHOLE_ENCODERS_DEFAULT) : plannedStages(preset, overrides);
  return runJob(deps, title, preset, dataset.fsPath, stages, options, (token, onProgress) =>
    deps.backend.request(
      'runSslmem',
      {
        data: dataset.fsPath,
        preset,
        storeDir,
        cacheDir,
        provider: executionProvider(),
        threads: threads(),
        executor: executor(),
        concurrentTraining: concurrentTraining(),
        overrides,
        ...(mode === 'whole' ? { mode, encoders: options.encoders } : {}),
      },
      { token, onProgress, label: title },
    ),
  );
}

const WHOLE_ENCODERS_DEFAULT = 4;

async function pickPreset(dataset: vscode.Uri): Promise<string | undefined> {
  const dflt = defaultPreset(dataset);
  const order = [dflt, ...PRESET_NAMES.filter((p) => p !== dflt)];
  const picked = await vscode.window.showQuickPick(
    order.map((p) => ({
      label: p,
      description:
        [p === dflt ? 'default (sslmem.defaultPreset)' : '', presetMode(p) === 'whole' ? 'whole dataset: every image scored' : '']
          .filter(Boolean)
          .join(' · ') || undefined,
      detail: isPresetName(p) ? PRESET_INFO[p] : undefined,
    })),
    {
      title: `SSLMem: preset for ${path.basename(dataset.fsPath)}`,
      placeHolder: 'What to train and score (whole-quick: every image gets a score)',
    },
  );
  return picked?.label;
}

/**
 * Resumes an interrupted run: the given one, or one picked from the runs that did not finish. A run whose
 * manifest names a dataset, split or encoder outside the workspace (a run folder that came with a clone) is
 * resumed only after the user confirms that path in a modal dialog, one path at a time.
 */
export async function resumeRun(
  deps: ComputeDeps,
  runDir?: string | { dir: string },
  confirmed: readonly string[] = [],
): Promise<RunResult | undefined> {
  if (!requireTrust()) return undefined;
  let dir = typeof runDir === 'string' ? runDir : runDir?.dir;
  if (!dir) {
    const unfinished = (await listRuns(runStoreFolders())).filter((r) => r.status !== 'done' && !r.problem);
    if (unfinished.length === 0) {
      void vscode.window.showInformationMessage('SSLMem: no interrupted runs to resume.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      unfinished.map((r) => ({
        label: r.id,
        description: `${r.status ?? '?'} · next: ${r.nextStage ?? '?'}`,
        detail: r.dataset,
        dir: r.dir,
      })),
      { title: 'SSLMem: resume which run?' },
    );
    dir = pick?.dir;
  }
  if (!dir) return undefined;
  const runFolder = dir;
  try {
    // The live view's rows are the run's own stages, as its manifest records them, and its curves start with
    // the losses trained before the cancel (the encoders' train-loss.csv).
    const manifest = await readManifest(runFolder).catch(() => undefined);
    const stages = manifest?.stageOrder ?? pipelineStages();
    const history: StageHistory[] = manifest
      ? (await readRunLossHistory(runFolder, manifest)).map((h) => ({
          stage: h.stage,
          points: thinLossHistory(h.points, HISTORY_POINTS).map((p): [number, number] => [p.step, p.loss]),
        }))
      : [];
    // Named like the run it continues (not "resume <id>"): a reused tab keeps its title anyway.
    const title = manifest
      ? `SSLMem: ${manifest.preset ?? 'custom'} run on ${path.basename(manifest.dataset.path)} (resumed)`
      : `SSLMem: resume ${path.basename(runFolder)}`;
    return await runJob(
      deps,
      title,
      manifest?.preset ?? 'resume',
      manifest?.dataset.path ?? runFolder,
      stages,
      { openPanel: true },
      (token, onProgress) =>
        deps.backend.request(
          'resumeSslmem',
          {
            runDir: runFolder,
            provider: executionProvider(),
            threads: threads(),
            executor: executor(),
            concurrentTraining: concurrentTraining(),
            confirmed: [...confirmed],
          },
          { token, onProgress, label: title },
        ),
      { runDir: runFolder, history, startedAt: manifest ? runStartMs(manifest) : undefined },
    );
  } catch (err) {
    if (!(err instanceof BackendError && err.code === 'untrusted-path' && err.path && !confirmed.includes(err.path))) throw err;
    const use = await vscode.window.showWarningMessage(
      `Resume ${path.basename(runFolder)} with ${err.path}?`,
      {
        modal: true,
        detail: `${err.message.split(';')[0]}. Run folders can come with a cloned repository, so SSLMem follows a path outside the workspace only when you confirm it.`,
      },
      'Use It',
    );
    return use === 'Use It' ? resumeRun(deps, runFolder, [...confirmed, err.path]) : undefined;
  }
}

export type Start = (token: vscode.CancellationToken, onProgress: (p: RunProgress) => void) => Promise<RunResult>;

/** A job on an existing run (a resume): its folder, and the losses it trained before. */
export interface ExistingRun {
  runDir: string;
  history: StageHistory[];
  /** When the run began (ms; trainingClock.ts runStartMs), for the live view's "elapsed". */
  startedAt?: number;
}

/**
 * Runs one pipeline job with a cancellable notification and the live view (unless showTraining is false). A
 * resumed run reuses the live view its earlier job left open; a job whose run folder becomes known (it was
 * cancelled, or finished) leaves its view to that run.
 */
export async function runJob(
  deps: ComputeDeps,
  title: string,
  preset: string,
  dataset: string,
  stages: string[],
  options: ComputeOptions,
  start: Start,
  existing?: ExistingRun,
): Promise<RunResult | undefined> {
  // A new run starts now; a resumed one when its manifest says it did.
  const runStart = existing?.startedAt ?? Date.now();
  const cts = new vscode.CancellationTokenSource();
  let result: RunResult | undefined;
  const handlers: TrainingHandlers = {
    cancel: () => cts.cancel(),
    openScores: () => {
      if (result) void deps.onRunFinished(result.runDir, true);
    },
    resume: (runDir) => {
      void vscode.commands.executeCommand('sslmem.resumeRun', runDir);
    },
  };
  const startMessage = { type: 'start' as const, title, preset, dataset, stages, history: existing?.history };
  let training: TrainingPanel | undefined;
  if (options.showTraining !== false) {
    const open = existing && TrainingPanel.ofRun(existing.runDir);
    if (open?.reusable) {
      open.restart(startMessage, handlers, runStart);
      training = open;
    } else training = new TrainingPanel(deps.extensionUri, startMessage, handlers, runStart);
    if (existing) training.attachRun(existing.runDir);
  }
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => cts.cancel());
        try {
          return await start(cts.token, (p) => {
            training?.progress(p);
            reportProgress(progress, p);
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (err) {
    const cancelled = err instanceof BackendError && err.code === 'cancelled';
    // A resumed run's folder is known (its view offers Resume); a new run's is not when the backend answers "cancelled".
    training?.finish(
      cancelled ? 'cancelled' : 'failed',
      cancelled
        ? `Cancelled. The run keeps its checkpoints: ${existing ? 'Resume' : '"SSLMem: Resume Run"'} continues it.`
        : `Failed: ${(err as Error).message}`,
    );
    await deps.onRunFinished('', false);
    if (cancelled) {
      void vscode.window.showInformationMessage('SSLMem: run cancelled; resume it with "SSLMem: Resume Run".', 'Resume Run').then((p) => {
        if (p) void vscode.commands.executeCommand('sslmem.resumeRun', existing?.runDir);
      });
      return undefined;
    }
    throw err;
  } finally {
    cts.dispose();
  }
  training?.attachRun(result.runDir);
  if (result.status === 'cancelled') {
    training?.finish('cancelled', 'Cancelled. The run keeps its checkpoints: Resume continues it in this view.');
    await deps.onRunFinished(result.runDir, false);
    const runDir = result.runDir;
    if (!training)
      void vscode.window.showInformationMessage('SSLMem: run cancelled; resume it with "SSLMem: Resume Run".', 'Resume Run').then((p) => {
        if (p) void vscode.commands.executeCommand('sslmem.resumeRun', runDir);
      });
    return result;
  }
  training?.finish('done', `Done: ${result.runDir}`);
  await deps.onRunFinished(result.runDir, options.openPanel ?? true);
  return result;
}

function reportProgress(progress: vscode.Progress<{ message?: string; increment?: number }>, p: RunProgress): void {
  switch (p.kind) {
    case 'dataset':
      progress.report({ message: `dataset: ${p.n} images` });
      break;
    case 'stage':
      if (p.status === 'start') progress.report({ message: p.stage });
      break;
    case 'train':
      progress.report({ message: `${p.stage} step ${p.step}/${p.total} · loss ${p.loss.toFixed(3)} · ${p.imagesPerSec.toFixed(0)} img/s` });
      break;
    case 'score':
      progress.report({ message: `${p.stage} ${p.done}/${p.total}` });
      break;
    case 'provider':
      progress.report({ message: `${p.stage} on ${describeChosen(p.decision)}` });
      break;
    case 'executor':
      progress.report({ message: p.message });
      break;
    case 'task':
      progress.report({ message: `${p.stage}: ${p.state} (Slurm job ${p.job}${p.node ? ` on ${p.node}` : ''})` });
      break;
  }
}
