// Matrix products: MatMul (numpy semantics over batch dims, both operands rank >= 2), Gemm (2-D, transA /
// transB, optional bias broadcast to [M, N]), Transpose, and `linear(x, W, b)` in PyTorch's weight layout.
// Backward passes are Gemm/MatMul with transposed operands; onnxruntime folds a Transpose feeding a MatMul
// into FusedMatMul, and Gemm takes the transposes as attributes, so no transposed copy is materialised.

import { Emitter, OpDef, Value, apply1, attr } from '../ir';
import { Shape, Tensor, broadcastIndex, broadcastShapes, numel, strides, tensor } from '../tensor';
import { reshape, sumToShape } from './shape';

// ---- Transpose ----------------------------------------------------------------------------------------
interface TransposeAttrs {
  perm: readonly number[];
}
export const Transpose: OpDef<TransposeAttrs> = {
  type: 'Transpose',
  infer([x], { perm }) {
    if (perm.length !== x.shape.length || [...perm].sort().some((p, i) => p !== i)) throw new Error(`bad perm [${perm}]`);
    return [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }];
  },
  emit(e, ins, outs, { perm }) {
    e.node('Transpose', ins, { perm: attr.ints(perm) }, outs);
  },
  ref: ([x], { perm }) => [transposeRef(x, perm)],
  vjp({ attrs: { perm }, gradOutputs: [g] }) {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inv[p] = i;
    });
    return [transpose(g!, inv)];
  },
};
export function transposeRef(x: Tensor, perm: readonly number[]): Tensor {
  const outShape = perm.map((p) => x.shape[p]);
  const inStr = strides(x.shape);
  const outStr = strides(outShape);
  const out = tensor(outShape);
  for (let i = 0; i < out.data.length; i++) {
    let rem = i;
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      const c = Math.floor(rem / outStr[d]);
      rem -= c * outStr[d];
      src += c * inStr[perm[d]];
    }
    out.data[i] = x.data[src];
  }
  return out;
}
/** Transpose; without `perm` it reverses the axes (ONNX default). Identity permutations add no node. */
export function transpose(x: Value, perm?: readonly number[]): Value {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  return p.every((v, i) => v === i) ? x : apply1(Transpose, [x], { perm: [...p] });
}
/** Swap the last two axes. */
export const transposeLast2 = (x: Value): Value =>
  transpose(
    x,
    [...x.shape.keys()].map((i) => (i < x.rank - 2 ? i : 2 * x.rank - 3 - i)),
  );

// ---- MatMul -------------------------------------------------------------------------------------------
export const MatMul: OpDef<null> = {
  type: 'MatMul',
  infer([a, b]) {
    if (a.shape.length < 2 || b.shape.length < 2) throw new Error('operands must have rank >= 2 (reshape vectors)');
    if (a.dtype !== b.dtype) throw new Error(`dtype mismatch ${a.dtype} vs ${b.dtype}`);
    const [m, k] = a.shape.slice(-2);
    const [k2, n] = b.shape.slice(-2);
    if (k !== k2) throw new Error(`inner dimensions ${k} != ${k2}`);
    return [{ shape: [...broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n], dtype: a.dtype }];
  },
  emit(e, ins, outs, _a, [at, bt]) {
    if (at.shape.length === 2 && bt.shape.length === 2 && splitsColumns(at.shape[0], bt.shape[1], at.shape[1])) {
      emitRowSplit(e, ins, outs, false, false);
      return;
    }
    e.node('MatMul', ins, {}, outs);
  },
  ref: ([a, b]) => [matmulRef(a, b)],
  vjp({ inputs: [a, b], gradOutputs: [g] }) {
    return [matmulGradA(a, b, g!), matmulGradB(a, b, g!)];
  },
};
function matmulGradA(a: Value, b: Value, g: Value): Value {
  // (a 2-D A broadcast over a batched B is rare: a batched product summed over the batch is fine there)
  return sumToShape(matmul(g, transposeLast2(b)), a.shape);
}
function matmulGradB(a: Value, b: Value, g: Value): Value {
  if (b.rank === 2 && a.rank > 2) {
    // Weights [K,N] shared across a batch (the usual case): dB = A'^T G' with the batch folded into rows,
    // one GEMM, no batched intermediate.
    const a2 = reshape(a, [-1, a.shape[a.rank - 1]]);
    const g2 = reshape(g, [-1, g.shape[g.rank - 1]]);
    return matmul(transposeLast2(a2), g2);
  }
  return sumToShape(matmul(transposeLast2(a), g), b.shape);
}
function matmulRef(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const ia = broadcastIndex([...a.shape.slice(0, -2)], batch);
  const ib = broadcastIndex([...b.shape.slice(0, -2)], batch);
  const out = tensor([...batch, m, n]);
  for (let t = 0; t < numel(batch); t++) {
    const ao = ia[t] * m * k,
      bo = ib[t] * k * n,
      oo = t * m * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a.data[ao + i * k + q] * b.data[bo + q * n + j];
        out.data[oo + i * n + j] = s;
      }
  }
  return out;
}
export const matmul = (a: Value, b: Value): Value => apply1(MatMul, [a, b], null);

// ---- Gemm: Y = op(A) op(B) + C ------------------------------------------------------------------------
interface GemmAttrs {
  transA: boolean;
  transB: boolean;
}
export const Gemm: OpDef<GemmAttrs> = {
  type: 'Gemm',
  infer([a, b, c], { transA, transB }) {
    if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error('Gemm operands must be 2-D');
    const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
    const [k2, n] = transB ? [b.shape[1], b.shape[0]] : b.shape;
    if (k !== k2) throw new Error(`inner dimensions ${k} != ${k2}`);
    if (c && broadcastShapes(c.shape, [m, n]).join() !== `${m},${n}`)
      throw new Error(`bias [${c.shape}] does not broadcast to [${m},${n}]`);
    return [{ shape: [m, n], dtype: a.dtype }];
  },
  emit(e, ins, outs, { transA, transB }, [at, bt]) {
    const [m, k] = transA ? [at.shape[1], at.shape[0]] : at.shape;
    const n = transB ? bt.shape[0] : bt.shape[1];
    if (splitsColumns(m, n, k)) {
      emitRowSplit(e, ins, outs, transA, transB);
      return;
    }
    e.node('Gemm', ins, { transA: attr.int(transA ? 1 : 0), transB: attr.int(transB ? 1 : 0) }, outs);
  },
  ref([a, b, c], { transA, transB }) {
    const y = matmulRef(transA ? transposeRef(a, [1, 0]) : a, transB ? transposeRef(b, [1, 0]) : b);
    if (c) {
      const ic = broadcastIndex(c.shape, y.shape);
      for (let i = 0; i < y.data.length; i++) y.data[i] += c.data[ic[i]];
    }
    return [y];
  },
  vjp({ inputs: [a, b, c], attrs: { transA, transB }, gradOutputs: [g0] }) {
    const g = g0!;
    // Derived from dA' = G B'^T and dB' = A'^T G, transposed back where the operand was transposed.
    const ga = transA ? gemm(b, g, transB, true) : gemm(g, b, false, !transB);
    const gb = transB ? gemm(g, a, true, transA) : gemm(a, g, !transA, false);
    return c ? [ga, gb, sumToShape(g, c.shape)] : [ga, gb];
  },
};
/**
 * Why some products are emitted transposed: onnxruntime's CPU GEMM (MLAS) splits a product across threads
 * by its output columns when N > M, and by rows otherwise; the block of K it sums in registers before adding
 * to the output depends on the columns a thread gets (N <= 64: longer blocks). A column split can therefore
 * change the float summation order with the thread count (measured: the quick preset's conv2 weight gradient
 * [32 x 144] over K = 50176 differed between 1 and 2 threads; bench/thread-determinism.ts), and a run's
 * scores would depend on how many threads trained it. A row split never changes N, so results are the same
 * at every thread count. Products with N > M and more than one K block (K > 128) are therefore emitted as
 * (B^T A^T)^T: M and N swap, the split is by rows, and one Transpose of the (usually small) output follows.
 */
function splitsColumns(m: number, n: number, k: number): boolean {
  return n > m && k > 128;
}
/**
 * Y = op(A) op(B) [+ C] as Transpose(MatMul(op(B)^T, op(A)^T)) [+ C]. Not as a Gemm: onnxruntime's
 * GemmTransposeFusion rewrites Transpose(Gemm) back into the column-split Gemm; the operand transposes fold
 * into a FusedMatMul (no copies), and the bias is added after the output transpose.
 */
function emitRowSplit(e: Emitter, ins: readonly string[], outs: readonly string[], transA: boolean, transB: boolean): void {
  const [a, b, c] = ins;
  const opT = (x: string, transposed: boolean) => (transposed ? x : e.node('Transpose', [x], { perm: attr.ints([1, 0]) })[0]);
  const [yt] = e.node('MatMul', [opT(b, transB), opT(a, transA)]);
  if (c === undefined) {
    e.node('Transpose', [yt], { perm: attr.ints([1, 0]) }, outs);
    return;
  }
  const [y] = e.node('Transpose', [yt], { perm: attr.ints([1, 0]) });
  e.node('Add', [y, c], {}, outs);
}

export function gemm(a: Value, b: Value, transA = false, transB = false, c?: Value): Value {
  return apply1(Gemm, c ? [a, b, c] : [a, b], { transA, transB });
}

/**
 * PyTorch's nn.Linear: y = x W^T + b with W [out, in]. Rank-2 x is one Gemm; higher rank (tokens) is
 * flattened to rows and reshaped back.
 */
export function linear(x: Value, weight: Value, bias?: Value): Value {
  const lead: Shape = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
  const y = gemm(x2, weight, false, true, bias);
  return x.rank === 2 ? y : reshape(y, [...lead, weight.shape[0]]);
}
