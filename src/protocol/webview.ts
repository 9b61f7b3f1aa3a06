// Messages between the extension host and the Runs Overview webview. Imported by both bundles (host and
// browser), so it must stay free of Node and `vscode` imports. Whatever a webview posts is untrusted input
// (its page could be confused by a crafted run), hence the guards: the host drops and logs anything else.
import { isObject } from './guards';

/** One run as the panel shows it (a display subset of src/engine/runs/list.ts's RunSummary). */
export interface RunRow {
  id: string;
  status?: string;
  preset?: string;
  dataset?: string;
  createdAt?: string;
  problem?: string;
}

// ---- host -> webview ----
export interface RunsMessage {
  type: 'runs';
  runStoreFolders: string[];
  runs: RunRow[];
  /** Jobs (and so computing scores) are disabled in untrusted workspaces; the empty state says so. */
  trusted: boolean;
}
export type HostToWebview = RunsMessage;

// ---- webview -> host ----
/** The script has loaded and wants data (sent on every load, including after a reload restore). */
export interface ReadyMessage {
  type: 'ready';
}
export interface RefreshMessage {
  type: 'refresh';
}
/** Open a run's manifest.json in an editor. */
export interface OpenManifestMessage {
  type: 'openManifest';
  runId: string;
}
/** The page finished drawing a runs message (lets the host, and tests, know the content is on screen). */
export interface RenderedMessage {
  type: 'rendered';
  rows: number;
}
export type WebviewToHost = ReadyMessage | RefreshMessage | OpenManifestMessage | RenderedMessage;

/** UI state the webview persists with vscode.setState (never data: data is refetched from the host). */
export interface RunsOverviewState {
  selectedRunId?: string;
}

/** Run ids become folder names; bound them so a message cannot smuggle a path. */
const isRunId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200 && !/[\\/]|^\.\.?$/.test(x);

export function isWebviewToHost(x: unknown): x is WebviewToHost {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'refresh':
      return Object.keys(x).length === 1;
    case 'openManifest':
      return isRunId(x.runId) && Object.keys(x).length === 2;
    case 'rendered':
      return typeof x.rows === 'number' && Number.isInteger(x.rows) && x.rows >= 0 && Object.keys(x).length === 2;
    default:
      return false;
  }
}

const optStr = (x: unknown) => x === undefined || typeof x === 'string';
function isRunRow(x: unknown): x is RunRow {
  return (
    isObject(x) &&
    typeof x.id === 'string' &&
    optStr(x.status) &&
    optStr(x.preset) &&
    optStr(x.dataset) &&
    optStr(x.createdAt) &&
    optStr(x.problem)
  );
}

/** The webview checks host messages too: cheap, and a version skew after an update fails visibly, not weirdly. */
export function isHostToWebview(x: unknown): x is HostToWebview {
  return (
    isObject(x) &&
    x.type === 'runs' &&
    Array.isArray(x.runStoreFolders) &&
    x.runStoreFolders.every((f) => typeof f === 'string') &&
    Array.isArray(x.runs) &&
    x.runs.every(isRunRow) &&
    typeof x.trusted === 'boolean'
  );
}

export function isRunsOverviewState(x: unknown): x is RunsOverviewState {
  return isObject(x) && (x.selectedRunId === undefined || typeof x.selectedRunId === 'string');
}
