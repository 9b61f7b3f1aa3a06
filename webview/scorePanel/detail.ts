// The sample detail pane: the focused image large, its numbers, and actions (open the file, open it in
// the SSLMem Image Inspector, keep/exclude). Follows the gallery's keyboard focus.
import type { GalleryRow, Mark } from '../../src/protocol/scorePanel';
import { el, fmt } from '../shared/dom';
import { SUBSET_LABELS } from './charts';
import { lossLabels } from './subsets';
import { scoreWithInterval } from './scoreSeries';

export interface DetailActions {
  openFile(row: GalleryRow): void;
  openInspector(row: GalleryRow): void;
  mark(row: GalleryRow, mark: Mark | 'none'): void;
  wantViews(row: GalleryRow): void;
}

export function renderDetail(
  root: HTMLElement,
  row: GalleryRow | undefined,
  classNames: string[],
  actions: DetailActions,
  seedPairs = 1,
): void {
  if (!row) {
    delete root.dataset.index;
    root.replaceChildren(
      el('p', { className: 'muted', text: 'Select a sample to see its details. Arrow keys move, Space selects, Enter opens.' }),
    );
    return;
  }
  // The same sample drawn again (its mark changed): keep the augmented views it already has.
  const kept = root.dataset.index === String(row.index) ? root.querySelector<HTMLElement>('#detail-views') : null;
  root.dataset.index = String(row.index);
  if (!kept) actions.wantViews(row);
  // ...and the keyboard focus, when it was on one of the pane's buttons (Keep / Exclude just pressed).
  const refocus = kept && root.contains(document.activeElement) ? document.activeElement?.id : undefined;
  const img = el('img', { className: 'detail-image', attrs: { alt: row.path } });
  if (row.thumb) img.src = row.thumb;
  const file = el('a', { className: 'path', text: row.path, title: 'Open the file in VS Code', attrs: { href: '#', id: 'detail-path' } });
  file.addEventListener('click', (e) => {
    e.preventDefault();
    actions.openFile(row);
  });
  const losses = lossLabels(row.subset);
  const fields: [string, string, string?][] = [
    ...(row.p !== undefined
      ? wholeFields(row)
      : ([
          ['score', scoreWithInterval(row.score, row.stderr, seedPairs), 'detail-score'],
          ['noise', row.noise ? 'within noise (as the control images score)' : 'outside the noise band', 'detail-noise'],
          [
            'rank',
            row.questionRank === undefined
              ? `control: not ranked for memorization (#${row.rank} over all subsets)`
              : `#${row.questionRank} by memorization (#${row.rank} over all subsets)`,
            'detail-rank',
          ],
          ['raw L_g − L_f', fmt(row.raw, 4)],
          [losses.lf, fmt(row.lf, 4)],
          [losses.lg, fmt(row.lg, 4)],
          ['subset', SUBSET_LABELS[row.subset]],
        ] as [string, string, string?][])),
    ['label', row.label >= 0 ? `${classNames[row.label] ?? row.label} (${row.label})` : 'unlabeled'],
    ['mark', row.mark ?? '—', 'detail-mark'],
  ];
  const table = el('dl', { className: 'fields' });
  for (const [k, v, id] of fields) table.append(el('dt', { text: k }), el('dd', { text: v, id }));
  const button = (text: string, id: string, onClick: () => void, secondary = true) => {
    const b = el('vscode-button', { id, text });
    if (secondary) b.setAttribute('secondary', '');
    b.addEventListener('click', onClick);
    return b;
  };
  const views =
    kept ?? el('div', { id: 'detail-views', className: 'views', title: 'Augmented views the encoders were scored on (2 pairs)' });
  root.replaceChildren(
    img,
    views,
    el('div', { className: 'detail-title' }, file),
    table,
    el(
      'div',
      { className: 'detail-actions' },
      button('Keep', 'detail-keep', () => actions.mark(row, row.mark === 'keep' ? 'none' : 'keep')),
      button('Exclude', 'detail-exclude', () => actions.mark(row, row.mark === 'exclude' ? 'none' : 'exclude')),
      button('Inspect', 'detail-inspect', () => actions.openInspector(row), false),
    ),
  );
  if (refocus) root.querySelector<HTMLElement>(`#${CSS.escape(refocus)}`)?.focus();
}

/** Shows the augmented views of the sample the pane still shows (answers may arrive after focus moved on). */
export function showViews(root: HTMLElement, index: number, uris: string[]): void {
  const box = root.querySelector<HTMLElement>('#detail-views');
  if (!box || root.dataset.index !== String(index)) return;
  box.replaceChildren(
    ...uris.map((u) => {
      const i = el('img', { attrs: { alt: 'augmented view' } });
      i.src = u;
      return i;
    }),
  );
}

/** A whole-dataset run's numbers (rows with a p-value): L_in/L_out, the standard error, p against the controls, BH q. */
function wholeFields(row: GalleryRow): [string, string, string?][] {
  const control = row.subset === 'S_E';
  const p = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x < 1e-3 ? x.toExponential(1) : x.toFixed(3));
  return [
    ['score', `${fmt(row.score, 4)} ± ${fmt(row.stderr ?? NaN, 4)} (normalised; ± s.e. over the encoders)`],
    ['noise', row.noise ? 'within noise (as the control images score)' : 'outside the noise band', 'detail-noise'],
    [
      'rank',
      row.questionRank === undefined
        ? `control: not ranked for memorization (#${row.rank} over all images)`
        : `#${row.questionRank} by memorization (#${row.rank} over all images)`,
      'detail-rank',
    ],
    ['p-value', `${p(row.p)} (against the control images)`],
    ['q (Benjamini–Hochberg)', control ? '— (a control)' : p(row.q)],
    ['L_in (encoders trained on it)', `${fmt(row.lf, 4)}${control ? ' (pseudo: no encoder trained on a control)' : ''}`],
    ['L_out (encoders that never saw it)', fmt(row.lg, 4)],
    ['set', control ? 'control: no encoder trained on it (the null)' : 'scored: in the training data of half the encoders'],
  ];
}
