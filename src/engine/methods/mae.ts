// MAE (He et al. 2022) for the ViT encoder. Per step the host samples, for each image, which K patches stay
// visible (`maskKeep` [B, K], patch indices as floats; K = round(N (1 - maskRatio))). The graph turns them
// into a one-hot selection S [B, K, N] so that "gather visible tokens" is S @ tokens and "put decoded tokens
// back in place" is S^T @ decoded: both are MatMuls with exact, cheap VJPs and no index ops in the backward.
// The light decoder (Linear embed, mask token, its own position embedding, pre-norm blocks, LayerNorm,
// Linear to pixels) predicts every patch; the loss is the MSE over the masked patches only, against
// per-patch normalised pixels by default (`normPixLoss`, MAE's best setting; unbiased variance as in MAE).
// Patch pixels are in (c, ph, pw) order, the order of the patch embedding's weight.

import { Value, add, cast, concat, div, equal, matmul, mul, reduceSum, reshape, slice, sqrt, sub, tensor, transpose } from '../graph';
import { Specs, applyLayerNorm, applyLinear } from '../models/layers';
import { SslProblem } from '../models/types';
import { VitEncoder, applyBlock, declareBlock, patchify } from '../models/vit';
import { Rng } from '../util/prng';

export interface MaeOptions {
  maskRatio?: number; // fraction of patches hidden from the encoder (0.75 in MAE)
  decoderDim?: number;
  decoderDepth?: number;
  decoderHeads?: number;
  mlpRatio?: number;
  normPixLoss?: boolean;
}

/** Visible-patch indices for one step: for each image, the first K of a seeded random permutation. */
export function sampleMaskKeep(seed: number, step: number, batch: number, numPatches: number, keep: number): Float32Array {
  const rng = new Rng((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((step | 0) + 1, 0x85ebca6b) ^ 0x4d414531) | 0);
  const out = new Float32Array(batch * keep);
  const perm = new Float64Array(numPatches);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < numPatches; i++) perm[i] = i;
    rng.shuffle(perm);
    out.set(perm.subarray(0, keep), b * keep);
  }
  return out;
}

export function mae(vit: VitEncoder, options: MaeOptions = {}): SslProblem {
  const o = { maskRatio: 0.75, decoderDim: 128, decoderDepth: 2, decoderHeads: 4, mlpRatio: 4, normPixLoss: true, ...options };
  const n = vit.numPatches;
  const keep = Math.max(1, Math.round(n * (1 - o.maskRatio)));
  const cls = vit.pool === 'cls';
  const patchDim = vit.inputShape[0] * vit.patch * vit.patch;
  const head = new Specs();
  head.linear('decoder_embed', vit.dim, o.decoderDim);
  head.param('mask_token', [1, 1, o.decoderDim], { kind: 'normal', std: 0.02 }, false);
  head.param('decoder_pos_embed', [1, n + (cls ? 1 : 0), o.decoderDim], { kind: 'normal', std: 0.02 }, false);
  for (let i = 0; i < o.decoderDepth; i++) declareBlock(head, `decoder_blocks.${i}`, o.decoderDim, o.mlpRatio);
  head.layerNorm('decoder_norm', o.decoderDim);
  head.linear('decoder_pred', o.decoderDim, patchDim);

  function target(x: Value): Value {
    const t = patchify(x, vit.patch);
    if (!o.normPixLoss) return t;
    const centered = sub(t, mul(reduceSum(t, [2], true), 1 / patchDim));
    const variance = mul(reduceSum(mul(centered, centered), [2], true), 1 / (patchDim - 1));
    return div(centered, sqrt(add(variance, 1e-6)));
  }

  return {
    params: [...vit.params, ...head.params],
    buffers: [...vit.buffers, ...head.buffers],
    inputShape: vit.inputShape,
    viewsPerImage: 1,
    extraInputs: { maskKeep: [-1, keep] }, // -1: the batch size of the step
    sampleExtra: (seed, step, batch) => ({ maskKeep: sampleMaskKeep(seed, step, batch, n, keep) }),
    loss(ctx, views, extra) {
      const x = views[0];
      const b = x.shape[0];
      const ids = extra.maskKeep;
      if (!ids || ids.shape.join() !== `${b},${keep}`) throw new Error(`MAE needs extra input maskKeep [${b},${keep}]`);
      const positions = x.graph.constant(
        tensor(
          [1, 1, n],
          Array.from({ length: n }, (_, i) => i),
        ),
        ids.dtype,
      );
      const select = cast(equal(reshape(ids, [b, keep, 1]), positions), x.dtype); // [B, K, N]
      const hidden = sub(1, reduceSum(select, [1])); // [B, N]: 1 where the patch was masked out
      const encoded = vit.runBlocks(ctx, vit.tokens(ctx, x, select)).out;
      const d = applyLinear(ctx, 'decoder_embed', encoded);
      const visible = cls ? slice(d, [1], [keep + 1], [1]) : d;
      let full = add(matmul(transpose(select, [0, 2, 1]), visible), mul(reshape(hidden, [b, n, 1]), ctx.param('mask_token')));
      if (cls) full = concat([slice(d, [0], [1], [1]), full], 1);
      full = add(full, ctx.param('decoder_pos_embed'));
      for (let i = 0; i < o.decoderDepth; i++) full = applyBlock(ctx, `decoder_blocks.${i}`, full, o.decoderHeads);
      let pred = applyLinear(ctx, 'decoder_pred', applyLayerNorm(ctx, 'decoder_norm', full));
      if (cls) pred = slice(pred, [1], [n + 1], [1]);
      const err = sub(pred, target(x));
      const perPatch = mul(reduceSum(mul(err, err), [2]), 1 / patchDim); // [B, N]
      return mul(reduceSum(mul(perPatch, hidden), [0, 1]), 1 / (b * (n - keep)));
    },
    encode: (ctx, x) => vit.forward(ctx, x),
    describe: { method: 'mae', model: vit.kind, modelConfig: vit.config, ...o, visiblePatches: keep },
  };
}
