// Float64 reference evaluator: runs each op's `ref` implementation in plain JavaScript. It is the oracle for
// the finite-difference gradient checks (float64 leaves no doubt about rounding) and for checking that the
// ONNX emission of every op computes what its reference says (run both, compare).

import { Graph, Value } from './ir';
import { Tensor, sameShape } from './tensor';

export type Feeds = Record<string, Tensor>;

export function evaluate(g: Graph, targets: readonly Value[], feeds: Feeds): Tensor[] {
  const env = new Map<number, Tensor>();
  for (const v of g.inputs) {
    const t = feeds[v.inputName!];
    if (!t) continue;
    if (!sameShape(t.shape, v.shape)) throw new Error(`feed '${v.inputName}': shape [${t.shape}] != [${v.shape}]`);
    env.set(v.id, t);
  }
  const read = (v: Value): Tensor => {
    if (v.constant) return v.constant;
    const t = env.get(v.id);
    if (!t) throw new Error(v.inputName ? `missing feed '${v.inputName}'` : `value ${v} not computed`);
    return t;
  };
  const lastNeeded = Math.max(-1, ...targets.map((t) => (t.producer ? t.producer.id : -1)));
  const needed = neededNodes(targets);
  for (let i = 0; i <= lastNeeded; i++) {
    const node = g.nodes[i];
    if (!needed.has(node.id)) continue;
    const outs = node.op.ref(node.inputs.map(read), node.attrs);
    node.outputs.forEach((o, k) => {
      if (!sameShape(outs[k].shape, o.shape)) {
        throw new Error(`${node.op.type} ref output ${k}: shape [${outs[k].shape}] != inferred [${o.shape}]`);
      }
      env.set(o.id, outs[k]);
    });
  }
  return targets.map(read);
}

function neededNodes(targets: readonly Value[]): Set<number> {
  const needed = new Set<number>();
  const stack = [...targets];
  while (stack.length) {
    const v = stack.pop()!;
    if (v.producer && !needed.has(v.producer.id)) {
      needed.add(v.producer.id);
      stack.push(...v.producer.inputs);
    }
  }
  return needed;
}
