// The train-step graph: raw images + host-sampled augmentation parameters -> views (in-graph) -> loss ->
// gradients (reverse-mode autodiff over the IR) -> optimizer update. Inputs and outputs are named by
// io-names.ts; every state input X has an output `new/X` that the runtime feeds back at the next step.
import { Graph, Value, gather, gradients, reshape, toOnnxBytes } from '../graph';
import { BuildContext, SslProblem } from '../models/types';
import { augmentViews } from '../augment/graph';
import { AugConfig } from '../augment/config';
import { PARAM_COUNT } from '../augment/sample';
import * as io from './io-names';
import { OptimizerConfig, applyOptimizer, scalarInputs, stateSlots } from '../graph/optim';

export interface TrainStepOptions {
  batch: number;
  optimizer: OptimizerConfig;
  /** null: no augmentation graph; `images` are [B, C, H, W] views already and every view is the image itself. */
  augment: AugConfig | null;
  opset?: number;
  metadata?: Record<string, string>;
}

/** A state tensor carried between steps: fed as `input`, produced as `output`. */
export interface StatePair {
  input: string;
  output: string;
  shape: number[];
  role: 'param' | 'optimizer' | 'buffer';
  init: string;
}

export interface TrainStepArtifact {
  onnx: Uint8Array;
  /** The IR graph the ONNX bytes came from (for the float64 reference evaluator in tests). */
  graph: Graph;
  inputs: io.TensorInfo[];
  outputs: io.TensorInfo[];
  state: StatePair[];
  /** Scalar inputs fed each step: `lr`, and `step` (1-based count after this update) for Adam(W). */
  scalarInputs: string[];
  /** Per-step extra inputs (problem.extraInputs), as graph input name -> problem name. */
  extraInputs: Record<string, string>;
}

const info = (v: { inputName?: string | null; shape: readonly number[] }, name?: string): io.TensorInfo => ({
  name: name ?? v.inputName!,
  shape: [...v.shape],
  dtype: 'float32',
});

export function buildTrainStep(problem: SslProblem, opts: TrainStepOptions): TrainStepArtifact {
  const g = new Graph('train_step');
  const B = opts.batch;
  const V = problem.viewsPerImage;
  const [C, H, W] = problem.inputShape;
  const raw = opts.augment ? [opts.augment.channels, ...opts.augment.inputSize] : [C, H, W];
  const images = g.input(io.IMAGES, [B, ...raw]);
  const aug = opts.augment ? g.input(io.AUG, [V, B, PARAM_COUNT]) : null;
  const scalarNames = scalarInputs(opts.optimizer.kind);
  const scalars: Record<string, Value> = Object.fromEntries(scalarNames.map((n) => [n, g.input(n, [])]));

  const params = new Map(problem.params.map((p) => [p.name, g.input(io.paramInput(p.name), p.shape)]));
  const slots = stateSlots(opts.optimizer.kind);
  const slotInputs = new Map(
    problem.params.map((p) => [p.name, Object.fromEntries(slots.map((s) => [s, g.input(io.optimizerInput(s, p.name), p.shape)]))]),
  );
  const buffers = new Map(problem.buffers.map((b) => [b.name, g.input(io.bufferInput(b.name), b.shape)]));
  const newBuffers = new Map<string, Value>();
  const extras: Record<string, Value> = {};
  // -1 in an extra input's shape stands for the batch size (e.g. MAE's maskKeep [-1, K]).
  for (const [name, shape] of Object.entries(problem.extraInputs ?? {}))
    extras[name] = g.input(
      io.extraInput(name),
      shape.map((d) => (d === -1 ? B : d)),
    );

  const ctx: BuildContext = {
    training: true,
    param: (name) => lookup(params, name, 'parameter'),
    buffer: (name) => lookup(buffers, name, 'buffer'),
    setBuffer: (name, v) => {
      lookup(buffers, name, 'buffer');
      newBuffers.set(name, v);
    },
  };
  const views: Value[] = [];
  for (let v = 0; v < V; v++) {
    views.push(aug ? augmentViews(images, reshape(gather(aug, [v], 0), [B, PARAM_COUNT]), opts.augment!) : images);
  }
  const loss = problem.loss(ctx, views, extras);
  if (loss.shape.length !== 0) throw new Error(`problem.loss must be a scalar, got shape [${loss.shape}]`);
  g.output(io.LOSS, loss);

  const paramValues = problem.params.map((p) => params.get(p.name)!);
  const grads = gradients(loss, paramValues);
  // A single weight-decay value applies only where the ParamSpec asks for it (not biases, norms).
  const wd = opts.optimizer.weightDecay;
  const weightDecay = typeof wd === 'number' ? problem.params.map((p) => (p.weightDecay ? wd : 0)) : wd;
  const slotValues = Object.fromEntries(slots.map((s) => [s, problem.params.map((p) => slotInputs.get(p.name)![s])]));
  const updated = applyOptimizer({ ...opts.optimizer, weightDecay }, paramValues, grads, slotValues, {
    lr: scalars.lr,
    step: scalars.step,
  });
  const state: StatePair[] = [];
  problem.params.forEach((spec, k) => {
    const pIn = io.paramInput(spec.name);
    g.output(io.nextState(pIn), updated.params[k]);
    state.push({ input: pIn, output: io.nextState(pIn), shape: spec.shape, role: 'param', init: spec.name });
    for (const s of slots) {
      const sIn = io.optimizerInput(s, spec.name);
      g.output(io.nextState(sIn), updated.state[s][k]);
      state.push({ input: sIn, output: io.nextState(sIn), shape: spec.shape, role: 'optimizer', init: 'zeros' });
    }
  });
  for (const spec of problem.buffers) {
    const bIn = io.bufferInput(spec.name);
    const next = newBuffers.get(spec.name);
    // A buffer the loss does not update (e.g. eval-only statistics) keeps its value on the host side.
    if (next) g.output(io.nextState(bIn), next);
    state.push({ input: bIn, output: next ? io.nextState(bIn) : '', shape: spec.shape, role: 'buffer', init: spec.name });
  }

  const onnx = toOnnxBytes(g, { opset: opts.opset, metadata: { artifact: 'train_step', ...(opts.metadata ?? {}) } });
  return {
    onnx,
    graph: g,
    inputs: g.inputs.map((v) => info(v)),
    outputs: g.outputs.map((o) => info(o.value, o.name)),
    state,
    scalarInputs: scalarNames,
    extraInputs: Object.fromEntries(Object.keys(extras).map((n) => [io.extraInput(n), n])),
  };
}

function lookup<T>(m: Map<string, T>, name: string, what: string): T {
  const v = m.get(name);
  if (!v) throw new Error(`unknown ${what} '${name}' (declare it in the problem's ${what === 'parameter' ? 'params' : 'buffers'})`);
  return v;
}
