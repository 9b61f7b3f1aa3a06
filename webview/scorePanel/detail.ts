// The sample detail pane: the focused image large, its numbers, and actions (open the file, open it in
// the SSLMem Image Inspector, keep/exclude). Follows the gallery's keyboard focus.
import type { GalleryRow, Mark } from '../../src/protocol/scorePanel';
import { el, fmt } from '../shared/dom';
import { SUBSET_LABELS } from './charts';

export interface DetailActions {
  openFile(row: GalleryRow): void;
  openInspector(row: GalleryRow): void;
  mark(row: GalleryRow, mark: Mark | 'none'): void;
  wantViews(row: GalleryRow): void;
}

export function renderDetail(root: HTMLElement, row: GalleryRow | undefined, classNames: string[], actions: DetailActions): void {
  if (!row) {
    delete root.dataset.index;
    root.replaceChildren(el('p', { className: 'muted', text: 'Select a sample to see its details. Arrow keys move, Space selects, Enter opens.' }));
    return;
  }
  root.dataset.index = String(row.index);
  actions.wantViews(row);
  const img = el('img', { className: 'detail-image', attrs: { alt: row.path } });
  if (row.thumb) img.src = row.thumb;
  const file = el('a', { className: 'path', text: row.path, title: 'Open the file in VS Code', attrs: { href: '#', id: 'detail-path' } });
  file.addEventListener('click', (e) => { e.preventDefault(); actions.openFile(row); });
  const fields: [string, string][] = [
    ['score', `${fmt(row.score, 4)} (normalised)`],
    ['rank', `#${row.rank}`],
    ['raw L_g − L_f', fmt(row.raw, 4)],
    ['L_f (trained on it)', fmt(row.lf, 4)],
    ['L_g (never saw it)', fmt(row.lg, 4)],
    ['subset', SUBSET_LABELS[row.subset]],
    ['label', row.label >= 0 ? `${classNames[row.label] ?? row.label} (${row.label})` : 'unlabeled'],
    ['mark', row.mark ?? '—'],
  ];
  const table = el('dl', { className: 'fields' });
  for (const [k, v] of fields) table.append(el('dt', { text: k }), el('dd', { text: v }));
  const button = (text: string, id: string, onClick: () => void, secondary = true) => {
    const b = el('vscode-button', { id, text });
    if (secondary) b.setAttribute('secondary', '');
    b.addEventListener('click', onClick);
    return b;
  };
  const views = el('div', { id: 'detail-views', className: 'views', title: 'Augmented views the encoders were scored on (2 pairs)' });
  root.replaceChildren(
    img,
    views,
    el('div', { className: 'detail-title' }, file),
    table,
    el('div', { className: 'detail-actions' },
      button('Keep', 'detail-keep', () => actions.mark(row, row.mark === 'keep' ? 'none' : 'keep')),
      button('Exclude', 'detail-exclude', () => actions.mark(row, row.mark === 'exclude' ? 'none' : 'exclude')),
      button('Inspect', 'detail-inspect', () => actions.openInspector(row), false)),
  );
}

/** Shows the augmented views of the sample the pane still shows (answers may arrive after focus moved on). */
export function showViews(root: HTMLElement, index: number, uris: string[]): void {
  const box = root.querySelector<HTMLElement>('#detail-views');
  if (!box || root.dataset.index !== String(index)) return;
  box.replaceChildren(...uris.map((u) => { const i = el('img', { attrs: { alt: 'augmented view' } }); i.src = u; return i; }));
}
