// Score panel page (browser bundle dist/webview/scorePanel.js). Wires the gallery, sidebar and detail pane
// to the host: rows come by index range (getRows), everything else is UI state persisted with setState
// (filters, threshold, density, selection, scroll) so a reload restores the view and refetches the data.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import {
  SORT_KEYS,
  SORT_LABELS,
  isHostToScorePanel,
  isScorePanelState,
  isSortKey,
  type GalleryRow,
  type HostToScorePanel,
  type InitMessage,
  type Mark,
  type PageMessage,
  type RowFilter,
  type ScorePanelState,
  type ScorePanelToHost,
} from '../../src/protocol/scorePanel';
import { el, vscodeApi } from '../shared/dom';
import { renderDetail, showViews } from './detail';
import { Gallery, PAGE_SIZE } from './gallery';
import { Sidebar } from './sidebar';
import { noiseRuleText } from '../../src/ui/ranking';

const vscode = vscodeApi();
const post = (m: ScorePanelToHost) => vscode.postMessage(m);
const restored = vscode.getState();
let state: ScorePanelState | undefined = isScorePanelState(restored) ? restored : undefined;
let init: InitMessage | undefined;
let gallery: Gallery | undefined;
let nextRequest = 1;
/** requestId -> when it was sent; answers to requests made before the last filter change are dropped. */
const inFlight = new Map<number, number>();
let generationStart = 1;
let lastMarks: string | undefined;
/** A setMark was sent: the next marks message refreshes the rows even if the counts did not change. */
let markEdited = false;
let scrollSave: ReturnType<typeof setTimeout> | undefined;
let sidebarView: Sidebar | undefined;
let makeSidebar: (() => void) | undefined;
let viewsTimer: ReturnType<typeof setTimeout> | undefined;
/** Pages that arrived before the gallery existed (the first page races the init message). */
const earlyPages: PageMessage[] = [];

const save = () => {
  if (state) vscode.setState(state);
};

function explanation(): HTMLElement {
  return el(
    'details',
    { className: 'explain', id: 'explain' },
    el('summary', { text: 'What does the score mean?' }),
    el('p', {
      text:
        'SSLMem compares two encoders trained the same way: f saw this image during training, g never did. ' +
        'For each image both encoders embed several augmented views; the alignment loss L is how far apart those embeddings are. ' +
        'The score is L_g − L_f, normalised: high scores mean f aligns the views of this image much better than g, i.e. f memorized it ' +
        'rather than learning it from general features.',
    }),
    el('p', {
      text:
        'S_C (candidates, seen only by f) is where memorization shows; S_S (seen by both) and S_E (seen by neither) ' +
        'should score near zero, S_I (seen only by g) below zero. The threshold τ counts the S_C images scoring above it.',
    }),
  );
}

/** A moved or cloned project: say why the thumbnails are missing and offer to relink (the host asks which folder). */
function datasetBanner(msg: InitMessage): HTMLElement[] {
  const missing = msg.datasetMissing;
  if (!missing) return [];
  const button = el('vscode-button', { id: 'relink-dataset', text: missing.candidate ? 'Relink dataset…' : 'Choose dataset folder…' });
  button.addEventListener('click', () => post({ type: 'relinkDataset' }));
  const text =
    `The run's dataset is not at ${missing.recorded} (the project was moved, copied or cloned?), so its images cannot be shown. ` +
    (missing.candidate
      ? `The workspace has a folder with the same images: ${missing.candidate}.`
      : 'Point the run at the dataset folder to show them.');
  return [el('div', { id: 'dataset-banner', className: 'banner', attrs: { role: 'alert' } }, el('span', { text }), button)];
}

/** What the captions mean: the rank among the question's points, controls apart, and the noise rule. */
function legend(msg: InitMessage): HTMLElement {
  const question = msg.question.length === 1 ? msg.question[0] : 'all scored images';
  const controls =
    msg.question.length === 1 ? ' · ctrl = control image (S_S, S_I, S_E): a baseline, listed after S_C, never ranked as memorized' : '';
  const rule = noiseRuleText(msg.noiseBand);
  return el(
    'div',
    { id: 'legend', className: 'legend muted', title: rule },
    el('span', { text: `#n = rank among ${question}, 1 = most memorized${controls} · ` }),
    el('span', { className: 'noise', text: '≈0.03' }),
    el('span', { text: msg.noiseBand ? ' = within noise (hover for the rule)' : ' (no controls: no noise level)' }),
  );
}

function layout(msg: InitMessage): void {
  const app = document.getElementById('app')!;
  const count = el('span', { id: 'count', className: 'muted', text: 'loading…' });
  const selection = el('span', { id: 'selection-count', className: 'muted' });
  const marks = el('span', { id: 'mark-count', className: 'muted' });
  const density = el('input', {
    id: 'density',
    attrs: { type: 'range', min: '48', max: '192', step: '8', 'aria-label': 'thumbnail size', title: 'Thumbnail size' },
  });
  density.value = String(state!.density);
  const button = (text: string, id: string, onClick: () => void, title = '') => {
    const b = el('vscode-button', { id, text, title, attrs: { secondary: '' } });
    b.addEventListener('click', onClick);
    return b;
  };
  const sort = el('vscode-single-select', { id: 'sort', attrs: { 'aria-label': 'sort order' } });
  for (const key of SORT_KEYS) {
    const o = el('vscode-option', { text: SORT_LABELS[key], attrs: { value: key } });
    if ((state!.sort ?? 'memorization') === key) o.setAttribute('selected', '');
    sort.append(o);
  }
  sort.addEventListener('change', () => {
    const v = (sort as unknown as { value: unknown }).value;
    if (!isSortKey(v) || v === (state!.sort ?? 'memorization')) return;
    state!.sort = v;
    save();
    generationStart = nextRequest;
    gallery!.reset();
  });
  const galleryRoot = el('div', { id: 'gallery' });
  const detail = el('aside', { id: 'detail' });
  const sidebar = el('aside', { id: 'sidebar' });
  const meta = `${msg.preset} · ${msg.n.toLocaleString()} samples · ${msg.classNames.length} classes · ${msg.normalisation} normalisation`;
  app.replaceChildren(
    el(
      'header',
      {},
      el('h1', { id: 'title', text: 'Memorization scores' }),
      el('span', { className: 'muted run-meta', text: meta, title: `${msg.runId}\n${msg.dataset}` }),
      el('label', { className: 'density', title: 'Thumbnail size' }, el('span', { className: 'muted', text: 'Size' }), density),
    ),
    ...datasetBanner(msg),
    explanation(),
    el(
      'div',
      { className: 'layout' },
      sidebar,
      el(
        'main',
        {},
        el(
          'div',
          { className: 'toolbar' },
          count,
          selection,
          marks,
          el('span', { className: 'spacer-flex' }),
          el('label', { className: 'sort', title: 'Order of the gallery' }, el('span', { className: 'muted', text: 'Sort' }), sort),
          button('Keep', 'mark-keep', () => markSelection('keep'), 'Mark the selected samples as kept'),
          button('Exclude', 'mark-exclude', () => markSelection('exclude'), 'Mark the selected samples for exclusion'),
          button('Clear mark', 'mark-none', () => markSelection('none')),
          button(
            'Export…',
            'export',
            () => post({ type: 'exportSelection', indices: [...gallery!.selected] }),
            'Export the selected samples as CSV',
          ),
        ),
        legend(msg),
        galleryRoot,
      ),
      detail,
    ),
    el('div', { id: 'notice', className: 'notice', attrs: { role: 'status' } }),
  );
  const showDetail = (row: GalleryRow | undefined) =>
    renderDetail(
      detail,
      row,
      msg.classNames,
      {
        openFile: (r) => post({ type: 'openFile', index: r.index }),
        openInspector: (r) => post({ type: 'openInspector', index: r.index }),
        mark: (r, m) => {
          markEdited = true;
          post({ type: 'setMark', indices: [r.index], mark: m });
        },
        // Rendering views costs the host a few ms per sample: ask only once the focus rests a moment.
        wantViews: (r) => {
          clearTimeout(viewsTimer);
          viewsTimer = setTimeout(() => post({ type: 'getViews', index: r.index }), 120);
        },
      },
      msg.seedPairs ?? 1,
    );
  gallery = new Gallery(
    galleryRoot,
    {
      requestRows: (start, end) => {
        const id = nextRequest++;
        inFlight.set(id, performance.now());
        post({ type: 'getRows', requestId: id, filter: state!.filter, start, end, sort: state!.sort ?? 'memorization' });
      },
      onFocusChange: (row) => {
        showDetail(row);
        if (row) {
          state!.focus = row.index;
          save();
        }
      },
      onSelectionChange: (sel) => {
        state!.selected = [...sel];
        save();
        showCounts();
      },
      onActivate: (row) => {
        showDetail(row);
        detail.querySelector<HTMLElement>('#detail-path')?.focus();
      },
      // After marks change the focused row comes back with its new mark: the detail pane shows it at once.
      onFocusedRowUpdate: (row) => showDetail(row),
      onScroll: (top) => {
        // setState crosses to the host: once the scrolling stops is enough.
        state!.scrollTop = top;
        clearTimeout(scrollSave);
        scrollSave = setTimeout(save, 250);
      },
    },
    state!.density,
    state!.selected,
  );
  density.addEventListener('input', () => {
    state!.density = Number(density.value);
    save();
    gallery!.setCellSize(state!.density);
  });
  // The sidebar (themed custom elements, then charts) is built once the first page is on screen: the
  // images are what a person opened the panel for.
  makeSidebar = () => {
    makeSidebar = undefined;
    sidebarView = new Sidebar(sidebar, msg, state!.filter, state!.threshold, {
      onFilterChange: (filter) => {
        state!.filter = filter;
        save();
        generationStart = nextRequest;
        gallery!.reset();
      },
      onThresholdChange: (tau) => {
        state!.threshold = tau;
        save();
      },
    });
    requestAnimationFrame(() => setTimeout(() => sidebarView?.drawCharts()));
  };
  showDetail(undefined);
  showCounts();
  // The first page was asked for before init arrived (see the bottom of this file).
  if (earlyPages.length) for (const p of earlyPages.splice(0)) deliver(p);
  else gallery.expect(0);
  gallery.render();
  setTimeout(() => makeSidebar?.(), 1500); // in case the first page is slow
  if (state!.scrollTop) gallery.restoreScroll(state!.scrollTop);
}

function markSelection(mark: Mark | 'none'): void {
  const indices = [...gallery!.selected];
  if (indices.length) {
    markEdited = true;
    post({ type: 'setMark', indices, mark });
  }
}

function showCounts(): void {
  const total = gallery?.total;
  document.getElementById('count')!.textContent =
    total === undefined ? 'loading…' : `${total.toLocaleString()} of ${init!.n.toLocaleString()} samples`;
  const n = gallery?.selected.size ?? 0;
  document.getElementById('selection-count')!.textContent = n ? `· ${n} selected` : '';
}

function deliver(msg: PageMessage): void {
  const sent = inFlight.get(msg.requestId);
  inFlight.delete(msg.requestId);
  gallery!.receive(msg.start, msg.rows, msg.total);
  showCounts();
  // Measured after layout of the new cells: the time a person waits for this page.
  requestAnimationFrame(() => {
    // Named marks let the benchmark read when the first page was on screen, relative to the document's start.
    if (!performance.getEntriesByName('sslmem:first-page').length) performance.mark('sslmem:first-page');
    post({ type: 'rendered', requestId: msg.requestId, rows: msg.rows.length, ms: sent === undefined ? 0 : performance.now() - sent });
    setTimeout(() => makeSidebar?.());
  });
}

function onMessage(msg: HostToScorePanel): void {
  switch (msg.type) {
    case 'init': {
      const first = !init;
      init = msg;
      performance.mark('sslmem:init');
      if (!state || state.runDir !== msg.runDir) {
        state = { runDir: msg.runDir, filter: { subsets: [], classes: [] }, threshold: msg.noiseLevel ?? 0, density: 96, selected: [] };
      }
      save();
      if (first) layout(msg);
      break;
    }
    case 'page': {
      if (msg.requestId < generationStart) return; // answers a superseded filter
      if (!gallery) {
        earlyPages.push(msg);
        return;
      }
      deliver(msg);
      break;
    }
    case 'marks': {
      document.getElementById('mark-count')!.textContent = msg.keep || msg.exclude ? `· ${msg.keep} kept · ${msg.exclude} excluded` : '';
      // Marks show on the cells and in the detail pane: re-read the loaded pages (keeping the scroll position)
      // when they changed. Counts alone can miss a change (one sample kept, another un-kept), so an edit made
      // here always refreshes.
      const key = `${msg.keep}/${msg.exclude}`;
      if (markEdited || (lastMarks !== undefined && lastMarks !== key)) gallery?.refresh();
      markEdited = false;
      lastMarks = key;
      break;
    }
    case 'views': {
      const detail = document.getElementById('detail');
      if (detail) showViews(detail, msg.index, msg.uris);
      break;
    }
    case 'notice': {
      const n = document.getElementById('notice');
      if (n) {
        n.textContent = msg.text;
        n.classList.add('visible');
        setTimeout(() => n.classList.remove('visible'), 5000);
      }
      break;
    }
  }
}

// VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast) when the theme changes:
// the charts are drawn again in the new colours, and the thumbnails painted again (gallery.repaint).
function onThemeChange(): void {
  sidebarView?.restyle();
  gallery?.repaint();
}
new MutationObserver(onThemeChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isHostToScorePanel(e.data)) onMessage(e.data);
  else console.warn('score panel: ignored an unexpected message', e.data);
});
document.getElementById('app')!.replaceChildren(el('p', { className: 'muted', text: 'Loading scores…' }));
post({ type: 'ready' });
// Ask for the first page at once, with the restored filter, instead of after init: saves a round trip
// on the way to the first images.
{
  const id = nextRequest++;
  inFlight.set(id, performance.now());
  post({
    type: 'getRows',
    requestId: id,
    filter: state?.filter ?? { subsets: [], classes: [] },
    start: 0,
    end: PAGE_SIZE,
    sort: state?.sort ?? 'memorization',
  });
}
export type { RowFilter };
