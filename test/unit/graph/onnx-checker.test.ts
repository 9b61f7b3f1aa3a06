// One graph that uses every op, forward and backward plus an Adam update, exported and validated by the
// reference ONNX checker (Debian python3-onnx, full_check: strict shape and type inference, opset 17).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as G from '../../../src/engine/graph';

function everyOpGraph(): G.Graph {
  const g = new G.Graph('every_op');
  const x = g.input('x', [2, 2, 6, 6]);
  const w = g.input('w', [3, 2, 3, 3]);
  const b = g.input('b', [3]);
  const gamma = g.input('gamma', [3]);
  const beta = g.input('beta', [3]);
  const rm = g.input('rm', [3]);
  const rv = g.input('rv', [3]);
  const wl = g.input('wl', [4, 3]);
  const ln = g.input('ln', [4]);
  const w2 = g.input('w2', [3, 3, 1, 1]);
  const params = [w, b, gamma, beta, wl, ln, w2];

  const c = G.conv2d(x, w, b, { pads: 1, strides: 2 }); // [2,3,3,3]
  const bnT = G.batchNorm(c, { gamma, beta, runningMean: rm, runningVar: rv }, { training: true });
  const bnE = G.batchNorm(c, { gamma, beta, runningMean: rm, runningVar: rv }, { training: false });
  let a = G.add(G.relu(bnT.y), G.mul(G.sigmoid(bnE.y), 0.1));
  a = G.add(G.maxPool2d(G.pad(a, [0, 0, 1, 1], [0, 0, 0, 0]), 2), G.conv2d(a, w2, undefined, { strides: 2 }));
  const pooled = G.reshape(G.globalAveragePool(a), [2, 3]); // [2,3]
  const h = G.linear(G.concat([pooled, G.tanh(pooled)], 0), wl); // [4,4]
  const t = G.layerNorm(G.gelu(h), ln, undefined);
  const sq = G.add(G.pow(G.exp(G.mul(t, 0.1)), 1.5), G.sqrt(G.add(G.mul(t, t), 1)));
  const lg = G.log(G.add(G.erf(sq), 2));
  const z = G.l2normalize(G.matmul(lg, G.transpose(lg)), 1);
  const sel = G.gatherElements(G.logSoftmax(z, 1), G.tensor([4, 1], [1, 0, 3, 2]), 1);
  const picked = G.gather(G.softmax(z, 0), [0, 2], 1);
  const m = G.where(G.greater(picked, 0.3), G.maximum(picked, 0.5), G.minimum(picked, 0.2));
  const unsq = G.squeeze(G.unsqueeze(m, [0]), [0]);
  const loss = G.add(G.neg(G.reduceMean(sel)), G.add(G.reduceMax(unsq), G.reduceMin(G.cast(G.cast(unsq, 'float64'), 'float32'))));
  const grads = G.gradients(loss, params);
  const lr = g.input('lr', []);
  const step = g.input('step', []);
  const state = Object.fromEntries(
    G.stateSlots('adam').map((slot) => [slot, params.map((p) => g.input(`${slot}.${p.inputName}`, p.shape))]),
  );
  const upd = G.applyOptimizer({ kind: 'adamw', weightDecay: 0.01 }, params, grads, state, { lr, step });
  g.output('loss', loss);
  upd.params.forEach((p, i) => g.output(`new.${params[i].inputName}`, p));
  g.output('new.rm', bnT.runningMean);
  g.output('new.rv', bnT.runningVar);
  G.split(x, 1, [1, 1]).forEach((s, i) =>
    g.output(`split${i}`, G.scatterAdd(s, G.tensor([1, 1, 1, 1], [0]), G.slice(s, [0, 0, 0, 0], [1, 1, 1, 1]), 0)),
  );
  g.output('id', G.identity(x));
  return g;
}

test('a graph with every op (forward, backward, AdamW update) passes onnx.checker full_check', () => {
  const bytes = G.toOnnxBytes(everyOpGraph());
  const script =
    'import sys, onnx\nm = onnx.load_from_string(sys.stdin.buffer.read())\nonnx.checker.check_model(m, full_check=True)\nprint(len(m.graph.node), sorted({n.op_type for n in m.graph.node}))';
  const out = execFileSync('/usr/bin/python3', ['-c', script], { input: bytes, encoding: 'utf8' });
  const [count, types] = [Number(out.split(' ')[0]), out.slice(out.indexOf(' ') + 1)];
  assert.ok(count > 100, out);
  for (const op of [
    'Conv',
    'ConvTranspose',
    'BatchNormalization',
    'LayerNormalization',
    'MaxPool',
    'ScatterElements',
    'Gemm',
    'Erf',
    'Softmax',
    'LogSoftmax',
    'GatherElements',
    'Gather',
    'Pad',
    'Slice',
    'Split',
    'Concat',
    'ReduceMax',
    'Where',
    'Cast',
    'Pow',
  ]) {
    assert.ok(types.includes(`'${op}'`), `${op} missing from ${types}`);
  }
});

test('the every-op graph runs in onnxruntime and matches the float64 reference on all outputs', async () => {
  const ort = await import('onnxruntime-node');
  const { randomTensor } = await import('../../helpers/gradcheck');
  const g = everyOpGraph();
  const feeds: Record<string, G.Tensor> = {};
  g.inputs.forEach((v, k) => {
    const name = v.inputName!;
    feeds[name] =
      name === 'rv' || name === 'step' || name.startsWith('v.')
        ? randomTensor(v.shape, k, 1, 2)
        : name === 'lr'
          ? G.tensor([], [0.01])
          : randomTensor(v.shape, k);
  });
  const session = await ort.InferenceSession.create(G.toOnnxBytes(g));
  const ortFeeds = Object.fromEntries(
    Object.entries(feeds)
      .filter(([n]) => session.inputNames.includes(n))
      .map(([n, t]) => [n, new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape])]),
  );
  const got = await session.run(ortFeeds);
  const want = G.evaluate(
    g,
    g.outputs.map((o) => o.value),
    feeds,
  );
  g.outputs.forEach((o, k) => {
    const w = want[k].data;
    const d = got[o.name].data as Float32Array;
    const scale = Math.max(1e-3, ...Array.from(w, Math.abs));
    const err = Math.max(...Array.from(w, (v, i) => Math.abs(v - d[i]) / scale));
    assert.ok(err < 1e-4, `${o.name}: rel err ${err}`);
  });
  await session.release();
});
