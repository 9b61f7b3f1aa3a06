// activate(): wire the ui/ pieces together; nothing else lives here. The return value is the extension's
// API, used by the in-host integration tests and the gallery benchmark.
import * as vscode from 'vscode';
import { BackendHost } from './ui/backendHost';
import { registerCommands } from './ui/commands';
import { runStoreFolders } from './ui/config';
import { ImageInspectorProvider, INSPECTOR_VIEW_TYPE } from './ui/imageInspector';
import { BadgeRunPin } from './ui/badgeRun';
import { RunsTreeProvider } from './ui/runsTree';
import { RunsOverviewPanels } from './ui/runsOverviewPanel';
import { TopSamplesViewProvider } from './ui/topSamplesView';
import { ScoreIndex } from './ui/scoreIndex';
import { ScorePanels } from './ui/scorePanel';
import { ScoreDecorations, ScoreHoverProvider } from './ui/scorePreviews';
import { registerRetrain, type RetrainPanels } from './ui/retrainPanel';
import { GalleryComparePanels } from './ui/galleryComparePanel';
import { DatasetRelinks } from './ui/relinkDataset';
import type { RunData } from './ui/runData';
import { registerLayersPanel, type LayersPanels } from './ui/layersPanel';
import { TrainingPanel } from './ui/trainingPanel';

export interface SslmemApi {
  backend: BackendHost;
  runs: RunsTreeProvider;
  runsOverview: RunsOverviewPanels;
  scorePanels: ScorePanels;
  scoreIndex: ScoreIndex;
  decorations: ScoreDecorations;
  hovers: ScoreHoverProvider;
  inspector: ImageInspectorProvider;
  topSamples: TopSamplesViewProvider;
  /** Side-by-side galleries of two runs, or of a run and a retrained encoder. */
  galleries: GalleryComparePanels;
  retrain: RetrainPanels;
  /** Layers & Units panels (LayerMem, UnitMem; issue 16). */
  layers: LayersPanels;
  /** The run pinned to decorate the workspace (workspaceState), or none: the latest run per dataset. */
  badgeRun: BadgeRunPin;
  /** Relinks runs whose dataset moved (issue 17 item 1). */
  relinks: DatasetRelinks;
  /** The live training view of a run, once its folder is known (a resume reuses it). */
  trainingViews: { ofRun(runDir: string): TrainingPanel | undefined };
  /** Re-reads finished runs into the score index; resolves when previews are up to date. */
  refreshScores(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): SslmemApi {
  const backend = new BackendHost(context.asAbsolutePath('dist/backend.js'));
  const runs = new RunsTreeProvider();
  const runsOverview = new RunsOverviewPanels(context.extensionUri, backend.log);
  const scorePanels = new ScorePanels(context.extensionUri, backend.log);
  const scoreIndex = new ScoreIndex();
  const decorations = new ScoreDecorations(scoreIndex);
  const hovers = new ScoreHoverProvider(scoreIndex);
  const inspector = new ImageInspectorProvider(context.extensionUri, scoreIndex);
  const topSamples = new TopSamplesViewProvider(scoreIndex);
  const galleries = new GalleryComparePanels(context.extensionUri, backend.log);
  const badgeRun = new BadgeRunPin(context.workspaceState);
  const relinks = new DatasetRelinks(context.workspaceState, backend.log);
  scorePanels.datasets = relinks;
  runs.badgeRuns = { decorating: () => scoreIndex.decoratingRuns, pinned: () => scoreIndex.pinned?.dir };

  // One rebuild at a time; a change during a rebuild schedules exactly one more.
  let rebuilding: Promise<void> | undefined,
    again = false;
  const refreshScores = async (): Promise<void> => {
    if (rebuilding) {
      again = true;
      return rebuilding;
    }
    rebuilding = (async () => {
      do {
        again = false;
        try {
          await scoreIndex.rebuild(runStoreFolders(), badgeRun.get());
        } catch (err) {
          backend.log.warn(`score index: ${(err as Error).message}`);
        }
      } while (again);
      decorations.refresh();
      topSamples.refresh();
      void relinks.tellMissing(scoreIndex.runs); // a moved project: say so (log + notification), offer the folder
      runs.redraw(); // "· badges" moves to the run that now decorates
    })().finally(() => {
      rebuilding = undefined;
    });
    return rebuilding;
  };

  const compute = {
    extensionUri: context.extensionUri,
    backend,
    onRunFinished: async (runDir: string, openPanel: boolean) => {
      runs.refresh();
      await refreshScores();
      if (openPanel && runDir) await scorePanels.open(runDir);
    },
  };
  const scoresView = vscode.window.createTreeView('sslmem.scores', { treeDataProvider: topSamples });
  topSamples.attach(scoresView);
  context.subscriptions.push(
    backend,
    runs,
    runsOverview,
    scorePanels,
    decorations,
    inspector,
    topSamples,
    galleries,
    badgeRun,
    scoresView,
    vscode.window.registerTreeDataProvider('sslmem.runs', runs),
    badgeRun.onDidChange(() => {
      void refreshScores();
    }),
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], hovers),
    vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW_TYPE, inspector, { supportsMultipleEditorsPerDocument: true }),
    ...registerCommands({ backend, runs, runsOverview, scorePanels, galleries, compute, badgeRun, refreshScores }),
    // The overview panel and the score previews follow the run store: whenever the tree re-reads it, so do they.
    runs.onDidChangeRuns(() => {
      void runsOverview.refresh();
      void refreshScores();
    }),
    // Granting trust enables jobs; refresh so the panel's empty state stops saying they are disabled.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void runsOverview.refresh();
    }),
    relinks,
    relinks.onDidRelink(async (runDir) => {
      await scorePanels.relocated(runDir);
      runs.refresh();
      await refreshScores();
    }),
    vscode.commands.registerCommand('sslmem.relinkDataset', async (run?: unknown, target?: unknown) => {
      try {
        const runDir =
          typeof run === 'string'
            ? run
            : run instanceof vscode.Uri
              ? run.fsPath
              : ((run as { dir?: unknown } | undefined)?.dir ?? (await pickMovedRun(scoreIndex.runs)));
        if (typeof runDir !== 'string') return undefined;
        return await relinks.relink(runDir, typeof target === 'string' ? target : undefined);
      } catch (err) {
        backend.log.error(`relink dataset: ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`SSLMem: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
  const retrain = registerRetrain(context, backend, galleries); // retrain-after-removal panel + its two commands (issue 6)
  const layers = registerLayersPanel(context, backend, scorePanels); // Layers & Units panel + its command (issue 16)
  void vscode.commands.executeCommand('setContext', 'sslmem.jobRunning', false);
  void refreshScores();
  backend.log.info(`SSLMem Studio activated (VS Code ${vscode.version}, extension host node ${process.version})`);
  const trainingViews = { ofRun: (runDir: string) => TrainingPanel.ofRun(runDir) };
  return {
    backend,
    runs,
    runsOverview,
    scorePanels,
    scoreIndex,
    decorations,
    hovers,
    inspector,
    topSamples,
    galleries,
    retrain,
    layers,
    badgeRun,
    relinks,
    trainingViews,
    refreshScores,
  };
}

/** The run to relink when the command names none: the runs whose dataset is missing (else all indexed runs). */
async function pickMovedRun(indexed: readonly RunData[]): Promise<string | undefined> {
  const moved = indexed.filter((d) => d.location.state === 'missing');
  const list = moved.length ? moved : indexed;
  const pick = await vscode.window.showQuickPick(
    list.map((d) => ({ label: d.id, detail: d.location.recorded, dir: d.dir })),
    { title: 'SSLMem: relink the dataset of which run?' },
  );
  return pick?.dir;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; disposing BackendHost stops the backend process.
}
