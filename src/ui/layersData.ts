// The "Layers & Units" panel's data, without vscode (unit-testable): layers.json / units.json of a run read
// and checked, summarised for the page, and one unit's most-selective images as a page.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  LAYERS_FILE,
  OVER_TRAINING_FILE,
  UNITS_FILE,
  type LayersFile,
  type OverTrainingFile,
  type UnitsFile,
} from '../engine/layers/types';
import { describePointSet } from '../engine/layers/points';
import {
  MAX_UNITS_LISTED,
  UNIT_IMAGES_PER_PAGE,
  type HostToLayersPanel,
  type LayersSummary,
  type OverTrainingSummary,
  type UnitImage,
  type UnitsSummary,
} from '../protocol/layersPanel';

export interface LayersData {
  layers: LayersFile | null;
  units: UnitsFile | null;
  overTraining: OverTrainingFile | null;
  notes: string[];
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : e;
  }
}

const isLayersFile = (x: unknown): x is LayersFile =>
  typeof x === 'object' &&
  x !== null &&
  (x as LayersFile).kind === 'layers' &&
  Array.isArray((x as LayersFile).layers) &&
  typeof (x as LayersFile).points === 'object';
const isUnitsFile = (x: unknown): x is UnitsFile =>
  typeof x === 'object' &&
  x !== null &&
  (x as UnitsFile).kind === 'units' &&
  Array.isArray((x as UnitsFile).layers) &&
  typeof (x as UnitsFile).paths === 'object';
const isOverTrainingFile = (x: unknown): x is OverTrainingFile =>
  typeof x === 'object' &&
  x !== null &&
  (x as OverTrainingFile).kind === 'over-training' &&
  Array.isArray((x as OverTrainingFile).rows) &&
  typeof (x as OverTrainingFile).sample === 'object' &&
  (x as OverTrainingFile).sample !== null &&
  (x as OverTrainingFile).rows.every(
    (r) => typeof r?.step === 'number' && typeof r.scoreSC?.mean === 'number' && typeof r.scoreSS?.mean === 'number',
  );

/** The run's analysis files; a missing one is null, a damaged one null with a note. */
export async function readLayersData(runDir: string): Promise<LayersData> {
  const notes: string[] = [];
  const l = await readJson(path.join(runDir, LAYERS_FILE));
  const u = await readJson(path.join(runDir, UNITS_FILE));
  if (l !== null && !isLayersFile(l)) notes.push(`${LAYERS_FILE} is not a valid LayerMem result; compute it again`);
  const o = await readJson(path.join(runDir, OVER_TRAINING_FILE));
  if (u !== null && !isUnitsFile(u)) notes.push(`${UNITS_FILE} is not a valid UnitMem result; compute it again`);
  if (o !== null && !isOverTrainingFile(o)) notes.push(`${OVER_TRAINING_FILE} is not a valid over-training result; compute it again`);
  return { layers: isLayersFile(l) ? l : null, units: isUnitsFile(u) ? u : null, overTraining: isOverTrainingFile(o) ? o : null, notes };
}

export function summariseLayers(l: LayersFile): LayersSummary {
  return {
    finalLayerOnly: l.finalLayerOnly ?? null,
    setLabel: describePointSet(l.set),
    points: l.points.index.length,
    reduce: l.reduce,
    pairs: l.pairs,
    bars: l.layers.map((x) => ({ name: x.name, shape: x.shape, layerMem: x.layerMem, stderr: x.stderr, delta: x.delta })),
    scatter: l.layers.map((x, i) => ({ name: x.name, lf: l.points.lf[i], lg: l.points.lg[i] })),
    runScore: l.points.runScore,
  };
}

export function summariseUnits(u: UnitsFile): UnitsSummary {
  return {
    encoder: u.encoder.kind === 'file' ? path.basename(u.encoder.file) : u.encoder.kind,
    setLabel: describePointSet(u.set),
    points: u.points,
    augmentations: u.augmentations,
    rest: u.rest,
    negative: u.negative,
    layers: u.layers.map((l) => ({
      name: l.name,
      kind: l.kind,
      units: l.units,
      summary: l.summary,
      histogram: l.histogram,
      ranked: l.score
        .map((score, unit) => ({ unit, score }))
        .filter((x): x is { unit: number; score: number } => x.score !== null)
        .sort((a, b) => b.score - a.score || a.unit - b.unit)
        .slice(0, MAX_UNITS_LISTED),
    })),
  };
}

export function summariseOverTraining(o: OverTrainingFile): OverTrainingSummary {
  const sampleSC = o.sample.subset.filter((s) => s === 'S_C').length;
  return {
    sampleSC,
    sampleSS: o.sample.subset.length - sampleSC,
    pairs: o.pairs,
    totalSteps: o.totalSteps,
    knn: o.knn ? `k = ${o.knn.k}, probe-train ${o.knn.train}, probe-test ${o.knn.testF} (f) / ${o.knn.testG} (g)` : null,
    rows: o.rows.map((r) => ({
      step: r.step,
      epoch: r.epoch,
      lossF: r.lossF,
      lossG: r.lossG,
      knnF: r.knnF,
      knnG: r.knnG,
      scoreSC: r.scoreSC.mean,
      scoreSCStderr: r.scoreSC.stderr,
      scoreSS: r.scoreSS.mean,
      scoreSSStderr: r.scoreSS.stderr,
    })),
  };
}

/** One page of a unit's most-selective images; `uriOf` turns a dataset path into a webview URI ('' = not shown). */
export function unitImagesPage(
  u: UnitsFile,
  layer: string,
  unit: number,
  page: number,
  uriOf: (datasetPath: string) => string,
): Extract<HostToLayersPanel, { type: 'unitImages' }> | { type: 'error'; message: string } {
  const l = u.layers.find((x) => x.name === layer);
  if (!l || unit >= l.units) return { type: 'error', message: `no unit ${unit} in layer ${layer}` };
  const top = l.top[unit],
    mu = l.topMu[unit];
  const pages = Math.max(1, Math.ceil(top.length / UNIT_IMAGES_PER_PAGE));
  const p = Math.min(page, pages - 1);
  const images: UnitImage[] = top.slice(p * UNIT_IMAGES_PER_PAGE, (p + 1) * UNIT_IMAGES_PER_PAGE).map((index, i) => {
    const datasetPath = u.paths[String(index)] ?? '';
    return { index, path: datasetPath, mu: mu[p * UNIT_IMAGES_PER_PAGE + i], uri: datasetPath ? uriOf(datasetPath) : '' };
  });
  return { type: 'unitImages', layer, unit, page: p, pages, total: top.length, score: l.score[unit], images };
}
