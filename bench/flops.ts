// Analytic FLOP count of a train step: the forward convolutions and matrix products of the loss graph
// (2 FLOPs per multiply-add), and for the backward pass the same count once per operand that needs a
// gradient (input gradient and weight gradient each cost one forward's worth). The first convolution's
// input (the augmented views) needs no gradient, so its input-gradient is not counted; neither is the
// augmentation, nor elementwise work. This is the conventional "model FLOPs" figure, so the achieved
// rate compares like with like against a plain MatMul.
import { Graph, Node, Value } from '../src/engine/graph';
import { BuildContext, SslProblem } from '../src/engine/models/types';

function macs(node: Node): number {
  const [a, b] = node.inputs;
  const y = node.outputs[0].shape;
  switch (node.op.type) {
    case 'Conv': {
      const [, cin, kh, kw] = b.shape;
      return y.reduce((p, d) => p * d, 1) * cin * kh * kw;
    }
    case 'MatMul': {
      const k = a.shape[a.rank - 1];
      return y.reduce((p, d) => p * d, 1) * k;
    }
    case 'Gemm': {
      const attrs = node.attrs as { transA: boolean };
      const k = attrs.transA ? a.shape[0] : a.shape[1];
      return y[0] * y[1] * k;
    }
    default:
      return 0;
  }
}

export interface StepFlops {
  forward: number;
  backward: number;
  total: number;
}

export function trainStepFlops(problem: SslProblem, batch: number): StepFlops {
  const g = new Graph('flops');
  const params = new Map(problem.params.map((p) => [p.name, g.input(`p/${p.name}`, p.shape)]));
  const buffers = new Map(problem.buffers.map((b) => [b.name, g.input(`b/${b.name}`, b.shape)]));
  const ctx: BuildContext = { training: true, param: (n) => params.get(n)!, buffer: (n) => buffers.get(n)!, setBuffer: () => {} };
  const views = Array.from({ length: problem.viewsPerImage }, (_, v) => g.input(`view${v}`, [batch, ...problem.inputShape]));
  const extras: Record<string, Value> = {};
  for (const [n, s] of Object.entries(problem.extraInputs ?? {}))
    extras[n] = g.input(
      `x/${n}`,
      s.map((d) => (d === -1 ? batch : d)),
    ); // -1: the step's batch
  problem.loss(ctx, views, extras);
  // Values that depend on a parameter need gradients.
  const needsGrad = new Set([...params.values()].map((v) => v.id));
  let forward = 0,
    backward = 0;
  for (const node of g.nodes) {
    if (node.inputs.some((v) => needsGrad.has(v.id))) node.outputs.forEach((o) => needsGrad.add(o.id));
    const f = 2 * macs(node);
    forward += f;
    backward += f * node.inputs.slice(0, 2).filter((v) => needsGrad.has(v.id)).length;
  }
  return { forward, backward, total: forward + backward };
}
