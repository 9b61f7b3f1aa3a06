// Every layer's output of a trained encoder in one session run per batch: the encode graph with the keyed
// augmentation in front (the same graph and views as the score, src/engine/sslmem/view-batches.ts) and one
// output per layer the model reports (conv blocks [C,H,W], ViT blocks' tokens [T,D], FC [D]) plus the final
// representation when it is not itself one of those layers (a pooled conv map, a ViT's normed/pooled tokens).
import * as ort from 'onnxruntime-node';
import { buildEncode } from '../artifacts/encode';
import * as io from '../artifacts/io-names';
import type { Checkpoint } from '../artifacts/checkpoint';
import { PARAM_COUNT } from '../augment/sample';
import type { Dataset } from '../data/types';
import { openSession } from '../runtime/session';
import type { ProviderSetting } from '../runtime/providers';
import { augmentationOf, buildProblem } from '../sslmem/config';
import type { SslmemConfig } from '../sslmem/config-types';
import { weightsOf } from '../sslmem/train-encoder';
import { forEachViewBatch } from '../sslmem/view-batches';
import { layerShape } from './math';
import type { LayerShape } from './types';

/** Name of the final representation in the layer list (when it is not a layer of the model). */
export const REPR_LAYER = 'repr';
/** Values of all layer outputs of one batch kept at once (float32: 256 MB); the batch shrinks to fit. */
const MAX_BATCH_VALUES = 64e6;

export interface LayerBatch {
  /** Per layer: [2, B, ...shape] (view 0 of every row, then view 1). */
  outputs: Float32Array[];
  B: number;
  rowIds: Int32Array;
  real: number;
  /** Which view pair (0..pairs-1) this batch holds. */
  pair: number;
  done: number;
  total: number;
}

export interface LayerPass {
  config: SslmemConfig;
  dataset: Dataset;
  /** Dataset indices; rowIds of the batches are positions in this list. */
  rows: Int32Array;
  checkpoint: Checkpoint;
  seed: number;
  pairs: number;
  provider?: ProviderSetting;
  threads?: number;
  signal?: AbortSignal;
  /** Largest batch (default: the run's scoring batch). */
  batch?: number;
}

/** The layers (and their per-image shapes) the model reports, in depth order, ending with the representation. */
export function layersOf(config: SslmemConfig): LayerShape[] {
  return planEncode(config, 1).layers;
}

function planEncode(config: SslmemConfig, batch: number, weights?: Map<string, Float32Array>) {
  const problem = buildProblem(config);
  const augment = augmentationOf(config);
  const artifact = buildEncode(problem, { batch, augment, views: 2, layers: true, weights });
  const perImage = (name: string) => artifact.outputs.find((o) => o.name === name)!.shape.slice(2);
  const named = artifact.outputs
    .filter((o) => o.name.startsWith('layer/'))
    .map((o) => layerShape(o.name.slice('layer/'.length), perImage(o.name)));
  const outputs = named.map((l) => io.layerOutput(l.name));
  const repr = perImage(io.REPR);
  const last = named[named.length - 1];
  // In every model here a layer with the representation's exact shape IS the representation (smallCnn's fc).
  if (!last || last.shape.join() !== repr.join()) {
    named.push(layerShape(REPR_LAYER, repr));
    outputs.push(io.REPR);
  }
  return { artifact, augment, layers: named, outputs };
}

/** Calls `visit` for every (pair, batch) with every layer's output for both views. */
export async function forEachLayerBatch(
  p: LayerPass,
  visit: (b: LayerBatch, layers: LayerShape[]) => Promise<void> | void,
): Promise<LayerShape[]> {
  const probe = planEncode(p.config, 1);
  const perImage = probe.layers.reduce((s, l) => s + l.shape.reduce((a, b) => a * b, 1), 0);
  const B = Math.max(1, Math.min(p.batch ?? p.config.scoring.batch, p.rows.length, Math.floor(MAX_BATCH_VALUES / (2 * perImage))));
  const plan = planEncode(p.config, B, weightsOf(p.checkpoint));
  const { session } = await openSession(plan.artifact.onnx, plan.outputs, { provider: p.provider, threads: p.threads });
  const { dataset } = p;
  try {
    const batches = Math.ceil(p.rows.length / B);
    await forEachViewBatch(
      dataset,
      p.rows,
      { batch: B, pairs: p.pairs, augment: plan.augment, seed: p.seed, signal: p.signal },
      async (b) => {
        const out = await session.run({
          [io.IMAGES]: new ort.Tensor('float32', b.images, [B, dataset.channels, dataset.height, dataset.width]),
          [io.AUG]: new ort.Tensor('float32', b.aug, [2, B, PARAM_COUNT]),
        });
        const outputs = plan.outputs.map((name) => out[name].data as Float32Array);
        await visit(
          { outputs, B, rowIds: b.rowIds, real: b.real, pair: Math.floor((b.done - 1) / batches), done: b.done, total: b.total },
          plan.layers,
        );
      },
    );
  } finally {
    await session.release();
  }
  return plan.layers;
}
