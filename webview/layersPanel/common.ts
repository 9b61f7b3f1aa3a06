// What the Layers & Units panel's sections share: the webview API and its message sender, the charts drawn
// (destroyed before a redraw), number formatting and the theme's colours for chart.js.
import type { Chart } from 'chart.js';
import type { LayersPanelToHost } from '../../src/protocol/layersPanel';
import { el, themeColor, vscodeApi } from '../shared/dom';

export const vscode = vscodeApi();
export const post = (m: LayersPanelToHost) => vscode.postMessage(m);
export const charts: Chart[] = [];
export const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));
/** A theme colour by its CSS variable name (themeColor takes the name without the `--vscode-` prefix). */
export const color = (name: string, fallback: string) => themeColor(name.replace(/^--vscode-/, ''), fallback);
/** Axis options in the theme's colours: ticks muted, titles and legend in the foreground (read at each draw). */
export const axis = (title?: string) => ({
  ticks: { color: color('--vscode-descriptionForeground', '#999') },
  grid: { color: color('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)') },
  ...(title ? { title: { display: true, text: title, color: color('--vscode-foreground', '#ccc') } } : {}),
});

export function chartBox(): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas');
  return { box: el('div', { className: 'chart' }, canvas), canvas };
}

/** A section's "Compute" / "Recompute" button: asks the host for the analysis and stays disabled until new data. */
export function computeButton(
  id: string,
  label: string,
  done: boolean,
  what: Extract<LayersPanelToHost, { type: 'compute' }>['what'],
): HTMLButtonElement {
  const button = el('button', { id, text: `${done ? 'Recompute' : 'Compute'} ${label}` });
  button.addEventListener('click', () => {
    button.disabled = true;
    post({ type: 'compute', what });
  });
  return button;
}
