// Ops whose exact semantics matter for matching PyTorch models (running statistics, eps placement, padding,
// exact GELU, F.normalize) against torch 1.13 in float64: forward outputs and the gradients of a random
// projection of them, one Python process for all cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as G from '../../../src/engine/graph';
import { randomTensor } from '../../helpers/gradcheck';

interface Case {
  inputs: Record<string, number[]>;
  positive?: string[];
  build: (x: Record<string, G.Value>) => G.Value[];
  /** Python expression over the input names (torch as `torch`, F = torch.nn.functional) giving a list of outputs. */
  torch: string;
  /** Inputs differentiated on both sides (default: all). */
  wrt?: string[];
  /** How many leading outputs enter the projected loss (torch does not differentiate running statistics). */
  lossOutputs?: number;
}

const bnTorch = (training: boolean) =>
  `(lambda rm, rv: [F.batch_norm(x, rm, rv, g, b, training=${training ? 'True' : 'False'}, momentum=0.1, eps=1e-5), rm, rv])(rm.detach().clone(), rv.detach().clone())`;
const CASES: Record<string, Case> = {
  'BatchNorm2d training: output and running statistics': {
    inputs: { x: [4, 3, 2, 2], g: [3], b: [3], rm: [3], rv: [3] },
    positive: ['rv'],
    wrt: ['x', 'g', 'b'],
    lossOutputs: 1,
    build: (v) => {
      const r = G.batchNorm(v.x, { gamma: v.g, beta: v.b, runningMean: v.rm, runningVar: v.rv }, { training: true });
      return [r.y, r.runningMean, r.runningVar];
    },
    torch: bnTorch(true),
  },
  'BatchNorm2d eval': {
    inputs: { x: [2, 3, 2, 2], g: [3], b: [3], rm: [3], rv: [3] },
    positive: ['rv'],
    wrt: ['x', 'g', 'b'],
    build: (v) => [G.batchNorm(v.x, { gamma: v.g, beta: v.b, runningMean: v.rm, runningVar: v.rv }, { training: false }).y],
    torch: bnTorch(false) + '[:1]',
  },
  'LayerNorm over the last dim': {
    inputs: { x: [2, 3, 5], s: [5], b: [5] },
    build: (v) => [G.layerNorm(v.x, v.s, v.b)],
    torch: '[F.layer_norm(x, (5,), s, b, eps=1e-5)]',
  },
  'GELU exact': { inputs: { x: [3, 4] }, build: (v) => [G.gelu(G.mul(v.x, 3))], torch: '[F.gelu(3 * x)]' },
  'F.normalize dim 1': { inputs: { x: [3, 4] }, build: (v) => [G.l2normalize(v.x, 1)], torch: '[F.normalize(x, dim=1)]' },
  'conv2d stride 2 padding 1 + bias': {
    inputs: { x: [2, 2, 5, 5], w: [3, 2, 3, 3], b: [3] },
    build: (v) => [G.conv2d(v.x, v.w, v.b, { strides: 2, pads: 1 })],
    torch: '[F.conv2d(x, w, b, stride=2, padding=1)]',
  },
  'max_pool2d 3x3 stride 2 padding 1': {
    inputs: { x: [1, 2, 5, 5] },
    build: (v) => [G.maxPool2d(v.x, 3, { strides: 2, pads: 1 })],
    torch: '[F.max_pool2d(x, 3, 2, 1)]',
  },
  'linear on tokens': {
    inputs: { x: [2, 3, 4], w: [5, 4], b: [5] },
    build: (v) => [G.linear(v.x, v.w, v.b)],
    torch: '[F.linear(x, w, b)]',
  },
  'cross-entropy via log_softmax + gather': {
    inputs: { x: [3, 5] },
    build: (v) => [G.neg(G.reduceMean(G.gatherElements(G.logSoftmax(v.x, 1), G.tensor([3, 1], [4, 0, 2]), 1)))],
    torch: '[F.cross_entropy(x, torch.tensor([4, 0, 2]))]',
  },
};

const SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
res = {}
for name, c in json.load(sys.stdin).items():
    env = {k: torch.tensor(v['data']).reshape(v['shape']).requires_grad_(k in c['wrt']) for k, v in c['inputs'].items()}
    outs = eval(c['torch'], {'torch': torch, 'F': F, **env})
    loss = sum((o * torch.tensor(p).reshape(o.shape)).sum() for o, p in zip(outs[:c['lossOutputs']], c['proj']))
    grads = torch.autograd.grad(loss, [env[k] for k in c['wrt']])
    res[name] = {'outs': [o.detach().reshape(-1).tolist() for o in outs], 'grads': [g.reshape(-1).tolist() for g in grads]}
json.dump(res, sys.stdout)
`;

function prepare(c: Case) {
  const g = new G.Graph();
  const vals: Record<string, G.Value> = {};
  const feeds: Record<string, G.Tensor> = {};
  Object.entries(c.inputs).forEach(([n, s], k) => {
    vals[n] = g.input(n, s);
    feeds[n] = c.positive?.includes(n) ? randomTensor(s, 50 + k, 0.5, 2) : randomTensor(s, 50 + k);
  });
  const outs = c.build(vals);
  const proj = outs.map((o, k) => randomTensor(o.shape, 90 + k));
  const wrt = c.wrt ?? Object.keys(c.inputs);
  let loss = G.reduceSum(
    G.mul(outs[0], g.constant(proj[0])),
    outs[0].shape.map((_, i) => i),
  );
  outs.slice(1, c.lossOutputs ?? outs.length).forEach((o, k) => {
    loss = G.add(
      loss,
      G.reduceSum(
        G.mul(o, g.constant(proj[k + 1])),
        o.shape.map((_, i) => i),
      ),
    );
  });
  const grads = G.gradients(
    loss,
    wrt.map((n) => vals[n]),
  );
  const result = G.evaluate(g, [...outs, ...grads], feeds);
  return { feeds, proj, wrt, outs: result.slice(0, outs.length), grads: result.slice(outs.length) };
}

test('ops match torch 1.13 semantics (float64 forward and gradients)', () => {
  const prepared = Object.fromEntries(Object.entries(CASES).map(([n, c]) => [n, prepare(c)]));
  const input = Object.fromEntries(
    Object.entries(CASES).map(([n, c]) => [
      n,
      {
        torch: c.torch,
        wrt: prepared[n].wrt,
        lossOutputs: c.lossOutputs ?? 99,
        proj: prepared[n].proj.map((t) => Array.from(t.data)),
        inputs: Object.fromEntries(Object.entries(prepared[n].feeds).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }])),
      },
    ]),
  );
  const torch = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT], { input: JSON.stringify(input), encoding: 'utf8' }));
  for (const [name, p] of Object.entries(prepared)) {
    const want = torch[name];
    const pairs: [string, Float64Array, number[]][] = [
      ...p.outs.map((t, k): [string, Float64Array, number[]] => [`output ${k}`, t.data, want.outs[k]]),
      ...p.grads.map((t, k): [string, Float64Array, number[]] => [`d/d${p.wrt[k]}`, t.data, want.grads[k]]),
    ];
    for (const [what, got, ref] of pairs) {
      assert.equal(got.length, ref.length, `${name} ${what}: length`);
      const scale = Math.max(1e-6, ...ref.map(Math.abs));
      const err = Math.max(...Array.from(got, (v, i) => Math.abs(v - ref[i]) / scale));
      assert.ok(err < 1e-10, `${name} ${what}: rel err ${err}`);
    }
  }
});
