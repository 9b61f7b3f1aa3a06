// Runs Overview page (browser bundle, dist/webview/runsOverview.js). Renders what the host sends; keeps
// only UI state (the selected run) via vscode.setState, and refetches data from the host on every load.
// DOM is built with createElement/textContent only: run ids and paths come from disk and are never HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import {
  isHostToWebview,
  isRunsOverviewState,
  type RunRow,
  type RunsMessage,
  type RunsOverviewState,
  type WebviewToHost,
} from '../../src/protocol/webview';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const restored = vscode.getState();
let state: RunsOverviewState = isRunsOverviewState(restored) ? restored : {};
const post = (msg: WebviewToHost) => vscode.postMessage(msg);

function el(tag: string, props: { id?: string; className?: string; text?: string } = {}, ...children: Node[]): HTMLElement {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

function header(count: number | undefined): HTMLElement {
  const refresh = el('vscode-button', { id: 'refresh', text: 'Refresh' });
  refresh.setAttribute('secondary', '');
  refresh.addEventListener('click', () => post({ type: 'refresh' }));
  const counter = el('span', {
    id: 'run-count',
    className: 'muted',
    text: count === undefined ? 'loading…' : `${count} run${count === 1 ? '' : 's'}`,
  });
  return el('header', {}, el('h1', { id: 'title', text: 'Runs Overview' }), counter, refresh);
}

/** What a memorization score is, in two sentences: the panel must explain its own numbers. */
function explanation(): HTMLElement {
  return el('p', {
    className: 'explain',
    text:
      'SSLMem scores how much a self-supervised encoder memorized each training image: the gap between the alignment ' +
      'loss of its augmented views under an encoder that never saw the image (g) and one that trained on it (f). ' +
      'High scores mark images the encoder learned by heart rather than from general features.',
  });
}

function emptyState(msg: RunsMessage): HTMLElement {
  const where = msg.runStoreFolders.length ? msg.runStoreFolders.join(', ') : '(open a folder to get a run store)';
  const box = el(
    'section',
    { id: 'empty-state' },
    el('h2', { text: 'No runs yet' }),
    el('p', { text: 'Runs are read from the run store: ' }, el('code', { text: where })),
    el('p', {
      text:
        'Each run is a folder with a manifest.json. Computing memorization scores (trains encoders f and g, ' +
        'then scores each image) writes such a folder; the command that starts it arrives with the scoring pipeline. ' +
        'The folder is set by the sslmem.runStoreFolder setting.',
    }),
  );
  if (!msg.trusted)
    box.append(
      el('p', { className: 'warning', text: 'This workspace is not trusted: training and scoring are disabled until you trust it.' }),
    );
  return box;
}

function runsTable(runs: RunRow[]): HTMLElement {
  const table = el('vscode-table', { id: 'runs-table' });
  table.setAttribute('zebra', '');
  table.setAttribute('bordered-rows', '');
  const head = el('vscode-table-header');
  head.setAttribute('slot', 'header');
  for (const h of ['Run', 'Status', 'Preset', 'Dataset', 'Created']) head.append(el('vscode-table-header-cell', { text: h }));
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  for (const r of runs) {
    const row = el(
      'vscode-table-row',
      { className: r.id === state.selectedRunId ? 'selected' : '' },
      el('vscode-table-cell', { className: 'run-id', text: r.id }),
      el('vscode-table-cell', { text: r.problem ? `unreadable: ${r.problem}` : (r.status ?? '—') }),
      el('vscode-table-cell', { text: r.preset ?? '—' }),
      el('vscode-table-cell', { text: r.dataset ?? '—' }),
      el('vscode-table-cell', { text: r.createdAt ?? '—' }),
    );
    row.dataset.runId = r.id;
    row.title = 'Click or Space to select; double-click or Enter to open manifest.json; arrow keys move';
    row.tabIndex = 0; // keyboard users reach rows with Tab and move with the arrow keys
    row.addEventListener('click', () => select(r.id));
    row.addEventListener('dblclick', () => post({ type: 'openManifest', runId: r.id }));
    row.addEventListener('keydown', (e) => onRowKey(e, row, r.id));
    body.append(row);
  }
  table.append(head, body);
  return table;
}

function onRowKey(e: KeyboardEvent, row: HTMLElement, runId: string): void {
  const sibling = (dir: 1 | -1) => (dir === 1 ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
  switch (e.key) {
    case 'Enter':
      post({ type: 'openManifest', runId });
      break;
    case ' ':
      select(runId);
      break;
    case 'ArrowDown':
      sibling(1)?.focus();
      break;
    case 'ArrowUp':
      sibling(-1)?.focus();
      break;
    default:
      return;
  }
  e.preventDefault();
}

function select(runId: string): void {
  state = { ...state, selectedRunId: runId };
  vscode.setState(state); // survives hiding the tab and reloading the window
  for (const row of document.querySelectorAll<HTMLElement>('vscode-table-row'))
    row.classList.toggle('selected', row.dataset.runId === runId);
}

function render(msg: RunsMessage | undefined): void {
  const app = document.getElementById('app');
  if (!app) return;
  app.replaceChildren(header(msg?.runs.length), explanation());
  if (!msg) return;
  app.append(msg.runs.length ? runsTable(msg.runs) : emptyState(msg));
  post({ type: 'rendered', rows: msg.runs.length });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostToWebview(event.data)) render(event.data);
  else console.warn('Runs Overview: ignored an unexpected message', event.data);
});

render(undefined);
post({ type: 'ready' });
