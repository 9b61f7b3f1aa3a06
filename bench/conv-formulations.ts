// Formulations of one 3x3 convolution's forward pass, input gradient and weight gradient as standalone ONNX
// graphs (weights as graph inputs, as in a train step), each session run in turn, so they share the machine's
// state: `node dist/bench/conv-formulations.js N C H O stride [rounds]`, e.g. `256 32 28 64 2` (the quick
// preset's conv2 on 256 views). Every output is reduced to one number inside the graph, so the timings do
// not include copying a large output to JavaScript. Spinning is off: an idle session's spinning threads would
// take the cores from the next session (it doubled some timings). Timings only: these graphs compute the
// right shapes with the right amount of work, but only the engine's own formulations (graph/ops/conv*.ts) are
// checked against the float64 reference and PyTorch. Results: docs/benchmarks.md.
import * as ort from 'onnxruntime-node';
import { Graph, OpDef, Value, attr } from '../src/engine/graph/ir';
import { toOnnxBytes } from '../src/engine/graph/onnx-export';
import type { Shape } from '../src/engine/graph/tensor';

interface RawAttrs {
  op: string;
  a: Record<string, unknown>;
  out: Shape;
  consts?: { vals: number[]; shape: number[]; i64?: boolean }[];
}
const Raw: OpDef<RawAttrs> = {
  type: 'Raw',
  infer: (_i, a) => [{ shape: [...a.out], dtype: 'float32' }],
  emit(e, ins, outs, a) {
    const extra = (a.consts ?? []).map((c) => (c.i64 ? e.int64(c.vals, c.shape) : e.float(c.vals, c.shape)));
    e.node(a.op, [...ins, ...extra], a.a as never, outs);
  },
  ref: () => {
    throw new Error('no ref');
  },
};
const raw = (op: string, ins: Value[], out: Shape, a: Record<string, unknown> = {}, consts?: RawAttrs['consts']) =>
  ins[0].graph.apply(Raw, ins, { op, a, out, consts })[0];
const ints = (v: number[]) => attr.ints(v);
const eye = (k: number) => Array.from({ length: k * k }, (_, q) => (q % (k + 1) === 0 ? 1 : 0));
const shp = (v: number[]) => ({ vals: v, shape: [v.length], i64: true });

type Case = { name: string; build: (g: Graph) => void };
function cases(N: number, C: number, H: number, O: number, s: number): Case[] {
  const Ho = Math.floor((H - 1) / s) + 1;
  const P = Ho * Ho;
  const k3 = { kernel_shape: ints([3, 3]), strides: ints([s, s]), pads: ints([1, 1, 1, 1]) };
  const k3d = { kernel_shape: ints([1, 3, 3]), strides: ints([1, s, s]), pads: ints([0, 1, 1, 0, 1, 1]) };
  const out: Case[] = [
    {
      name: 'fwd NCHW Conv',
      build: (g) => g.output('y', raw('Conv', [g.input('x', [N, C, H, H]), g.input('w', [O, C, 3, 3])], [N, O, Ho, Ho], k3)),
    },
    {
      name: 'fwd CNHW folded Conv3D',
      build: (g) => g.output('y', raw('Conv', [g.input('x', [1, C, N, H, H]), g.input('w', [O, C, 1, 3, 3])], [1, O, N, Ho, Ho], k3d)),
    },
    {
      name: 'fwd CNHW im2col+Gemm',
      build: (g) => {
        const x = g.input('x', [C, 1, N, H, H]);
        const u = raw('Conv', [x], [C, 9, N, Ho, Ho], k3d, [{ vals: eye(9), shape: [9, 1, 1, 3, 3] }]);
        const cols = raw('Reshape', [u], [C * 9, N * P], {}, [shp([C * 9, N * P])]);
        g.output('y', raw('Gemm', [g.input('w', [O, C * 9]), cols], [O, N * P]));
      },
    },
    {
      name: 'dgrad NCHW ConvTranspose',
      build: (g) =>
        g.output(
          'dx',
          raw('ConvTranspose', [g.input('g', [N, O, Ho, Ho]), g.input('w', [O, C, 3, 3])], [N, C, H, H], {
            ...k3,
            output_padding: ints(s === 2 ? [1, 1] : [0, 0]),
          }),
        ),
    },
    {
      name: 'dgrad CNHW ConvTranspose3D',
      build: (g) =>
        g.output(
          'dx',
          raw('ConvTranspose', [g.input('g', [1, O, N, Ho, Ho]), g.input('w', [O, C, 1, 3, 3])], [1, C, N, H, H], {
            ...k3d,
            output_padding: ints(s === 2 ? [0, 1, 1] : [0, 0, 0]),
          }),
        ),
    },
    {
      name: 'dgrad CNHW Gemm+col2im(ConvT one-hot)',
      build: (g) => {
        const dcols = raw('Gemm', [g.input('w', [O, C * 9]), g.input('g', [O, N * P])], [C * 9, N * P], { transA: attr.int(1) });
        const d5 = raw('Reshape', [dcols], [C, 9, N, Ho, Ho], {}, [shp([C, 9, N, Ho, Ho])]);
        g.output(
          'dx',
          raw('ConvTranspose', [d5], [C, 1, N, H, H], { ...k3d, output_padding: ints(s === 2 ? [0, 1, 1] : [0, 0, 0]) }, [
            { vals: eye(9), shape: [9, 1, 1, 3, 3] },
          ]),
        );
      },
    },
    {
      name: 'wgrad im2col(Conv3D)+Gemm (CNHW in)',
      build: (g) => {
        const x = g.input('x', [C, 1, N, H, H]);
        const u = raw('Conv', [x], [C, 9, N, Ho, Ho], k3d, [{ vals: eye(9), shape: [9, 1, 1, 3, 3] }]);
        const cols = raw('Reshape', [u], [C * 9, N * P], {}, [shp([C * 9, N * P])]);
        g.output('dw', raw('Gemm', [g.input('g', [O, N * P]), cols], [O, C * 9], { transB: attr.int(1) }));
      },
    },
  ];
  if (s === 2 && H % 2 === 0) {
    // Sub-pixel input gradient in the CNHW layout (pad 1, stride 2): even output rows take tap 1 (a 1-tap kernel),
    // odd rows taps 2 and 0 (2 taps, the second one row further); the phases interleave by DepthToSpace.
    out.push({
      name: 'dgrad CNHW subpixel Conv3D + D2S',
      build: (g) => {
        const gg = g.input('g', [1, O, N, Ho, Ho]);
        const w = g.input('w', [C, O, 1, 3, 3]); // transposed weights (the flip is weight-sized: not timed)
        const m = H / 2;
        const ph = (ka: number, kb: number) => {
          const wk = raw('Slice', [w], [C, O, 1, ka, kb], {}, [shp([0, 0]), shp([ka, kb]), shp([3, 4])]);
          return raw('Conv', [gg, wk], [1, C, N, m, m], { kernel_shape: ints([1, ka, kb]), pads: ints([0, 0, 0, 0, ka - 1, kb - 1]) });
        };
        const cat = raw('Concat', [ph(1, 1), ph(1, 2), ph(2, 1), ph(2, 2)], [1, 4 * C, N, m, m], { axis: attr.int(1) });
        const r = raw('Reshape', [cat], [1, 4 * C, N * m, m], {}, [shp([1, 4 * C, N * m, m])]);
        g.output('dx', raw('DepthToSpace', [r], [1, C, N * H, H], { blocksize: attr.int(2), mode: attr.string('DCR') }));
      },
    });
  }
  return out;
}

async function main() {
  const [N, C, H, O, s] = process.argv.slice(2, 7).map(Number);
  const reps = Number(process.argv[7] ?? 8);
  const opts: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    extra: { session: { 'intra_op.allow_spinning': '0' } },
  };
  const built = [];
  for (const c of cases(N, C, H, O, s)) {
    const g = new Graph();
    c.build(g);
    const o = g.outputs.pop()!;
    g.output('sum', raw('ReduceSum', [o.value], [], { keepdims: attr.int(0) }));
    const sess = await ort.InferenceSession.create(toOnnxBytes(g), opts);
    const feeds: Record<string, ort.Tensor> = {};
    for (const v of g.inputs) {
      const n = v.shape.reduce((a, b) => a * b, 1);
      feeds[v.inputName!] = new ort.Tensor(
        'float32',
        new Float32Array(n).map((_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5),
        v.shape as number[],
      );
    }
    built.push({ c, sess, feeds, ms: [] as number[] });
  }
  for (let r = -2; r < reps; r++)
    for (const b of r % 2 ? [...built].reverse() : built) {
      const t = performance.now();
      await b.sess.run(b.feeds);
      if (r >= 0) b.ms.push(performance.now() - t);
    }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const Ho = Math.floor((H - 1) / s) + 1;
  const gf = (2 * N * O * C * 9 * Ho * Ho) / 1e9;
  console.log(`N${N} C${C} H${H} O${O} s${s}: ${gf.toFixed(2)} GFLOP per conv`);
  for (const b of built)
    console.log(`  ${b.c.name.padEnd(42)} ${med(b.ms).toFixed(1).padStart(7)} ms  ${((gf / med(b.ms)) * 1000).toFixed(0)} GF/s`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
