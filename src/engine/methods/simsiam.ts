// SimSiam (Chen & He 2021): encoder -> projector (Linear-BN-ReLU-Linear-BN without affine) -> predictor
// (Linear-BN-ReLU-Linear); loss = -(cos(p1, sg(z2)) + cos(p2, sg(z1))) / 2 with sg = stop-gradient, which
// is what keeps SimSiam from collapsing. The paper's projector has three layers; two keep it light here.
// Views go through the network as one batch of 2B (BatchNorm statistics over both views).

import { Value, add, concat, l2normalize, mul, reduceSum, relu, slice } from '../graph';
import { Specs, applyBatchNorm, applyLinear } from '../models/layers';
import { Encoder, SslProblem } from '../models/types';
import { stopGradient } from './stop-gradient';

export interface SimsiamOptions {
  projDim?: number; // 2048 in the paper
  hiddenDim?: number; // projector hidden width
  predHiddenDim?: number; // predictor bottleneck (512 in the paper: projDim / 4)
}

/** Mean over rows of cos(p, sg(z)). */
function meanCosine(p: Value, z: Value): Value {
  const prod = mul(l2normalize(p, 1), l2normalize(stopGradient(z), 1));
  return mul(reduceSum(prod, [0, 1]), 1 / p.shape[0]);
}

export function simsiam(encoder: Encoder, options: SimsiamOptions = {}): SslProblem {
  const projDim = options.projDim ?? 2048;
  const hiddenDim = options.hiddenDim ?? projDim;
  const predHiddenDim = options.predHiddenDim ?? Math.max(1, Math.floor(projDim / 4));
  const head = new Specs();
  head.linear('projector.0', encoder.reprDim, hiddenDim, false);
  head.batchNorm('projector.1', hiddenDim);
  head.linear('projector.3', hiddenDim, projDim, false);
  head.batchNorm('projector.4', projDim, false);
  head.linear('predictor.0', projDim, predHiddenDim, false);
  head.batchNorm('predictor.1', predHiddenDim);
  head.linear('predictor.3', predHiddenDim, projDim);
  return {
    params: [...encoder.params, ...head.params],
    buffers: [...encoder.buffers, ...head.buffers],
    inputShape: encoder.inputShape,
    viewsPerImage: 2,
    loss(ctx, views) {
      if (views.length !== 2) throw new Error(`SimSiam takes 2 views, got ${views.length}`);
      const b = views[0].shape[0];
      const h = encoder.forward(ctx, concat(views, 0)).repr;
      let z = relu(applyBatchNorm(ctx, 'projector.1', applyLinear(ctx, 'projector.0', h, false)));
      z = applyBatchNorm(ctx, 'projector.4', applyLinear(ctx, 'projector.3', z, false), false);
      let p = relu(applyBatchNorm(ctx, 'predictor.1', applyLinear(ctx, 'predictor.0', z, false)));
      p = applyLinear(ctx, 'predictor.3', p);
      const rows = (v: Value, from: number) => slice(v, [from], [from + b], [0]);
      return mul(add(meanCosine(rows(p, 0), rows(z, b)), meanCosine(rows(p, b), rows(z, 0))), -0.5);
    },
    encode: (ctx, x) => encoder.forward(ctx, x),
    describe: { method: 'simsiam', model: encoder.kind, modelConfig: encoder.config, projDim, hiddenDim, predHiddenDim },
  };
}
