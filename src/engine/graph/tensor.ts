// Plain tensors for the reference evaluator and for constants. Every element type is held as a Float64Array:
// the reference evaluator exists to check gradients in float64, and int64 indices/bools fit exactly in a
// double for any size we use. Conversion to the real ONNX element type happens only at export time.

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';
export type Shape = readonly number[];

export interface Tensor {
  readonly shape: Shape;
  readonly data: Float64Array;
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(shape: Shape, data?: ArrayLike<number>): Tensor {
  const n = numel(shape);
  const out = new Float64Array(n);
  if (data) {
    if (data.length !== n) throw new Error(`tensor: ${data.length} values for shape [${shape}]`);
    out.set(data);
  }
  return { shape: [...shape], data: out };
}

export function scalar(v: number): Tensor {
  return tensor([], [v]);
}

/** Row-major strides of a shape. */
export function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Numpy-style broadcast of two shapes; throws with both shapes in the message when incompatible. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Index into `shape` (a broadcast operand) for each flat index of `outShape`. */
export function broadcastIndex(shape: Shape, outShape: Shape): Int32Array {
  const n = numel(outShape);
  const idx = new Int32Array(n);
  const offset = outShape.length - shape.length;
  const inStrides = strides(shape);
  const outStrides = strides(outShape);
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      const coord = Math.floor(rem / outStrides[d]);
      rem -= coord * outStrides[d];
      const k = d - offset;
      if (k >= 0 && shape[k] !== 1) src += coord * inStrides[k];
    }
    idx[flat] = src;
  }
  return idx;
}

/** ONNX TensorProto element type of each dtype (used by Cast's `to` attribute and by the exporter). */
export const ONNX_ELEM_TYPE: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 };
