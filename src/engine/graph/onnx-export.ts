// Serialises a Graph to an ONNX ModelProto with the `onnx-proto` encoder (protobufjs static code for
// onnx.proto; field numbers are stable, so opsets newer than the package's schema encode fine).
// Only nodes that an output depends on are written, so unused forward or backward pieces cost nothing.

import { onnx } from 'onnx-proto';
import { Emitter, Graph, Node, OnnxAttr, Value } from './ir';
import { DType, Shape } from './tensor';

export const DEFAULT_OPSET = 17;

export interface ExportOptions {
  opset?: number;
  producerVersion?: string;
  docString?: string;
  /** Extra metadata written to the model's metadata_props (string values). */
  metadata?: Record<string, string>;
}

const ELEM_TYPE: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 };

export function toOnnxBytes(g: Graph, options: ExportOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  const live = liveNodes(g);
  const names = new Map<number, string>();
  const dtypes = new Map<string, DType>();
  const initializers: onnx.ITensorProto[] = [];
  const nodes: onnx.INodeProto[] = [];
  let counter = 0;

  for (const v of g.inputs) names.set(v.id, v.inputName!);
  // A graph output produced by a node takes the output's name directly (no Identity copy per parameter).
  const needsIdentity: { name: string; value: Value }[] = [];
  for (const o of g.outputs) {
    if (o.value.producer && !names.has(o.value.id)) names.set(o.value.id, o.name);
    else needsIdentity.push(o);
  }

  const emitter: Emitter = {
    node(type, inputs, attrs = {}, outputs, domain) {
      const outs = outputs ? [...outputs] : [`t${counter++}`];
      nodes.push({
        opType: type,
        input: [...inputs],
        output: outs,
        name: `n${nodes.length}_${type}`,
        attribute: Object.entries(attrs).map(([k, a]) => attrProto(k, a)),
        ...(domain ? { domain } : {}),
      });
      return outs;
    },
    int64(values, shape) {
      const name = `k${counter++}`;
      initializers.push(tensorProto(name, 'int64', shape ?? [values.length], values));
      dtypes.set(name, 'int64');
      return name;
    },
    float(values, shape, dtype = 'float32') {
      const name = `k${counter++}`;
      initializers.push(tensorProto(name, dtype, shape ?? [values.length], values));
      dtypes.set(name, dtype);
      return name;
    },
    dtypeOf: (name) => {
      const d = dtypes.get(name);
      if (!d) throw new Error(`unknown dtype for ONNX value ${name}`);
      return d;
    },
  };

  const nameOf = (v: Value): string => {
    let n = names.get(v.id);
    if (n) return n;
    if (v.constant) {
      n = `c${v.id}`;
      initializers.push(tensorProto(n, v.dtype, v.shape, v.constant.data));
    } else {
      n = `v${v.id}`;
    }
    names.set(v.id, n);
    return n;
  };
  const note = (v: Value) => dtypes.set(nameOf(v), v.dtype);

  g.inputs.forEach(note);
  for (const node of live) {
    node.inputs.forEach(note);
    const ins = node.inputs.map(nameOf);
    const outs = node.outputs.map(nameOf);
    node.outputs.forEach(note);
    node.op.emit(
      emitter,
      ins,
      outs,
      node.attrs,
      node.inputs.map((v) => v.type),
    );
  }
  for (const o of needsIdentity) emitter.node('Identity', [nameOf(o.value)], {}, [o.name]);

  const model = onnx.ModelProto.create({
    irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : 8,
    producerName: 'sslmem-studio',
    producerVersion: options.producerVersion ?? '0',
    docString: options.docString ?? '',
    opsetImport: [{ domain: '', version: opset }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: nodes,
      initializer: initializers,
      input: g.inputs.map((v) => valueInfo(v.inputName!, v.shape, v.dtype)),
      output: g.outputs.map((o) => valueInfo(o.name, o.value.shape, o.value.dtype)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Nodes that some graph output depends on, in creation (topological) order. */
export function liveNodes(g: Graph): Node[] {
  const needed = new Set<number>();
  const stack = g.outputs.map((o) => o.value);
  const seen = new Set<number>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    if (v.producer && !needed.has(v.producer.id)) {
      needed.add(v.producer.id);
      stack.push(...v.producer.inputs);
    }
  }
  return g.nodes.filter((n) => needed.has(n.id));
}

function tensorProto(name: string, dtype: DType, shape: Shape, data: ArrayLike<number>): onnx.ITensorProto {
  let raw: Uint8Array;
  switch (dtype) {
    case 'float32':
      raw = new Uint8Array(Float32Array.from(data).buffer);
      break;
    case 'float64':
      raw = new Uint8Array(Float64Array.from(data).buffer);
      break;
    case 'int64':
      raw = new Uint8Array(BigInt64Array.from(Array.from(data), (x) => BigInt(Math.round(x))).buffer);
      break;
    case 'int32':
      raw = new Uint8Array(Int32Array.from(data).buffer);
      break;
    case 'bool':
    case 'uint8':
      raw = Uint8Array.from(data);
      break;
  }
  return { name, dataType: ELEM_TYPE[dtype], dims: [...shape], rawData: raw };
}

function valueInfo(name: string, shape: Shape, dtype: DType): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: ELEM_TYPE[dtype], shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

function attrProto(name: string, a: OnnxAttr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}
