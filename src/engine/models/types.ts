import { Value } from '../graph/ir';
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'uniform'; bound: number } // U(-bound, bound) — PyTorch's default Linear/Conv init uses this
  | { kind: 'normal'; std: number };
export interface ParamSpec {
  name: string;
  shape: number[];
  init: Init;
  weightDecay: boolean;
}
/** Non-trained state carried between steps (BatchNorm running mean/var, EMA target weights for BYOL). */
export interface BufferSpec {
  name: string;
  shape: number[];
  init: Init;
}
export interface BuildContext {
  param(name: string): Value; // trained parameter (graph input in a train step)
  buffer(name: string): Value; // current buffer value
  setBuffer(name: string, v: Value): void; // new buffer value (train step output); eval graphs ignore it
  readonly training: boolean;
}
/** An SSL training problem: everything needed to generate a train step and an encode graph. */
export interface SslProblem {
  readonly params: ParamSpec[];
  readonly buffers: BufferSpec[];
  readonly inputShape: [number, number, number]; // C,H,W of one (augmented) view
  readonly viewsPerImage: number; // 2 for SimCLR/SimSiam/BYOL, 1 for MAE
  /** Scalar loss from the augmented views: views[v] is [B,C,H,W]; extra = extra per-step inputs (e.g. MAE mask noise). */
  loss(ctx: BuildContext, views: Value[], extra: Record<string, Value>): Value;
  /** Extra per-step host-fed inputs (name -> shape), e.g. MAE mask ranks. Sampled by `sampleExtra`.
   *  A -1 in a shape stands for the step's batch size B (MAE: maskKeep is [-1, K] = [B, K]). */
  readonly extraInputs?: Record<string, number[]>;
  sampleExtra?(seed: number, step: number, batch: number): Record<string, Float32Array>;
  /** Representation used for SSLMem scoring (encoder output, no projection head), eval mode. */
  encode(ctx: BuildContext, x: Value): { repr: Value; layers: { name: string; value: Value }[] };
  /** Host-side work after each step (e.g. BYOL EMA done in-graph via setBuffer instead, preferred). */
  readonly describe: Record<string, unknown>; // for the manifest: model, method, hyper-parameters
}

// ---- Extensions (engineer M): the encoder half of a problem, shared by every SSL method. ----------------

/** Output of an encoder: the representation [B, D] and named intermediate outputs (for LayerMem). */
export interface EncoderOutput {
  repr: Value;
  layers: { name: string; value: Value }[];
}

/** A model without a training objective. Methods wrap it into an SslProblem and add their own heads. */
export interface Encoder {
  /** 'smallCnn' | 'resnet18' | 'vitTiny'; with `config` it is enough to rebuild the model (manifest, oracle). */
  readonly kind: string;
  readonly config: Record<string, number | string>;
  readonly params: ParamSpec[];
  readonly buffers: BufferSpec[];
  readonly inputShape: [number, number, number];
  /** Width D of `repr`. */
  readonly reprDim: number;
  /** ctx.training selects BatchNorm batch statistics (and running-stat updates) vs running statistics. */
  forward(ctx: BuildContext, x: Value): EncoderOutput;
}
