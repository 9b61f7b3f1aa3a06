// BYOL (Grill et al. 2020): an online network (encoder, projector, predictor) regresses the projection of
// the other view made by a target network (encoder + projector) whose weights are an exponential moving
// average of the online ones. Loss per pair: 2 - 2 cos(p_online(v1), z_target(v2)), symmetrised.
//
// The target network lives in buffers (`target.<online name>`, its BatchNorms' running statistics too) and
// the EMA is done in-graph through setBuffer, so the trainer needs nothing BYOL-specific:
// - the buffer `target.initialized` (0 at init) makes step 0 use a copy of the online weights, as BYOL
//   starts the target equal to the online network: target_eff = f * target + (1 - f) * online; f becomes 1;
// - EMA: target <- tau * target_eff + (1 - tau) * online, with the online weights of this step (before the
//   optimizer update; the reference implementation uses the updated ones: a one-step lag, negligible for tau
//   near 1). tau is fixed (BYOL anneals 0.996 -> 1 with a cosine schedule).
// Views go through each network as one batch of 2B (BatchNorm statistics over both views).

import { Value, add, concat, l2normalize, mul, reduceSum, relu, slice, sub, tensor } from '../graph';
import { Specs, applyBatchNorm, applyLinear } from '../models/layers';
import { BuildContext, Encoder, ParamSpec, SslProblem } from '../models/types';
import { stopGradient } from './stop-gradient';

export interface ByolOptions {
  projDim?: number; // 256 in BYOL
  hiddenDim?: number; // 4096 in BYOL (projector and predictor)
  tau?: number; // EMA decay of the target network
}

const TARGET = 'target.';
const INITIALIZED = 'target.initialized';

export function byol(encoder: Encoder, options: ByolOptions = {}): SslProblem {
  const projDim = options.projDim ?? 256;
  const hiddenDim = options.hiddenDim ?? 4 * encoder.reprDim;
  const tau = options.tau ?? 0.99;
  const heads = new Specs();
  heads.linear('projector.0', encoder.reprDim, hiddenDim);
  heads.batchNorm('projector.1', hiddenDim);
  heads.linear('projector.3', hiddenDim, projDim);
  const projector = new Set(heads.params.map((p) => p.name));
  heads.linear('predictor.0', projDim, hiddenDim);
  heads.batchNorm('predictor.1', hiddenDim);
  heads.linear('predictor.3', hiddenDim, projDim);
  // The target copies the encoder and the projector (not the predictor).
  const targetParams: ParamSpec[] = [...encoder.params, ...heads.params.filter((p) => projector.has(p.name))];
  const targetBufferNames = [...encoder.buffers, ...heads.buffers].filter((b) => !b.name.startsWith('predictor.'));
  const buffers = [
    ...encoder.buffers,
    ...heads.buffers,
    ...targetParams.map((p) => ({ name: TARGET + p.name, shape: p.shape, init: p.init })),
    ...targetBufferNames.map((b) => ({ name: TARGET + b.name, shape: b.shape, init: b.init })),
    { name: INITIALIZED, shape: [1], init: { kind: 'zeros' as const } },
  ];

  const project = (ctx: BuildContext, h: Value) =>
    applyLinear(ctx, 'projector.3', relu(applyBatchNorm(ctx, 'projector.1', applyLinear(ctx, 'projector.0', h))));

  return {
    params: [...encoder.params, ...heads.params],
    buffers,
    inputShape: encoder.inputShape,
    viewsPerImage: 2,
    loss(ctx, views) {
      if (views.length !== 2) throw new Error(`BYOL takes 2 views, got ${views.length}`);
      const b = views[0].shape[0];
      const x = concat(views, 0);
      const z = project(ctx, encoder.forward(ctx, x).repr);
      const p = applyLinear(ctx, 'predictor.3', relu(applyBatchNorm(ctx, 'predictor.1', applyLinear(ctx, 'predictor.0', z))));

      const flag = ctx.buffer(INITIALIZED);
      const targetWeights = new Map(
        targetParams.map((s) => {
          const online = stopGradient(ctx.param(s.name));
          return [s.name, add(mul(ctx.buffer(TARGET + s.name), flag), mul(online, sub(1, flag)))] as const;
        }),
      );
      const targetCtx: BuildContext = {
        param: (n) => {
          const v = targetWeights.get(n);
          if (!v) throw new Error(`BYOL target has no ${n}`);
          return v;
        },
        buffer: (n) => ctx.buffer(TARGET + n),
        setBuffer: (n, v) => ctx.setBuffer(TARGET + n, v),
        training: ctx.training,
      };
      const zt = stopGradient(project(targetCtx, encoder.forward(targetCtx, x).repr));
      for (const [n, w] of targetWeights) ctx.setBuffer(TARGET + n, add(mul(w, tau), mul(stopGradient(ctx.param(n)), 1 - tau)));
      ctx.setBuffer(INITIALIZED, x.graph.constant(tensor([1], [1]), flag.dtype));

      // row i of view 1 pairs with row i of view 2: swap the halves of the target projections
      const swapped = concat([slice(zt, [b], [2 * b], [0]), slice(zt, [0], [b], [0])], 0);
      const cosSum = reduceSum(mul(l2normalize(p, 1), l2normalize(swapped, 1)), [0, 1]);
      return sub(4, mul(cosSum, 2 / b)); // (1/B) sum over both directions of (2 - 2 cos)
    },
    encode: (ctx, x) => encoder.forward(ctx, x),
    describe: { method: 'byol', model: encoder.kind, modelConfig: encoder.config, projDim, hiddenDim, tau },
  };
}
