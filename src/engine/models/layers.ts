// Building blocks shared by the models and the method heads: each layer kind has a `declare` half (the
// ParamSpecs/BufferSpecs, named like PyTorch's module attributes so checkpoints map 1:1 onto state dicts)
// and an `apply` half (graph code reading those parameters from the BuildContext).
//
// Initialisation follows PyTorch's defaults: Conv2d/Linear weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in))
// (kaiming_uniform with a = sqrt 5 reduces to exactly that bound), norm layers weight 1 / bias 0, BatchNorm
// running mean 0 / var 1. Weight decay applies to conv/linear weights only (not biases, norms, embeddings).

import { Value, linear as linearOp, reshape, tensor } from '../graph';
import { conv2d } from '../graph/ops/conv';
import { batchNorm, layerNorm } from '../graph/ops/norm';
import { globalAveragePool } from '../graph/ops/pool';
import { BufferSpec, BuildContext, Init, ParamSpec } from './types';

export const BN_MOMENTUM = 0.1; // PyTorch's default: running = (1 - m) running + m batch
export const BN_EPS = 1e-5;
export const LN_EPS = 1e-6; // timm / MAE ViTs use LayerNorm(eps=1e-6)

/** Collects parameter and buffer declarations in module order. */
export class Specs {
  readonly params: ParamSpec[] = [];
  readonly buffers: BufferSpec[] = [];

  param(name: string, shape: number[], init: Init, weightDecay: boolean): void {
    if (this.params.some((p) => p.name === name)) throw new Error(`duplicate parameter ${name}`);
    this.params.push({ name, shape, init, weightDecay });
  }

  buffer(name: string, shape: number[], init: Init): void {
    this.buffers.push({ name, shape, init });
  }

  /** nn.Conv2d(cin, cout, k): weight [cout, cin, k, k]. `weightInit` overrides the default (torchvision ResNet). */
  conv(name: string, cin: number, cout: number, k: number, bias: boolean, weightInit?: Init): void {
    const bound = 1 / Math.sqrt(cin * k * k);
    this.param(`${name}.weight`, [cout, cin, k, k], weightInit ?? { kind: 'uniform', bound }, true);
    if (bias) this.param(`${name}.bias`, [cout], { kind: 'uniform', bound }, false);
  }

  /** nn.Linear(fin, fout): weight [fout, fin]. */
  linear(name: string, fin: number, fout: number, bias = true): void {
    const bound = 1 / Math.sqrt(fin);
    this.param(`${name}.weight`, [fout, fin], { kind: 'uniform', bound }, true);
    if (bias) this.param(`${name}.bias`, [fout], { kind: 'uniform', bound }, false);
  }

  /** nn.BatchNorm1d/2d(c, affine): running statistics are buffers. */
  batchNorm(name: string, c: number, affine = true): void {
    if (affine) {
      this.param(`${name}.weight`, [c], { kind: 'ones' }, false);
      this.param(`${name}.bias`, [c], { kind: 'zeros' }, false);
    }
    this.buffer(`${name}.running_mean`, [c], { kind: 'zeros' });
    this.buffer(`${name}.running_var`, [c], { kind: 'ones' });
  }

  layerNorm(name: string, d: number): void {
    this.param(`${name}.weight`, [d], { kind: 'ones' }, false);
    this.param(`${name}.bias`, [d], { kind: 'zeros' }, false);
  }
}

export function applyLinear(ctx: BuildContext, name: string, x: Value, bias = true): Value {
  return linearOp(x, ctx.param(`${name}.weight`), bias ? ctx.param(`${name}.bias`) : undefined);
}

/**
 * BatchNorm as PyTorch computes it (the graph's fused BatchNorm op): training normalises by the batch
 * statistics over every axis but the channel axis and returns running statistics updated with momentum
 * 0.1 and the unbiased variance, which go to `setBuffer`; eval mode uses the running statistics.
 * affine = false (SimSiam's last projector layer) uses a fixed scale 1 and shift 0.
 */
export function applyBatchNorm(ctx: BuildContext, name: string, x: Value, affine = true): Value {
  const c = x.shape[1];
  const fixed = (v: number) => x.graph.constant(tensor([c], new Array(c).fill(v)), x.dtype);
  const r = batchNorm(
    x,
    {
      gamma: affine ? ctx.param(`${name}.weight`) : fixed(1),
      beta: affine ? ctx.param(`${name}.bias`) : fixed(0),
      runningMean: ctx.buffer(`${name}.running_mean`),
      runningVar: ctx.buffer(`${name}.running_var`),
    },
    { training: ctx.training, momentum: BN_MOMENTUM, eps: BN_EPS },
  );
  if (ctx.training) {
    ctx.setBuffer(`${name}.running_mean`, r.runningMean);
    ctx.setBuffer(`${name}.running_var`, r.runningVar);
  }
  return r.y;
}

/** Mean over the spatial axes of [N,C,H,W] -> [N,C] (global average pooling). */
export function spatialMean(x: Value): Value {
  return reshape(globalAveragePool(x), [x.shape[0], x.shape[1]]);
}

/** nn.Conv2d forward: square kernel from the weight's shape, symmetric zero padding. */
export function applyConv(ctx: BuildContext, name: string, x: Value, stride: number, padding: number, bias: boolean): Value {
  return conv2d(x, ctx.param(`${name}.weight`), bias ? ctx.param(`${name}.bias`) : undefined, { strides: stride, pads: padding });
}

/** nn.LayerNorm over the last axis (biased variance, as PyTorch). */
export function applyLayerNorm(ctx: BuildContext, name: string, x: Value, eps = LN_EPS): Value {
  return layerNorm(x, ctx.param(`${name}.weight`), ctx.param(`${name}.bias`), { eps });
}
