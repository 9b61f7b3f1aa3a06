// atypicality.svg of a whole-dataset run: score (y) against atypicality (x), one dot per image, as plain SVG
// text (no dependency) so report.md can embed it and VS Code's Markdown preview shows it. Controls are drawn
// grey (they are not in the correlation); images whose file name starts "planted-" (the validation dataset's
// marker, scripts/validation/plant-atypical.mjs) get a distinct marker, named in the legend only if present.
// White background: the preview may be dark, and a figure with its own background reads in both.

export interface AtypicalityPoint {
  x: number;
  y: number;
  kind: 'scored' | 'control' | 'planted';
}

export interface AtypicalityFigure {
  points: AtypicalityPoint[];
  rho: number;
  p: number;
  n: number;
  k: number;
  yLabel: string;
}

const W = 640,
  H = 420,
  LEFT = 64,
  RIGHT = 16,
  TOP = 40,
  BOTTOM = 52;

export const fmtRho = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
export const fmtP = (p: number) => (!Number.isFinite(p) ? String(p) : p === 0 ? '0' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function extent(values: number[]): [number, number] {
  let lo = Math.min(...values),
    hi = Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

const num = (x: number) => String(Number(x.toFixed(2)));

export function atypicalitySvg(f: AtypicalityFigure): string {
  const pts = f.points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
  const [x0, x1] = extent(pts.map((q) => q.x));
  const [y0, y1] = extent(pts.map((q) => q.y));
  const px = (x: number) => LEFT + ((x - x0) / (x1 - x0)) * (W - LEFT - RIGHT);
  const py = (y: number) => H - BOTTOM - ((y - y0) / (y1 - y0)) * (H - TOP - BOTTOM);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  const title = `Spearman ρ = ${fmtRho(f.rho)}, p = ${fmtP(f.p)} (n = ${f.n} scored images)`;
  out.push(`<text x="${LEFT}" y="22" font-size="14" fill="#222222">${escapeXml(title)}</text>`);
  // Axes and ticks.
  out.push(`<g stroke="#888888" stroke-width="1">`);
  out.push(`<line x1="${LEFT}" y1="${H - BOTTOM}" x2="${W - RIGHT}" y2="${H - BOTTOM}"/>`);
  out.push(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${H - BOTTOM}"/>`);
  out.push(`</g>`);
  out.push(`<g fill="#444444">`);
  for (const t of niceTicks(x0, x1))
    out.push(`<text x="${num(px(t))}" y="${H - BOTTOM + 16}" text-anchor="middle">${escapeXml(String(t))}</text>`);
  for (const t of niceTicks(y0, y1))
    out.push(`<text x="${LEFT - 6}" y="${num(py(t) + 4)}" text-anchor="end">${escapeXml(String(t))}</text>`);
  out.push(`</g>`);
  out.push(
    `<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 12}" text-anchor="middle" fill="#222222">${escapeXml(`atypicality: mean distance to the ${f.k} nearest images in the representation`)}</text>`,
  );
  out.push(
    `<text transform="translate(16 ${(TOP + H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle" fill="#222222">${escapeXml(f.yLabel)}</text>`,
  );
  // Controls first (underneath), then scored, then planted on top.
  const drawn = { control: 0, scored: 0, planted: 0 };
  out.push(`<g fill="#b0b0b0" fill-opacity="0.7">`);
  for (const q of pts)
    if (q.kind === 'control') {
      out.push(`<circle cx="${num(px(q.x))}" cy="${num(py(q.y))}" r="2.5"/>`);
      drawn.control++;
    }
  out.push(`</g>`);
  out.push(`<g fill="#1f6fb4" fill-opacity="0.6">`);
  for (const q of pts)
    if (q.kind === 'scored') {
      out.push(`<circle cx="${num(px(q.x))}" cy="${num(py(q.y))}" r="2.5"/>`);
      drawn.scored++;
    }
  out.push(`</g>`);
  out.push(`<g fill="#d9480f" stroke="#7a2600" stroke-width="0.5">`);
  for (const q of pts)
    if (q.kind === 'planted') {
      const cx = px(q.x),
        cy = py(q.y);
      out.push(`<path d="M${num(cx)} ${num(cy - 4)}L${num(cx + 4)} ${num(cy)}L${num(cx)} ${num(cy + 4)}L${num(cx - 4)} ${num(cy)}Z"/>`);
      drawn.planted++;
    }
  out.push(`</g>`);
  // Legend, top right: only the kinds that are drawn.
  const legend: [string, string][] = [[`scored (${drawn.scored})`, `<circle r="3" fill="#1f6fb4"/>`]];
  if (drawn.control) legend.push([`control, not in ρ (${drawn.control})`, `<circle r="3" fill="#b0b0b0"/>`]);
  if (drawn.planted) legend.push([`planted- images (${drawn.planted})`, `<path d="M0 -4L4 0L0 4L-4 0Z" fill="#d9480f"/>`]);
  // A translucent box: the legend sits over the plot area, where points may lie.
  out.push(`<rect x="${W - RIGHT - 198}" y="${TOP}" width="196" height="${legend.length * 16 + 4}" fill="#ffffff" fill-opacity="0.85"/>`);
  legend.forEach(([label, mark], i) => {
    const y = TOP + 10 + i * 16;
    out.push(`<g transform="translate(${W - RIGHT - 190} ${y})">${mark}<text x="9" y="4" fill="#222222">${escapeXml(label)}</text></g>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
