// The score panel's "Atypicality" chart data (pure): a whole-dataset run's rows as (atypicality, score) points,
// split into scored images, controls (grey in the chart, not in ρ) and images whose file name starts "planted-"
// (the validation dataset's marker, scripts/validation/plant-atypical.mjs), with report.json's ρ and p. The
// per-image values come from scores.bin's optional `atypicality` column (engine sslmem/whole/atypicality.ts).
import type { ScoreRow } from '../engine/runs/scores-bin';
import type { AtypicalityChart, AtypicalityXY } from '../protocol/scorePanel';

/** report.json's `atypicality` block as written (a skipped one says why instead). */
export type ReportAtypicality = { k: number; space: string; rho: number; p: number; n: number } | { skipped: string };

const round = (x: number) => Number(x.toPrecision(6)); // float32 data: 6 digits say it all
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The chart, or undefined when the run has no atypicality (older runs, skipped, or a report without ρ). */
export function atypicalityChart(
  rows: readonly ScoreRow[],
  block: ReportAtypicality | undefined,
  isControl: (row: ScoreRow) => boolean,
): AtypicalityChart | undefined {
  if (!block || !('rho' in block) || !Number.isFinite(block.rho) || typeof block.p !== 'number') return undefined;
  const chart: AtypicalityChart = { k: block.k, rho: block.rho, p: block.p, n: block.n, scored: [], control: [], planted: [] };
  for (const r of rows) {
    if (r.atypicality === undefined || !Number.isFinite(r.atypicality) || !Number.isFinite(r.normalised)) continue;
    const point: AtypicalityXY = { x: round(r.atypicality), y: round(r.normalised) };
    if (isControl(r)) chart.control.push(point);
    else if (baseName(r.path).startsWith('planted-')) chart.planted.push(point);
    else chart.scored.push(point);
  }
  return chart.scored.length + chart.planted.length > 0 ? chart : undefined;
}
