// The report.md sections of the layer analyses.
import { markdownText } from '../runs/escape';
import { describePointSet } from './points';
import type { LayersFile, OverTrainingFile, UnitsFile } from './types';

const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));

export function layersMarkdown(r: LayersFile): string {
  const lines = [
    '## LayerMem per layer',
    '',
    `Normalised score (L_g − L_f)/(L_g + L_f) on each layer's output, averaged over ${markdownText(describePointSet(r.set))} ` +
      `(${r.points.index.length} points; K = ${r.pairs} view pairs, the score's views; layer outputs ${r.reduce === 'flatten' ? 'flattened' : 'reduced to unit means'}` +
      `${r.normalise ? ', L2-normalised' : ''}). ΔLayerMem = LayerMem(l) − LayerMem(l−1).`,
    '',
    ...(r.finalLayerOnly ? [`**Final layer only** — ${markdownText(r.finalLayerOnly)}.`, ''] : []),
    '| layer | shape | LayerMem | ± s.e. | ΔLayerMem | mean L_f | mean L_g |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...r.layers.map(
      (l) =>
        `| ${markdownText(l.name)} | ${l.shape.join('×') || '–'} | ${f3(l.layerMem)} | ${f3(l.stderr)} | ${f3(l.delta)} | ${f3(l.meanLf)} | ${f3(l.meanLg)} |`,
    ),
  ];
  const best = r.layers.slice(1).reduce<LayersFile['layers'][number] | null>((m, l) => (m === null || l.delta > m.delta ? l : m), null);
  if (best) lines.push('', `Largest increment: ${markdownText(best.name)} (ΔLayerMem ${f3(best.delta)}).`);
  return lines.join('\n');
}

export function unitsMarkdown(r: UnitsFile): string {
  const enc = r.encoder.kind === 'file' ? `imported encoder ${markdownText(r.encoder.file)}` : `encoder ${r.encoder.kind}`;
  const lines = [
    '## UnitMem per layer',
    '',
    `${enc}; μ_u(x) = mean activation over ${r.augmentations} augmentations of x, over ${markdownText(describePointSet(r.set))} ` +
      `(${r.points} points); UnitMem = (μ_max − μ_rest)/(μ_max + μ_rest), μ_rest = ${r.rest} over the other points. ` +
      `Units with a negative μ: ${r.negative === 'exclude' ? 'no UnitMem (excluded)' : 'shifted by their smallest μ'}.`,
    '',
    '| layer | units | scored | negative | dead | mean | median | max |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.layers.map(
      (l) =>
        `| ${markdownText(l.name)} | ${l.units} | ${l.summary.scored} | ${l.summary.negative} | ${l.summary.dead} | ${f3(l.summary.mean)} | ${f3(l.summary.median)} | ${f3(l.summary.max)} |`,
    ),
    '',
    'Most selective units (highest UnitMem) and the image each is most selective for:',
    '',
    '| layer | unit | UnitMem | image |',
    '|---|---:|---:|---|',
  ];
  const all = r.layers.flatMap((l) =>
    l.score.map((s, u) => ({ l, u, s })).filter((x): x is { l: typeof l; u: number; s: number } => x.s !== null),
  );
  all.sort((a, b) => b.s - a.s);
  for (const { l, u, s } of all.slice(0, 10))
    lines.push(`| ${markdownText(l.name)} | ${u} | ${f3(s)} | ${markdownText(r.paths[String(l.top[u][0])] ?? String(l.top[u][0]))} |`);
  return lines.join('\n');
}

export function overTrainingMarkdown(r: OverTrainingFile): string {
  const nC = r.sample.subset.filter((s) => s === 'S_C').length,
    nS = r.sample.subset.length - nC;
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
  const se = (m: { mean: number; stderr: number }) => `${f3(m.mean)} (± ${f3(m.stderr)})`;
  return [
    '## Memorization over training',
    '',
    `Normalised score (L_g − L_f)/(L_g + L_f) of a fixed sample (${nC} points of S_C, ${nS} of S_S) at the training snapshots of f and g ` +
      `(K = ${r.pairs} view pairs, the score's views; ${r.totalSteps} steps, ${r.stepsPerEpoch} per epoch). Loss: mean training loss since ` +
      `the previous snapshot. kNN: ${r.knn ? `k = ${r.knn.k} on the frozen representation, probe-train ${r.knn.train}, probe-test ${r.knn.testF} (f), ${r.knn.testG} (g)` : 'not measured (the dataset has no labels)'}.`,
    '',
    '| step | epoch | loss f | loss g | kNN f | kNN g | score S_C (± s.e.) | score S_S (± s.e.) | S_C − S_S |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      (x) =>
        `| ${x.step} | ${x.epoch.toFixed(1)} | ${f3(x.lossF)} | ${f3(x.lossG)} | ${pct(x.knnF)} | ${pct(x.knnG)} | ${se(x.scoreSC)} | ${se(x.scoreSS)} | ${f3(x.scoreSC.mean - x.scoreSS.mean)} |`,
    ),
  ].join('\n');
}
