// Reverse-mode automatic differentiation over the IR. Walks the nodes that lie on a path from `wrt` to
// `loss` in reverse creation order (a valid reverse topological order), asks each op for its VJP, and sums
// gradients that reach one value along several paths. The backward pass is itself graph: the result can be
// exported to ONNX next to the forward pass, or evaluated by the reference evaluator in float64.

import { Graph, Value } from './ir';
import { tensor, numel } from './tensor';
import { add } from './ops/elementwise';

export interface GradientOptions {
  /** Gradient of the final objective with respect to `loss`; defaults to ones (a scalar loss: 1). */
  seed?: Value;
}

export function gradients(loss: Value, wrt: readonly Value[], options: GradientOptions = {}): Value[] {
  const g: Graph = loss.graph;
  const dependsOnWrt = forwardReach(g, wrt);
  const grads = new Map<number, Value>();
  const seed = options.seed ?? g.constant(tensor(loss.shape, new Array(numel(loss.shape)).fill(1)), loss.dtype);
  grads.set(loss.id, seed);

  const lastNode = loss.producer ? loss.producer.id : -1;
  for (let i = lastNode; i >= 0; i--) {
    const node = g.nodes[i];
    const gradOutputs = node.outputs.map((o) => grads.get(o.id) ?? null);
    if (gradOutputs.every((x) => x === null)) continue;
    if (!node.inputs.some((v) => dependsOnWrt.has(v.id))) continue;
    if (!node.op.vjp) throw new Error(`no gradient for op ${node.op.type}, which lies between the parameters and the loss`);
    const gradInputs = node.op.vjp({ inputs: node.inputs, outputs: node.outputs, attrs: node.attrs, gradOutputs });
    node.inputs.forEach((input, k) => {
      const gi = gradInputs[k];
      if (!gi || !dependsOnWrt.has(input.id)) return;
      if (gi.shape.join() !== input.shape.join()) {
        throw new Error(`${node.op.type} VJP for input ${k}: shape [${gi.shape}] != input shape [${input.shape}]`);
      }
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, gi) : gi);
    });
  }
  return wrt.map((w) => grads.get(w.id) ?? g.constant(tensor(w.shape), w.dtype));
}

/** Ids of every value that depends on at least one of `sources` (the sources included). */
function forwardReach(g: Graph, sources: readonly Value[]): Set<number> {
  const reach = new Set(sources.map((v) => v.id));
  for (const node of g.nodes) {
    if (node.inputs.some((v) => reach.has(v.id))) node.outputs.forEach((o) => reach.add(o.id));
  }
  return reach;
}
