// ViT-tiny-style encoder: patch embedding (a Conv with kernel = stride = patch, written as patchify +
// MatMul so that it needs no strided-conv VJP; the weight keeps Conv2d's [D, C, p, p] shape), a learnable
// position embedding, pre-norm Transformer blocks (LayerNorm, multi-head self-attention via MatMul/Softmax,
// GELU MLP), a final LayerNorm. Names follow timm / MAE (`blocks.3.attn.qkv.weight`).
//
// Pooling: 'cls' (default, as MAE) prepends a learnable CLS token and the representation is its final
// state; 'mean' has no CLS token and averages the patch tokens. Defaults are the SSLMem paper's MAE
// encoder (32x32, patch 2 would be 256 tokens; we default to patch 4 = 64 tokens to stay trainable on CPU).

import {
  Value,
  add,
  concat,
  expand,
  gelu,
  matmul,
  mul,
  reduceSum,
  reshape,
  slice,
  softmax,
  split,
  transpose,
  transposeLast2,
} from '../graph';
import { Specs, applyLayerNorm, applyLinear } from './layers';
import { BuildContext, Encoder } from './types';

export interface VitOptions {
  inChannels?: number;
  imageSize?: number;
  patch?: number;
  dim?: number;
  depth?: number;
  heads?: number;
  mlpRatio?: number;
  pool?: 'cls' | 'mean';
  /** What `forward` returns as the representation: 'pooled' (CLS state or token mean, [B, D]) or 'tokens'
   *  (the final token matrix flattened, [B, T*D] — the SSLMem paper's choice for ViTs). */
  repr?: 'pooled' | 'tokens';
}

export interface VitEncoder extends Encoder {
  readonly patch: number;
  readonly numPatches: number;
  readonly dim: number;
  readonly pool: 'cls' | 'mean';
  /** Embedded patch tokens + position embedding; `select` [B,K,N] (one-hot rows) keeps K patches; CLS prepended. */
  tokens(ctx: BuildContext, x: Value, select?: Value): Value;
  /** The Transformer blocks and the final norm; per-block outputs for LayerMem. */
  runBlocks(ctx: BuildContext, t: Value): { out: Value; layers: { name: string; value: Value }[] };
}

/** [B,C,H,W] -> [B, N, C*p*p]: row-major patches, features in (c, ph, pw) order = Conv2d weight order. */
export function patchify(x: Value, p: number): Value {
  const [b, c, h, w] = x.shape;
  const t = transpose(reshape(x, [b, c, h / p, p, w / p, p]), [0, 2, 4, 1, 3, 5]);
  return reshape(t, [b, (h / p) * (w / p), c * p * p]);
}

export function declareBlock(specs: Specs, prefix: string, dim: number, mlpRatio: number): void {
  specs.layerNorm(`${prefix}.norm1`, dim);
  specs.linear(`${prefix}.attn.qkv`, dim, 3 * dim);
  specs.linear(`${prefix}.attn.proj`, dim, dim);
  specs.layerNorm(`${prefix}.norm2`, dim);
  specs.linear(`${prefix}.mlp.fc1`, dim, Math.floor(dim * mlpRatio));
  specs.linear(`${prefix}.mlp.fc2`, Math.floor(dim * mlpRatio), dim);
}

function attention(ctx: BuildContext, prefix: string, x: Value, heads: number): Value {
  const [b, t, d] = x.shape;
  const dh = d / heads;
  const qkv = applyLinear(ctx, `${prefix}.qkv`, x);
  // [B,T,D] -> [B,heads,T,dh] for each of q, k, v
  const [q, k, v] = split(qkv, 2, [d, d, d]).map((z) => transpose(reshape(z, [b, t, heads, dh]), [0, 2, 1, 3]));
  const att = softmax(mul(matmul(q, transposeLast2(k)), 1 / Math.sqrt(dh)), -1);
  const out = reshape(transpose(matmul(att, v), [0, 2, 1, 3]), [b, t, d]);
  return applyLinear(ctx, `${prefix}.proj`, out);
}

/** Pre-norm block: x + attn(norm1(x)), then + mlp(norm2(x)). */
export function applyBlock(ctx: BuildContext, prefix: string, x: Value, heads: number): Value {
  const a = add(x, attention(ctx, `${prefix}.attn`, applyLayerNorm(ctx, `${prefix}.norm1`, x), heads));
  const h = gelu(applyLinear(ctx, `${prefix}.mlp.fc1`, applyLayerNorm(ctx, `${prefix}.norm2`, a)));
  return add(a, applyLinear(ctx, `${prefix}.mlp.fc2`, h));
}

export function vitTiny(options: VitOptions = {}): VitEncoder {
  const o = {
    inChannels: 3,
    imageSize: 32,
    patch: 4,
    dim: 192,
    depth: 12,
    heads: 3,
    mlpRatio: 4,
    pool: 'cls' as const,
    repr: 'pooled' as const,
    ...options,
  };
  if (o.imageSize % o.patch !== 0) throw new Error(`image size ${o.imageSize} is not a multiple of patch ${o.patch}`);
  if (o.dim % o.heads !== 0) throw new Error(`width ${o.dim} is not a multiple of heads ${o.heads}`);
  const numPatches = (o.imageSize / o.patch) ** 2;
  const cls = o.pool === 'cls';
  const specs = new Specs();
  specs.conv('patch_embed.proj', o.inChannels, o.dim, o.patch, true);
  // Token embeddings: N(0, 0.02) as timm / MAE; no weight decay on embeddings.
  if (cls) specs.param('cls_token', [1, 1, o.dim], { kind: 'normal', std: 0.02 }, false);
  specs.param('pos_embed', [1, numPatches + (cls ? 1 : 0), o.dim], { kind: 'normal', std: 0.02 }, false);
  for (let i = 0; i < o.depth; i++) declareBlock(specs, `blocks.${i}`, o.dim, o.mlpRatio);
  specs.layerNorm('norm', o.dim);

  const enc: VitEncoder = {
    kind: 'vitTiny',
    config: { ...o },
    params: specs.params,
    buffers: specs.buffers,
    inputShape: [o.inChannels, o.imageSize, o.imageSize],
    reprDim: o.repr === 'tokens' ? o.dim * (numPatches + (cls ? 1 : 0)) : o.dim,
    patch: o.patch,
    numPatches,
    dim: o.dim,
    pool: o.pool,
    tokens(ctx, x, select) {
      const w = ctx.param('patch_embed.proj.weight');
      let t = add(matmul(patchify(x, o.patch), transpose(reshape(w, [o.dim, -1]), [1, 0])), ctx.param('patch_embed.proj.bias'));
      const pos = ctx.param('pos_embed');
      t = add(t, cls ? slice(pos, [1], [numPatches + 1], [1]) : pos);
      if (select) t = matmul(select, t);
      if (!cls) return t;
      const head = add(ctx.param('cls_token'), slice(pos, [0], [1], [1]));
      return concat([expand(head, [t.shape[0], 1, o.dim]), t], 1);
    },
    runBlocks(ctx, t) {
      const layers: { name: string; value: Value }[] = [];
      for (let i = 0; i < o.depth; i++) {
        t = applyBlock(ctx, `blocks.${i}`, t, o.heads);
        layers.push({ name: `blocks.${i}`, value: t });
      }
      return { out: applyLayerNorm(ctx, 'norm', t), layers };
    },
    forward(ctx, x) {
      const { out, layers } = enc.runBlocks(ctx, enc.tokens(ctx, x));
      const [b, t] = out.shape;
      const repr =
        o.repr === 'tokens'
          ? reshape(out, [b, t * o.dim])
          : cls
            ? reshape(slice(out, [0], [1], [1]), [b, o.dim])
            : mul(reduceSum(out, [1]), 1 / numPatches);
      return { repr, layers };
    },
  };
  return enc;
}
