// Side-by-side gallery page (browser bundle dist/webview/galleryCompare.js): run A's gallery on the left, B's
// on the right, the same samples each sorted by its own score, every cell with its score change Δ = B − A.
// Rows come per side by position range (the score panel's virtualised Gallery); focusing a sample on one
// side finds and focuses it on the other. Everything from the host is validated; text goes in as textContent.
import {
  isHostToGalleryCompare,
  SIDES,
  type GalleryCompareToHost,
  type PairRow,
  type PairSummary,
  type Side,
} from '../../src/protocol/galleryCompare';
import { el, fmt, vscodeApi } from '../shared/dom';
import { Gallery, type CellDescription } from '../scorePanel/gallery';

const vscode = vscodeApi();
const post = (m: GalleryCompareToHost) => vscode.postMessage(m);
const CELL = 112;
const galleries = {} as Record<Side, Gallery<PairRow>>;
let nextRequest = 1;
/** Set while one side follows the other, so the follower does not send the focus back. */
let following: Side | undefined;
/** Until the user clicks or types in a gallery, its first page's default focus is not a choice to mirror. */
let touched = false;
const other = (s: Side): Side => (s === 'a' ? 'b' : 'a');

function describe(row: PairRow): CellDescription {
  const delta = row.delta;
  const dir = !Number.isFinite(delta) ? '' : delta > 0.005 ? 'up' : delta < -0.005 ? 'down' : 'same';
  const sign = dir === 'up' ? '+' : '';
  // Rounds to 0.00 (no sign) within ±0.005, so the caption never shows "-0.00".
  const shown = !Number.isFinite(delta) ? '—' : dir === 'same' ? '0.00' : delta.toFixed(2);
  return {
    title: `${row.path}\n#${row.rank} here, #${row.otherRank} on the other side · ${row.subset}\nscore ${fmt(row.score)} (other side ${fmt(row.other)}) · Δ (B − A) ${sign}${fmt(delta)}${row.removed ? "\nremoved from the retrained encoder's training data" : ''}`,
    caption: [
      el('span', { className: 'rank', text: `#${row.rank}` }),
      el('span', { className: 'score', text: row.score.toFixed(2).replace(/^-0\.00$/, '0.00') }),
      el('span', { className: `delta delta-${dir}`, text: `Δ${sign}${shown}` }),
    ],
    className: row.removed ? 'removed' : undefined,
  };
}

function column(side: Side, label: string): HTMLElement {
  const root = el('div', { id: `gallery-${side}`, className: 'gallery' });
  const g = new Gallery<PairRow>(
    root,
    {
      requestRows: (start, end) => post({ type: 'getRows', side, requestId: nextRequest++, start, end }),
      onFocusChange: (row) => {
        if (!row || following === side || !touched) return;
        // The same sample is selected on both sides (rows carry run A's index on both).
        for (const s of SIDES) {
          galleries[s].selected.clear();
          galleries[s].selected.add(row.index);
          galleries[s].render();
        }
        post({ type: 'locate', side: other(side), index: row.index });
      },
      onSelectionChange: () => {},
      onActivate: (row) => post({ type: 'openFile', index: row.index }),
      onScroll: () => {},
      describe,
    },
    CELL,
    [],
  );
  galleries[side] = g;
  for (const type of ['pointerdown', 'keydown'])
    root.addEventListener(
      type,
      () => {
        touched = true;
      },
      { capture: true },
    );
  return el(
    'section',
    { className: 'side' },
    el('h2', { text: side === 'a' ? `A · ${label}` : `B · ${label}`, title: label }),
    el('div', { className: 'muted side-hint', text: "sorted by this side's score, highest first" }),
    root,
  );
}

function layout(s: PairSummary): void {
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const stats =
    `${s.shared.toLocaleString()} samples in both` +
    (s.onlyA || s.onlyB ? ` (left out: ${s.onlyA} only in A, ${s.onlyB} only in B)` : '') +
    ` · Pearson r ${f(s.pearson)} · Spearman ρ ${f(s.spearman)} · mean Δ ${f(s.meanDelta)}`;
  document
    .getElementById('app')!
    .replaceChildren(
      el('header', {}, el('h1', { text: 'Side by side' }), el('span', { className: 'muted', text: s.title })),
      el('p', { id: 'stats', className: 'muted', text: stats }),
      el('p', { className: 'explain', text: `${s.note} Click a sample to find it on the other side; double-click opens its file.` }),
      el('div', { className: 'pair' }, column('a', s.labelA), column('b', s.labelB)),
      el('div', { id: 'notice', className: 'notice', attrs: { role: 'status' } }),
    );
  for (const side of SIDES) galleries[side].render();
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const msg = ev.data;
  if (!isHostToGalleryCompare(msg)) return;
  switch (msg.type) {
    case 'init':
      layout(msg);
      break;
    case 'page': {
      const g = galleries[msg.side];
      if (!g) break;
      g.receive(msg.start, msg.rows, msg.total);
      post({ type: 'rendered', side: msg.side, rows: msg.rows.length });
      break;
    }
    case 'located':
      following = msg.side;
      try {
        galleries[msg.side]?.focusPosition(msg.pos);
      } finally {
        following = undefined;
      }
      break;
    case 'notice': {
      const n = document.getElementById('notice');
      if (n) {
        n.textContent = msg.text;
        n.classList.add('visible');
      } else document.getElementById('app')!.append(el('p', { className: 'error', text: msg.text }));
      break;
    }
  }
});
post({ type: 'ready' });
