// The `sslmem.*` commands. Each id here has an entry in package.json contributes.commands (an in-host
// test checks both directions), and every one of them does real work now.
import * as vscode from 'vscode';
import { BackendError, type VersionInfo } from '../protocol/backend';
import type { BackendHost } from './backendHost';
import { EXECUTION_PROVIDERS, executionProvider, type ExecutionProviderSetting } from './config';
import { computeScores, resumeRun, type ComputeDeps, type ComputeOptions } from './computeCommand';
import { importEncoders, isImportOptions } from './importCommand';
import {
  compareGalleriesCommand,
  compareRunsCommand,
  deleteRun,
  exportScores,
  openRun,
  openLatestRun,
  pickRun,
  runDirOf,
  type RunArg,
} from './runCommands';
import type { BadgeRunPin } from './badgeRun';
import type { GalleryComparePanels } from './galleryComparePanel';
import type { RunsTreeProvider } from './runsTree';
import type { RunsOverviewPanels } from './runsOverviewPanel';
import type { ScorePanels } from './scorePanel';

export interface CommandDeps {
  backend: BackendHost;
  runs: RunsTreeProvider;
  runsOverview: RunsOverviewPanels;
  scorePanels: ScorePanels;
  galleries: GalleryComparePanels;
  compute: ComputeDeps;
  badgeRun: BadgeRunPin;
  refreshScores: () => Promise<void>;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { backend, runs, runsOverview, scorePanels, galleries, compute, badgeRun, refreshScores } = deps;
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'sslmem.showBackendLog': () => backend.log.show(true),
    'sslmem.backendStatus': () => showBackendStatus(backend),
    'sslmem.selectExecutionProvider': () => selectExecutionProvider(backend),
    'sslmem.runSelfCheck': () => runSelfCheck(backend),
    'sslmem.cancelJob': () => cancelJob(backend),
    'sslmem.openLatestRun': () => openLatestRun(scorePanels, () => runsOverview.open()),
    'sslmem.showRunsOverview': () => runsOverview.open().then(() => undefined),
    'sslmem.refreshRuns': () => runs.refresh(), // the panel follows the tree (see extension.ts)
    // From the Explorer context menu the first argument is the clicked folder's Uri.
    'sslmem.computeScores': (target, options) =>
      computeScores(compute, target instanceof vscode.Uri ? target : undefined, (options ?? {}) as ComputeOptions),
    'sslmem.resumeRun': (run) => resumeRun(compute, run instanceof vscode.Uri ? run.fsPath : (run as string | { dir: string } | undefined)),
    // From the Runs view title the command gets no arguments; scripts pass { data, f, g, split }.
    'sslmem.importEncoders': (options) => importEncoders(compute, isImportOptions(options) ? options : {}),
    'sslmem.openRun': (run) => openRun(scorePanels, run as RunArg),
    'sslmem.exportScores': (run, target) => exportScores(run as RunArg, target as vscode.Uri | string | undefined),
    'sslmem.deleteRun': (run, confirmed) =>
      deleteRun(scorePanels, run as RunArg, confirmed === true).then((deleted) => {
        if (deleted) runs.refresh();
        return deleted;
      }),
    'sslmem.compareRuns': (a, b, show) => compareRunsCommand(a as RunArg, b as RunArg, show !== false),
    // From the runs tree: (clicked run, selected runs); two selected runs are A and B.
    'sslmem.compareGalleries': (a, b) => {
      const selected = Array.isArray(b) ? (b as RunArg[]) : undefined;
      if (selected && selected.length === 2) return compareGalleriesCommand(galleries, selected[0], selected[1]);
      return compareGalleriesCommand(galleries, a as RunArg, selected ? undefined : (b as RunArg));
    },
    'sslmem.inspectImage': (uri) => inspectImage(uri),
    // Pin the run whose scores badge the workspace (and fill the Score Explorer view); resolves once they do.
    'sslmem.useRunForBadges': async (run) => {
      const dir = runDirOf(run as RunArg) ?? (await pickRun('SSLMem: which run badges the images in the Explorer?'));
      if (!dir) return undefined;
      await badgeRun.set(dir);
      await refreshScores();
      return dir;
    },
    'sslmem.useLatestRunForBadges': async () => {
      await badgeRun.set(undefined);
      await refreshScores();
    },
  };
  return Object.entries(handlers).map(([id, fn]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => reportErrors(backend, id, () => fn(...args))),
  );
}

/** One place that turns a failed command into a message the user can act on (and a log line). */
async function reportErrors<T>(backend: BackendHost, id: string, fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BackendError && err.code === 'cancelled') return undefined;
    const message = err instanceof Error ? err.message : String(err);
    backend.log.error(`${id}: ${message}`);
    // An explicit provider that cannot run here (never replaced by a quiet CPU run): offer to change it.
    const unusable = err instanceof BackendError && err.code === 'provider-unavailable';
    const pick = await vscode.window.showErrorMessage(
      `SSLMem: ${message}`,
      ...(unusable ? ['Select Execution Provider'] : []),
      'Show Backend Log',
    );
    if (pick === 'Select Execution Provider') void vscode.commands.executeCommand('sslmem.selectExecutionProvider');
    else if (pick) backend.log.show(true);
    return undefined;
  }
}

/** Opens an image in the SSLMem Image Inspector (Explorer context menu on image files). */
async function inspectImage(uri: unknown): Promise<void> {
  const target =
    uri instanceof vscode.Uri
      ? uri
      : (
          await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: ['png', 'jpg', 'jpeg', 'bmp', 'gif', 'webp'] } })
        )?.[0];
  if (target) await vscode.commands.executeCommand('vscode.openWith', target, 'sslmem.imageInspector');
}

async function showBackendStatus(backend: BackendHost): Promise<VersionInfo> {
  const started = Date.now();
  const info = await backend.request('version', {});
  const ms = Date.now() - started;
  const providers = info.backends.map((b) => (b.bundled ? b.name : `${b.name} (needs extra libraries)`)).join(', ');
  const text = `Backend pid ${info.pid} answered in ${ms} ms — node ${info.node}, onnxruntime-node ${info.onnxruntimeNode}, providers: ${providers}. Setting: ${executionProvider()}.`;
  backend.log.info(text);
  void vscode.window.showInformationMessage(`SSLMem: ${text}`);
  return info;
}

/** Quick pick over the providers; those this build cannot load are marked, not hidden, so the choice is explained. */
async function selectExecutionProvider(backend: BackendHost): Promise<ExecutionProviderSetting | undefined> {
  const info = await backend.request('version', {});
  const current = executionProvider();
  const describe = (ep: ExecutionProviderSetting) => {
    if (ep === 'auto') return 'times a few training steps on each provider here and trains on the fastest (cached per machine)';
    const b = info.backends.find((x) => x.name === ep);
    if (!b) return 'not in this onnxruntime-node build';
    // Bundled is not usable: WebGPU still needs an adapter. A run with an unusable provider fails with the reason.
    if (b.bundled)
      return ep === 'cpu'
        ? 'available in this build'
        : 'available in this build; needs a GPU adapter (a run fails with the reason without one)';
    return 'needs extra libraries (CUDA 12 + cuDNN 9)';
  };
  const picked = await vscode.window.showQuickPick(
    EXECUTION_PROVIDERS.map((ep) => ({
      label: ep,
      description: describe(ep),
      picked: ep === current,
      detail: ep === current ? 'current setting' : undefined,
    })),
    { title: 'SSLMem: execution provider for training and scoring', placeHolder: `current: ${current}` },
  );
  if (!picked) return undefined;
  // The provider depends on this machine's hardware, not on the project, so it goes to user settings.
  await vscode.workspace.getConfiguration('sslmem').update('executionProvider', picked.label, vscode.ConfigurationTarget.Global);
  backend.log.info(`execution provider set to ${picked.label}`);
  void vscode.window.showInformationMessage(`SSLMem: execution provider set to ${picked.label} (user settings).`);
  return picked.label;
}

async function runSelfCheck(backend: BackendHost): Promise<unknown> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'SSLMem self-check job', cancellable: true },
    async (progress, token) => {
      let last = 0;
      // 5 s: long enough to watch the progress and to press Cancel.
      const result = await backend.request(
        'selfCheck',
        { steps: 50, stepMs: 100 },
        {
          token,
          label: 'self-check',
          onProgress: (p) => {
            const pct = (100 * p.step) / p.steps;
            progress.report({ increment: pct - last, message: p.message });
            last = pct;
          },
        },
      );
      void vscode.window.showInformationMessage(
        `SSLMem: self-check passed (${result.stepsDone} steps in ${result.elapsedMs} ms, backend pid ${result.pid}).`,
      );
      return result;
    },
  );
}

async function cancelJob(backend: BackendHost): Promise<number> {
  const running = backend.runningJobs;
  if (running.length === 0) {
    void vscode.window.showInformationMessage('SSLMem: no job is running.');
    return 0;
  }
  if (running.length === 1) return backend.cancelJobs();
  const picked = await vscode.window.showQuickPick([...new Set(running)], { title: 'SSLMem: cancel which job?', canPickMany: true });
  return picked?.length ? backend.cancelJobs(picked) : 0;
}
