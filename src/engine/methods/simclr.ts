// SimCLR (Chen et al. 2020): encoder -> projection MLP (Linear-ReLU-Linear) -> L2 normalisation ->
// NT-Xent over the 2B views. Both views go through the encoder as one batch of 2B (rows 0..B-1 = view 1,
// B..2B-1 = view 2), as most PyTorch implementations do; BatchNorm statistics are therefore over 2B.

import { Value, add, concat, logSoftmax, l2normalize, matmul, mul, reduceSum, relu, tensor, transpose } from '../graph';
import { Specs, applyLinear } from '../models/layers';
import { Encoder, SslProblem } from '../models/types';

export interface SimclrOptions {
  projDim?: number; // output of the projection head (128 in SimCLR)
  hiddenDim?: number; // hidden width of the projection head (default: the encoder's width)
  temperature?: number; // 0.5 in the SSLMem paper's SimCLR
}

/**
 * NT-Xent: mean over the 2B rows of -log softmax(z_i . z_j / T) at the positive j (the other view of the
 * same image); a row's similarity with itself is removed by adding -1e9 (exp underflows to 0).
 */
export function ntXent(z: Value, temperature: number): Value {
  const [n] = z.shape;
  const half = n / 2;
  const g = z.graph;
  const zn = l2normalize(z, 1);
  const selfMask = new Float64Array(n * n);
  const positives = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    selfMask[i * n + i] = -1e9;
    positives[i * n + ((i + half) % n)] = -1 / n; // one-hot of the positive, carrying -1/N for the mean
  }
  const logits = add(mul(matmul(zn, transpose(zn, [1, 0])), 1 / temperature), g.constant(tensor([n, n], selfMask), z.dtype));
  return reduceSum(mul(logSoftmax(logits, 1), g.constant(tensor([n, n], positives), z.dtype)), [0, 1]);
}

export function simclr(encoder: Encoder, options: SimclrOptions = {}): SslProblem {
  const projDim = options.projDim ?? 128;
  const hiddenDim = options.hiddenDim ?? encoder.reprDim;
  const temperature = options.temperature ?? 0.5;
  const head = new Specs();
  head.linear('projector.0', encoder.reprDim, hiddenDim);
  head.linear('projector.2', hiddenDim, projDim);
  return {
    params: [...encoder.params, ...head.params],
    buffers: [...encoder.buffers, ...head.buffers],
    inputShape: encoder.inputShape,
    viewsPerImage: 2,
    loss(ctx, views) {
      if (views.length !== 2) throw new Error(`SimCLR takes 2 views, got ${views.length}`);
      const h = encoder.forward(ctx, concat(views, 0)).repr;
      const z = applyLinear(ctx, 'projector.2', relu(applyLinear(ctx, 'projector.0', h)));
      return ntXent(z, temperature);
    },
    encode: (ctx, x) => encoder.forward(ctx, x),
    describe: { method: 'simclr', model: encoder.kind, modelConfig: encoder.config, projDim, hiddenDim, temperature },
  };
}
