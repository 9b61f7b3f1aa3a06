// The virtualised image grid. Only the cells in (and just around) the viewport exist in the DOM; rows arrive
// from the host in pages of PAGE_SIZE by position in the filtered, rank-ordered list, and a page is asked for
// only when it scrolls into reach. Selection is by dataset index, so it survives filter changes and reloads.
// Generic over the row type so the side-by-side comparison reuses it with its own captions (host.describe).
import type { GalleryRow, Mark } from '../../src/protocol/scorePanel';
import { el, fmt } from '../shared/dom';

export const PAGE_SIZE = 100;
const GAP = 6;
const CAPTION = 34;

/** What every gallery row has: its dataset index (selection key), path, image and optional mark. */
export interface CellRow {
  index: number;
  path: string;
  thumb: string;
  mark?: Mark;
}

/** A cell's caption, tooltip and extra classes; the score panel's default is defaultDescribe(). */
export interface CellDescription {
  caption: Node[];
  title: string;
  className?: string;
}

export interface GalleryHost<R extends CellRow = GalleryRow> {
  requestRows(start: number, end: number): void;
  onFocusChange(row: R | undefined): void;
  onSelectionChange(selected: ReadonlySet<number>): void;
  onActivate(row: R): void;
  /**
   * The focused row arrived again, maybe changed (e.g. its mark, after refresh()). Optional: the side-by-side
   * comparison follows focus moves only.
   */
  onFocusedRowUpdate?(row: R): void;
  onScroll(scrollTop: number): void;
  describe?(row: R): CellDescription;
}

/**
 * The score panel's caption: rank among the question's points (#1 = most memorized S_C image) or "ctrl" for a
 * control, the score (with "≈" when it is within noise, ranking.ts withinNoise), the subset.
 */
export function defaultDescribe(row: GalleryRow): CellDescription {
  const control = row.questionRank === undefined;
  const score = row.score.toFixed(2).replace(/^-0\.00$/, '0.00');
  const where = control ? `control (${row.subset}): not ranked for memorization` : `#${row.questionRank} by memorization`;
  return {
    title: `${row.path}\n${where} · rank ${row.rank} over all subsets\nscore ${fmt(row.score)} ± ${fmt(row.stderr)}${row.noise ? ' · within noise' : ''}${row.p !== undefined ? ` · p ${fmt(row.p)}` : ''} · ${row.subset}`,
    caption: [
      el('span', { className: 'rank', text: control ? 'ctrl' : `#${row.questionRank}` }),
      el('span', { className: row.noise ? 'score noise' : 'score', text: row.noise ? `≈${score}` : score }),
      el('span', { className: `subset subset-${row.subset}`, text: row.subset.slice(2) }),
    ],
    className: [control ? 'control' : '', row.noise ? 'within-noise' : ''].filter(Boolean).join(' ') || undefined,
  };
}

export class Gallery<R extends CellRow = GalleryRow> {
  total: number | undefined;
  readonly selected: Set<number>;
  private pages = new Map<number, R[]>();
  private pending = new Set<number>();
  private focusPos = 0;
  private anchorPos = 0;
  private readonly spacer = el('div', { className: 'spacer' });
  private readonly empty = el('div', { className: 'gallery-empty', text: 'No samples match the filters.' });
  private cells = new Map<number, { el: HTMLElement; key: string }>();
  private frameQueued = false;

  constructor(
    readonly root: HTMLElement,
    private readonly host: GalleryHost<R>,
    public cellSize: number,
    selected: number[],
  ) {
    this.selected = new Set(selected);
    root.tabIndex = 0;
    root.setAttribute('role', 'grid');
    root.setAttribute('aria-label', 'Samples, in the order the Sort control chooses');
    root.append(this.spacer);
    root.addEventListener('scroll', () => {
      this.scheduleRender();
      this.host.onScroll(root.scrollTop);
    });
    root.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.scheduleRender()).observe(root);
  }

  /** Forget loaded rows (the filter changed); the next render asks for the pages it needs. */
  reset(): void {
    this.dropCells();
    this.pages.clear();
    this.pending.clear();
    this.total = undefined;
    this.focusPos = 0;
    this.anchorPos = 0;
    this.root.scrollTop = 0;
    this.render();
  }

  /**
   * Build the visible cells again from the loaded rows (nothing is refetched). After a theme switch Chromium
   * can drop the decoded thumbnails of cells it keeps and paint their black background until they are
   * scrolled out and back (issue 17 item 6); new <img> elements are painted at once.
   */
  repaint(): void {
    this.dropCells();
    this.render();
  }

  /** Re-read the loaded rows (their marks changed) without moving the view. */
  refresh(): void {
    this.dropCells();
    this.pages.clear();
    this.pending.clear();
    this.render();
    // The focused row may have scrolled out of view; its page is re-read too so whoever shows it is updated.
    if (this.total) this.request(Math.floor(Math.min(this.focusPos, this.total - 1) / PAGE_SIZE));
  }

  /** A page was requested from outside (before the gallery existed): don't ask for it again. */
  expect(page: number): void {
    this.pending.add(page);
  }

  private dropCells(): void {
    for (const c of this.cells.values()) c.el.remove();
    this.cells.clear();
  }

  receive(start: number, rows: R[], total: number): void {
    const page = Math.floor(start / PAGE_SIZE);
    this.pending.delete(page);
    this.pages.set(page, rows);
    this.total = total;
    this.render();
    if (this.focusPos === start) this.host.onFocusChange(this.rowAt(this.focusPos));
    else if (this.focusPos > start && this.focusPos < start + rows.length) this.host.onFocusedRowUpdate?.(rows[this.focusPos - start]);
  }

  rowAt(pos: number): R | undefined {
    return this.pages.get(Math.floor(pos / PAGE_SIZE))?.[pos % PAGE_SIZE];
  }
  get focused(): R | undefined {
    return this.rowAt(this.focusPos);
  }
  /** Rows currently loaded, for actions on the selection that need more than the index. */
  loadedRows(): R[] {
    return [...this.pages.values()].flat();
  }

  setCellSize(px: number): void {
    this.cellSize = px;
    this.render();
  }
  restoreScroll(top: number): void {
    this.root.scrollTop = top;
    this.render();
  }

  private get columns(): number {
    return Math.max(1, Math.floor((this.root.clientWidth - GAP) / (this.cellSize + GAP)));
  }
  private get rowHeight(): number {
    return this.cellSize + CAPTION + GAP;
  }

  /** Coalesces renders to one per animation frame (scroll events come faster than frames). */
  scheduleRender(): void {
    if (this.frameQueued) return;
    this.frameQueued = true;
    requestAnimationFrame(() => {
      this.frameQueued = false;
      this.render();
    });
  }

  /**
   * Draws the cells in reach of the viewport. Cells are recycled by position: one whose content and place
   * did not change is kept as is (its image stays decoded), so scrolling only builds the new rows.
   */
  render(): void {
    const total = this.total;
    if (total === undefined) {
      this.request(0);
      return;
    }
    const cols = this.columns,
      rowH = this.rowHeight;
    this.spacer.style.height = `${Math.ceil(total / cols) * rowH + GAP}px`;
    const firstRow = Math.floor(this.root.scrollTop / rowH);
    const visibleRows = Math.ceil(this.root.clientHeight / rowH) + 1;
    const first = Math.max(0, (firstRow - 1) * cols);
    const last = Math.min(total, (firstRow + visibleRows + 1) * cols);
    // Ask for every page the visible window touches, plus the next one (scrolling down is the common case).
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(Math.min(total - 1, last + PAGE_SIZE) / PAGE_SIZE); p++) this.request(p);
    const kept = new Map<number, { el: HTMLElement; key: string }>();
    for (let pos = first; pos < last; pos++) {
      const x = (pos % cols) * (this.cellSize + GAP) + GAP,
        y = Math.floor(pos / cols) * rowH + GAP;
      const row = this.rowAt(pos);
      const key = `${x},${y},${this.cellSize}|${row ? `${row.index}${row.mark ?? ''}` : '-'}`;
      const old = this.cells.get(pos);
      let cell = old?.key === key ? old.el : undefined;
      if (!cell) {
        cell = this.cell(pos, x, y);
        if (old) old.el.replaceWith(cell);
        else this.spacer.append(cell);
      }
      const selected = !!row && this.selected.has(row.index);
      cell.classList.toggle('selected', selected);
      cell.setAttribute('aria-selected', String(selected));
      cell.classList.toggle('focused', pos === this.focusPos);
      kept.set(pos, { el: cell, key });
    }
    for (const [pos, c] of this.cells) if (!kept.has(pos)) c.el.remove();
    this.cells = kept;
    if (total === 0) this.spacer.append(this.empty);
    else this.empty.remove();
  }

  private request(page: number): void {
    if (this.pages.has(page) || this.pending.has(page)) return;
    if (this.total !== undefined && page * PAGE_SIZE >= this.total) return;
    this.pending.add(page);
    this.host.requestRows(page * PAGE_SIZE, this.total === undefined ? PAGE_SIZE : Math.min(this.total, (page + 1) * PAGE_SIZE));
  }

  private cell(pos: number, x: number, y: number): HTMLElement {
    const row = this.rowAt(pos);
    const c = el('div', { className: 'cell', attrs: { role: 'gridcell', 'data-pos': String(pos) } });
    c.style.transform = `translate(${x}px, ${y}px)`;
    c.style.width = `${this.cellSize}px`;
    if (!row) {
      c.classList.add('loading');
      c.append(el('div', { className: 'thumb placeholder' }));
      return c;
    }
    c.dataset.index = String(row.index);
    if (row.mark) c.classList.add(`mark-${row.mark}`);
    const img = el('img', { className: 'thumb', attrs: { alt: row.path, draggable: 'false' } });
    img.style.width = img.style.height = `${this.cellSize}px`;
    if (row.thumb) img.src = row.thumb;
    // Without a describe() the rows are the score panel's GalleryRow (the default type argument).
    const d = this.host.describe?.(row) ?? defaultDescribe(row as unknown as GalleryRow);
    c.title = d.title;
    if (d.className) c.classList.add(...d.className.split(' '));
    c.append(img, el('div', { className: 'caption' }, ...d.caption));
    if (row.mark) c.append(el('span', { className: 'mark', text: row.mark === 'keep' ? '✓' : '✕', title: row.mark }));
    c.addEventListener('click', (e) => this.onClick(pos, e));
    c.addEventListener('dblclick', () => this.host.onActivate(row));
    return c;
  }

  private onClick(pos: number, e: MouseEvent): void {
    const row = this.rowAt(pos);
    if (!row) return;
    if (e.shiftKey) this.selectRange(this.anchorPos, pos, e.ctrlKey || e.metaKey);
    else if (e.ctrlKey || e.metaKey) {
      this.toggle(row.index);
      this.anchorPos = pos;
    } else {
      this.selected.clear();
      this.selected.add(row.index);
      this.anchorPos = pos;
    }
    this.moveFocus(pos);
    this.root.focus();
    this.host.onSelectionChange(this.selected);
  }

  private toggle(index: number): void {
    if (!this.selected.delete(index)) this.selected.add(index);
  }

  private selectRange(a: number, b: number, additive: boolean): void {
    if (!additive) this.selected.clear();
    for (let p = Math.min(a, b); p <= Math.max(a, b); p++) {
      const r = this.rowAt(p);
      if (r) this.selected.add(r.index);
    }
  }

  selectAllLoaded(): void {
    for (const r of this.loadedRows()) this.selected.add(r.index);
    this.render();
    this.host.onSelectionChange(this.selected);
  }
  clearSelection(): void {
    this.selected.clear();
    this.render();
    this.host.onSelectionChange(this.selected);
  }

  private onKey(e: KeyboardEvent): void {
    if (this.total === undefined || this.total === 0) return;
    const cols = this.columns;
    const page = cols * Math.max(1, Math.floor(this.root.clientHeight / this.rowHeight));
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, PageDown: page, PageUp: -page };
    const focusedRow = this.focused;
    if (e.key in moves || e.key === 'Home' || e.key === 'End') {
      const target = e.key === 'Home' ? 0 : e.key === 'End' ? this.total - 1 : this.focusPos + moves[e.key];
      const pos = Math.max(0, Math.min(this.total - 1, target));
      if (e.shiftKey) {
        this.selectRange(this.anchorPos, pos, false);
        this.host.onSelectionChange(this.selected);
      } else this.anchorPos = pos;
      this.moveFocus(pos);
    } else if (e.key === ' ' && focusedRow) {
      this.toggle(focusedRow.index);
      this.anchorPos = this.focusPos;
      this.render();
      this.host.onSelectionChange(this.selected);
    } else if (e.key === 'Enter' && focusedRow) {
      this.host.onActivate(focusedRow);
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      this.selectAllLoaded();
    } else if (e.key === 'Escape') {
      this.clearSelection();
    } else return;
    e.preventDefault();
  }

  /** Focuses (and scrolls to) a position from outside, e.g. the same sample in the other gallery. */
  focusPosition(pos: number): void {
    if (this.total === undefined || pos < 0 || pos >= this.total) return;
    this.anchorPos = pos;
    this.moveFocus(pos, 'center');
  }

  private moveFocus(pos: number, align: 'nearest' | 'center' = 'nearest'): void {
    this.focusPos = pos;
    const rowH = this.rowHeight,
      top = Math.floor(pos / this.columns) * rowH;
    if (align === 'center') this.root.scrollTop = Math.max(0, top - (this.root.clientHeight - rowH) / 2);
    else if (top < this.root.scrollTop) this.root.scrollTop = top;
    else if (top + rowH > this.root.scrollTop + this.root.clientHeight) this.root.scrollTop = top + rowH - this.root.clientHeight;
    this.render();
    this.host.onFocusChange(this.rowAt(pos));
  }
}
