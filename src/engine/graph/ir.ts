// The tensor-graph IR. A Graph is a list of Nodes in creation order (which is a topological order, since a
// node can only consume values that already exist). Every op is an OpDef that keeps, side by side, its
// shape rule, its ONNX emission, its float64 reference implementation and its vector-Jacobian product:
// adding an op means writing those four things in one place (micrograd style, on tensors).
//
// Shapes are static. A train-step artifact is generated for one batch size; that keeps shape inference
// exact and lets every op check its inputs as the graph is built, where a mistake is easy to locate.

import { DType, Shape, Tensor } from './tensor';

export interface ValueType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** An attribute as emitted to ONNX. Integers and floats are distinct in ONNX, so floats are tagged. */
export type OnnxAttr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): OnnxAttr => ({ kind: 'int', value }),
  ints: (value: readonly number[]): OnnxAttr => ({ kind: 'ints', value }),
  float: (value: number): OnnxAttr => ({ kind: 'float', value }),
  floats: (value: readonly number[]): OnnxAttr => ({ kind: 'floats', value }),
  string: (value: string): OnnxAttr => ({ kind: 'string', value }),
};

/** What an op's emit() may use to write ONNX nodes. Names are ONNX value names. */
export interface Emitter {
  node(type: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>, outputs?: readonly string[], domain?: string): string[];
  /** An int64 initializer (shape defaults to [values.length]; pass [] for a scalar). */
  int64(values: readonly number[], shape?: Shape): string;
  /** A floating initializer of the given dtype. */
  float(values: readonly number[], shape?: Shape, dtype?: DType): string;
  /** The element type of a value, for ops such as Cast whose emission depends on it. */
  readonly dtypeOf: (name: string) => DType;
}

export interface VjpContext<A> {
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  readonly attrs: A;
  /** Gradient of the loss with respect to each output; null where no gradient flows. */
  readonly gradOutputs: readonly (Value | null)[];
}

export interface OpDef<A = unknown> {
  readonly type: string;
  infer(inputs: readonly ValueType[], attrs: A): ValueType[];
  emit(e: Emitter, inputs: readonly string[], outputs: readonly string[], attrs: A, inputTypes: readonly ValueType[]): void;
  ref(inputs: readonly Tensor[], attrs: A): Tensor[];
  /** Gradients with respect to each input (null: none or not differentiable). Absent: op is not differentiable. */
  vjp?(ctx: VjpContext<A>): (Value | null)[];
}

export class Value implements ValueType {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly type: ValueType,
    readonly producer: Node | null,
    readonly outputIndex: number,
    /** Set for graph inputs (the ONNX input name) and for constants (their data). */
    readonly inputName: string | null = null,
    readonly constant: Tensor | null = null,
  ) {}
  get shape(): Shape {
    return this.type.shape;
  }
  get dtype(): DType {
    return this.type.dtype;
  }
  get rank(): number {
    return this.type.shape.length;
  }
  toString(): string {
    return `v${this.id}[${this.shape}]:${this.dtype}`;
  }
}

export class Node {
  constructor(
    readonly id: number,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a node holds any op; its attrs type is the op's business
    readonly op: OpDef<any>,
    readonly inputs: readonly Value[],
    readonly attrs: unknown,
    public outputs: readonly Value[] = [],
  ) {}
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: { name: string; value: Value }[] = [];
  private nextId = 0;

  constructor(readonly name = 'graph') {}

  input(name: string, shape: Shape, dtype: DType = 'float32'): Value {
    if (this.inputs.some((v) => v.inputName === name)) throw new Error(`duplicate graph input '${name}'`);
    const v = new Value(this, this.nextId++, { shape: [...shape], dtype }, null, 0, name);
    this.inputs.push(v);
    return v;
  }

  constant(t: Tensor, dtype: DType = 'float32'): Value {
    return new Value(this, this.nextId++, { shape: [...t.shape], dtype }, null, 0, null, t);
  }

  output(name: string, value: Value): void {
    this.assertOwn(value);
    if (this.outputs.some((o) => o.name === name)) throw new Error(`duplicate graph output '${name}'`);
    this.outputs.push({ name, value });
  }

  /** Adds a node; shape inference runs now, so a bad shape fails here with the op's name. */
  apply<A>(op: OpDef<A>, inputs: readonly Value[], attrs: A): Value[] {
    inputs.forEach((v) => this.assertOwn(v));
    let types: ValueType[];
    try {
      types = op.infer(
        inputs.map((v) => v.type),
        attrs,
      );
    } catch (e) {
      const shapes = inputs.map((v) => `[${v.shape}]`).join(', ');
      throw new Error(`${op.type}(${shapes}): ${(e as Error).message}`);
    }
    const node = new Node(this.nodes.length, op, inputs, attrs);
    node.outputs = types.map((t, i) => new Value(this, this.nextId++, t, node, i));
    this.nodes.push(node);
    return [...node.outputs];
  }

  private assertOwn(v: Value): void {
    if (v.graph !== this) throw new Error(`value ${v} belongs to another graph`);
  }
}

/** Single-output convenience used by the op builders. */
export function apply1<A>(op: OpDef<A>, inputs: readonly Value[], attrs: A): Value {
  if (inputs.length === 0) throw new Error(`${op.type}: no inputs (use graph.apply)`);
  return inputs[0].graph.apply(op, inputs, attrs)[0];
}
