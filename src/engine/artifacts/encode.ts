// The encode graph (eval mode: BatchNorm uses running statistics, buffers are read, never updated).
// Without augmentation: images [B,C,H,W] -> `repr` [B,D] (+ `layer/<name>` outputs on request).
// With augmentation: raw images [B,C0,H0,W0] + `aug` [K,B,P] -> K views made in-graph, encoded as one
// batch of K*B (one big batch runs faster than K small ones) -> `repr` [K,B,D]. This is how scoring makes
// K view pairs from raw images, with the same augmentation graph as training.
import { Graph, Value, concat, gather, reshape, tensor, toOnnxBytes } from '../graph';
import { BuildContext, SslProblem } from '../models/types';
import { augmentViews } from '../augment/graph';
import { AugConfig } from '../augment/config';
import { PARAM_COUNT } from '../augment/sample';
import * as io from './io-names';

export interface EncodeOptions {
  batch: number;
  /** Augmentation in front of the encoder, with `views` views per image (default 2). */
  augment?: AugConfig | null;
  views?: number;
  /** Per-layer outputs: true for all the encoder reports, or a list of layer names. */
  layers?: boolean | readonly string[];
  /**
   * Embed these weights as initializers (keys: parameter and buffer names) instead of taking them as
   * inputs: lets ORT constant-fold (e.g. BatchNorm into Conv) for a fixed checkpoint.
   */
  weights?: Map<string, Float32Array>;
  opset?: number;
  metadata?: Record<string, string>;
}

export interface EncodeArtifact {
  onnx: Uint8Array;
  /** The IR graph the ONNX bytes came from (for the float64 reference evaluator in tests). */
  graph: Graph;
  inputs: io.TensorInfo[];
  outputs: io.TensorInfo[];
}

export function buildEncode(problem: SslProblem, opts: EncodeOptions): EncodeArtifact {
  const g = new Graph('encode');
  const B = opts.batch;
  const weight = (name: string, shape: number[], inputName: string): Value => {
    const w = opts.weights?.get(name);
    if (opts.weights && !w) throw new Error(`encode: no embedded value for '${name}'`);
    return w ? g.constant(tensor(shape, w)) : g.input(inputName, shape);
  };
  // Inputs are created on first use: the projection head's parameters are not inputs of an encode graph.
  const specs = new Map<string, { shape: number[]; input: string }>([
    ...problem.params.map((p) => [p.name, { shape: p.shape, input: io.paramInput(p.name) }] as const),
    ...problem.buffers.map((b) => [b.name, { shape: b.shape, input: io.bufferInput(b.name) }] as const),
  ]);
  const made = new Map<string, Value>();
  const read = (name: string): Value => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`encode: unknown parameter or buffer '${name}'`);
    if (!made.has(name)) made.set(name, weight(name, spec.shape, spec.input));
    return made.get(name)!;
  };
  const ctx: BuildContext = {
    training: false,
    param: read,
    buffer: read,
    setBuffer: () => {
      /* eval graphs do not update buffers */
    },
  };

  let x: Value;
  let K = 1;
  if (opts.augment) {
    K = opts.views ?? 2;
    const a = opts.augment;
    const images = g.input(io.IMAGES, [B, a.channels, ...a.inputSize]);
    const aug = g.input(io.AUG, [K, B, PARAM_COUNT]);
    const views = Array.from({ length: K }, (_, v) => augmentViews(images, reshape(gather(aug, [v], 0), [B, PARAM_COUNT]), a));
    x = K === 1 ? views[0] : concat(views, 0);
  } else {
    x = g.input(io.IMAGES, [B, ...problem.inputShape]);
  }
  const out = problem.encode(ctx, x);
  const unstack = (v: Value) => (opts.augment ? reshape(v, [K, B, ...v.shape.slice(1)]) : v);
  g.output(io.REPR, unstack(out.repr));
  const wanted = opts.layers === true ? out.layers.map((l) => l.name) : opts.layers || [];
  for (const name of wanted) {
    const layer = out.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`encode: the model has no layer '${name}' (has: ${out.layers.map((l) => l.name).join(', ')})`);
    g.output(io.layerOutput(name), unstack(layer.value));
  }
  const onnx = toOnnxBytes(g, { opset: opts.opset, metadata: { artifact: 'encode', ...(opts.metadata ?? {}) } });
  return {
    onnx,
    graph: g,
    inputs: g.inputs.map((v) => ({ name: v.inputName!, shape: [...v.shape], dtype: 'float32' as const })),
    outputs: g.outputs.map((o) => ({ name: o.name, shape: [...o.value.shape], dtype: 'float32' as const })),
  };
}
