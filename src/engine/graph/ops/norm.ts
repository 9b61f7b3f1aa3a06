// Normalisation layers with hand-written VJPs (fewer full-size passes than differentiating the composite).
//
// BatchNorm, training mode: statistics over every axis but 1. The forward keeps the centred input xc and
// 1/std as extra outputs for the backward pass. Variance is computed from xc (two-pass, exact in float32
// like PyTorch's) rather than E[x^2]-E[x]^2, which loses digits when |mean| >> std. Both per-channel affine
// maps (forward y = xc*gamma/std + beta, backward a*g + c) run as an inference-mode BatchNormalization node
// with mean 0, var 1, epsilon 0: one fused pass over the tensor. Running statistics follow PyTorch:
// momentum 0.1, running_var updated with the unbiased variance.
// LayerNorm: the opset-17 LayerNormalization op (its Mean and InvStdDev outputs feed the VJP).

import { OpDef, Value, apply1, attr } from '../ir';
import { Tensor, numel, tensor } from '../tensor';
import { add, div, mul, neg, sub } from './elementwise';
import { reduceMean } from './reduce';
import { expand, reduceSum, reshape, sumToShape } from './shape';
import { sqrt } from './math';

const statAxes = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
/** [C] -> [1, C, 1, ...] so that it broadcasts over an N C ... tensor of rank `rank`. */
const perChannel = (v: Value, rank: number) => reshape(v, [1, v.shape[0], ...new Array(rank - 2).fill(1)]);
function channelRef(x: Tensor, f: (v: number, c: number) => number): Tensor {
  const c = x.shape[1];
  const inner = numel(x.shape.slice(2));
  return tensor(
    x.shape,
    x.data.map((v, i) => f(v, Math.floor(i / inner) % c)),
  );
}

// ---- y = t * scale[c] + bias[c] -----------------------------------------------------------------------
export const ChannelAffine: OpDef<null> = {
  type: 'ChannelAffine',
  infer: ([t]) => [t],
  emit(e, [t, s, b], outs, _a, [tt, st]) {
    const c = st.shape[0];
    const zeros = e.float(new Array(c).fill(0), [c], tt.dtype);
    const ones = e.float(new Array(c).fill(1), [c], tt.dtype);
    e.node('BatchNormalization', [t, s, b, zeros, ones], { epsilon: attr.float(0) }, outs);
  },
  ref: ([t, s, b]) => [channelRef(t, (v, c) => v * s.data[c] + b.data[c])],
};
export const channelAffine = (t: Value, scale: Value, bias: Value): Value => apply1(ChannelAffine, [t, scale, bias], null);

// ---- BatchNorm, training mode: outputs [y, mean, biasedVar, xc, invStd] ---------------------------------
interface EpsAttrs {
  eps: number;
}
export const BatchNormTrain: OpDef<EpsAttrs> = {
  type: 'BatchNormTrain',
  infer([x, gamma, beta]) {
    if (x.shape.length < 2) throw new Error('expects [N, C, ...]');
    const c = x.shape[1];
    if (gamma.shape.join() !== `${c}` || beta.shape.join() !== `${c}`) throw new Error(`gamma/beta must be [${c}]`);
    const vec = { shape: [c], dtype: x.dtype };
    return [x, vec, vec, x, vec];
  },
  emit(e, [x, gamma, beta], [y, mean, variance, xc, inv], { eps }, [xt]) {
    const axes = attr.ints(statAxes(xt.shape.length));
    const c = xt.shape[1];
    const n = numel(xt.shape) / c;
    const [meanK] = e.node('ReduceMean', [x], { axes, keepdims: attr.int(1) });
    e.node('Sub', [x, meanK], {}, [xc]);
    e.node('Reshape', [meanK, e.int64([c])], {}, [mean]);
    const [ss] = e.node('ReduceSumSquare', [xc], { axes, keepdims: attr.int(0) });
    e.node('Mul', [ss, e.float([1 / n], [], xt.dtype)], {}, [variance]);
    const [std] = e.node('Sqrt', [e.node('Add', [variance, e.float([eps], [], xt.dtype)])[0]]);
    e.node('Reciprocal', [std], {}, [inv]);
    const [scale] = e.node('Mul', [gamma, inv]);
    const zeros = e.float(new Array(c).fill(0), [c], xt.dtype);
    const ones = e.float(new Array(c).fill(1), [c], xt.dtype);
    e.node('BatchNormalization', [xc, scale, beta, zeros, ones], { epsilon: attr.float(0) }, [y]);
  },
  ref([x, gamma, beta], { eps }) {
    const c = x.shape[1];
    const n = numel(x.shape) / c;
    const mean = tensor([c]);
    const variance = tensor([c]);
    channelRef(x, (v, ch) => {
      mean.data[ch] += v / n;
      return 0;
    });
    const xc = channelRef(x, (v, ch) => v - mean.data[ch]);
    channelRef(xc, (v, ch) => {
      variance.data[ch] += (v * v) / n;
      return 0;
    });
    const inv = tensor(
      [c],
      variance.data.map((v) => 1 / Math.sqrt(v + eps)),
    );
    const y = channelRef(xc, (v, ch) => v * gamma.data[ch] * inv.data[ch] + beta.data[ch]);
    return [y, mean, variance, xc, inv];
  },
  vjp({ inputs: [x, gamma], outputs: [, , , xc, inv], gradOutputs: [g, gMean, gVar, gXc, gInv] }) {
    if (gXc || gInv) throw new Error('BatchNorm: xc / invStd are internal outputs');
    const axes = statAxes(x.rank);
    const n = numel(x.shape) / x.shape[1];
    const a = mul(gamma, inv);
    // dx = a*g + c + b*xc per channel, with c = -a*mean(g) and b = -a*inv^2*mean(g*xc); the batch-statistic
    // outputs (mean, biased var) add their own terms when something downstream differentiates them.
    const gSum = g && reduceSum(g, axes); // = dL/dbeta
    const gxcSum = g && reduceSum(mul(g, xc), axes);
    let c: Value | null = gSum && neg(mul(a, mul(gSum, 1 / n)));
    let b: Value | null = gxcSum && neg(mul(mul(a, mul(inv, inv)), mul(gxcSum, 1 / n)));
    if (gMean) c = c ? add(c, mul(gMean, 1 / n)) : mul(gMean, 1 / n);
    if (gVar) b = b ? add(b, mul(gVar, 2 / n)) : mul(gVar, 2 / n);
    let gx: Value | null = g ? channelAffine(g, a, c!) : c && expand(perChannel(c, x.rank), x.shape);
    if (b) gx = gx ? add(gx, mul(xc, perChannel(b, x.rank))) : mul(xc, perChannel(b, x.rank));
    return [gx, gxcSum && mul(gxcSum, inv), gSum];
  },
};

// ---- BatchNorm, eval mode (running statistics are inputs, not differentiated) ---------------------------
export const BatchNormEval: OpDef<EpsAttrs> = {
  type: 'BatchNormEval',
  infer: ([x]) => [x],
  emit(e, ins, outs, { eps }) {
    e.node('BatchNormalization', ins, { epsilon: attr.float(eps) }, outs);
  },
  ref: ([x, gamma, beta, rm, rv], { eps }) => [
    channelRef(x, (v, c) => ((v - rm.data[c]) / Math.sqrt(rv.data[c] + eps)) * gamma.data[c] + beta.data[c]),
  ],
  vjp({ inputs: [x, gamma, , rm, rv], attrs: { eps }, gradOutputs: [g] }) {
    const axes = statAxes(x.rank);
    const inv = div(1, sqrt(add(rv, eps)));
    const xhat = channelAffine(x, inv, neg(mul(rm, inv)));
    return [mul(g!, perChannel(mul(gamma, inv), x.rank)), reduceSum(mul(g!, xhat), axes), reduceSum(g!, axes), null, null];
  },
};

export interface BatchNormParams {
  gamma: Value;
  beta: Value;
  runningMean: Value;
  runningVar: Value;
}
export interface BatchNormResult {
  y: Value;
  runningMean: Value;
  runningVar: Value;
}
/**
 * BatchNorm over [N, C, ...]. Training: normalise with batch statistics and return updated running
 * statistics (PyTorch: r <- (1 - momentum) r + momentum * stat, unbiased variance). Eval: normalise with the
 * running statistics, which are returned unchanged.
 */
export function batchNorm(x: Value, p: BatchNormParams, opts: { training: boolean; momentum?: number; eps?: number }): BatchNormResult {
  const eps = opts.eps ?? 1e-5;
  if (!opts.training) {
    const y = apply1(BatchNormEval, [x, p.gamma, p.beta, p.runningMean, p.runningVar], { eps });
    return { y, runningMean: p.runningMean, runningVar: p.runningVar };
  }
  const m = opts.momentum ?? 0.1;
  const n = numel(x.shape) / x.shape[1];
  const [y, mean, variance] = x.graph.apply(BatchNormTrain, [x, p.gamma, p.beta], { eps });
  return {
    y,
    runningMean: add(mul(p.runningMean, 1 - m), mul(mean, m)),
    runningVar: add(mul(p.runningVar, 1 - m), mul(variance, (m * n) / (n - 1))),
  };
}

// ---- LayerNormalization (opset 17): outputs [y, mean, invStd] ------------------------------------------
interface LayerNormAttrs {
  axis: number;
  eps: number;
}
export const LayerNorm: OpDef<LayerNormAttrs> = {
  type: 'LayerNormalization',
  infer([x, scale], { axis }) {
    if (scale.shape.join() !== x.shape.slice(axis).join()) throw new Error(`scale must be [${x.shape.slice(axis)}]`);
    const stat = { shape: x.shape.map((d, i) => (i < axis ? d : 1)), dtype: x.dtype };
    return [x, stat, stat];
  },
  emit(e, ins, outs, { axis, eps }) {
    e.node('LayerNormalization', ins, { axis: attr.int(axis), epsilon: attr.float(eps) }, outs);
  },
  ref([x, scale, bias], { axis, eps }) {
    const m = numel(x.shape.slice(axis));
    const rows = x.data.length / m;
    const y = tensor(x.shape);
    const mean = tensor(x.shape.map((d, i) => (i < axis ? d : 1)));
    const inv = tensor(mean.shape);
    for (let r = 0; r < rows; r++) {
      const lane = x.data.subarray(r * m, (r + 1) * m);
      const mu = lane.reduce((s, v) => s + v, 0) / m;
      const is = 1 / Math.sqrt(lane.reduce((s, v) => s + (v - mu) * (v - mu), 0) / m + eps);
      mean.data[r] = mu;
      inv.data[r] = is;
      for (let j = 0; j < m; j++) y.data[r * m + j] = (lane[j] - mu) * is * scale.data[j] + (bias ? bias.data[j] : 0);
    }
    return [y, mean, inv];
  },
  vjp({ inputs: [x, scale, bias], outputs: [, mean, inv], attrs: { axis }, gradOutputs: [g, ...rest] }) {
    if (rest.some((r) => r)) throw new Error('LayerNorm: gradients through the Mean/InvStdDev outputs are not supported');
    const axes = x.shape.map((_, i) => i).filter((i) => i >= axis);
    const xhat = mul(sub(x, mean), inv);
    const gh = mul(g!, scale);
    const dx = mul(inv, sub(sub(gh, reduceMean(gh, axes, true)), mul(xhat, reduceMean(mul(gh, xhat), axes, true))));
    const grads: (Value | null)[] = [dx, sumToShape(mul(g!, xhat), scale.shape)];
    if (bias) grads.push(sumToShape(g!, bias.shape));
    return grads;
  },
};
/** LayerNorm over the axes from `axis` to the end (PyTorch nn.LayerNorm with normalized_shape = those dims). */
export function layerNorm(x: Value, scale: Value, bias?: Value, opts: { axis?: number; eps?: number } = {}): Value {
  const axis = (opts.axis ?? -1) < 0 ? x.rank + (opts.axis ?? -1) : opts.axis!;
  return x.graph.apply(LayerNorm, bias ? [x, scale, bias] : [x, scale], { axis, eps: opts.eps ?? 1e-5 })[0];
}
