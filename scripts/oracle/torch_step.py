#!/usr/bin/python3
"""PyTorch oracle for one SSL training step (run with Debian's /usr/bin/python3, torch 1.13 CPU).

usage: torch_step.py IN.tpk OUT.tpk [IN2.tpk OUT2.tpk ...]
IN  meta: {"encoder": {...}, "method": {...}}; tensors "param:<name>", "buffer:<name>", "view:<i>",
    "extra:<name>" (see tensorpack.py); meta "onnx": a model file to pass through onnx.checker. Parameter names/shapes must equal the PyTorch modules' own names:
    a mismatch is an error, which is how the tests check that state dicts map 1:1.
OUT tensors "loss", "grad:<name>", "buffer:<name>" (after the step), "encode:repr" and
    "encode:<layer>" (eval mode, before the step) from the float32 run and "loss64", "grad64:<name>",
    "buffer64:<name>", "encode64:..." (float64 run: tells float32 rounding apart from real disagreement); meta timings.
"""
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import torch
from tensorpack import read_pack, write_pack
from models import build_encoder
from methods import make_method

torch.set_num_threads(int(os.environ.get('ORACLE_THREADS', '2')))


def build(meta, dtype):
    enc = build_encoder(meta['encoder'])
    with torch.no_grad():
        dim = enc(torch.zeros([2] + meta['inputShape']))['repr'].shape[1]
    heads, loss_fn = make_method(enc, meta['encoder'], meta['method'], dim)
    mods = [('', enc)] + list(heads.items())  # (name prefix, module); MAE's decoder has no prefix
    for _, m in mods:
        m.to(dtype).train()
    return enc, heads, loss_fn, mods


def named(mods, kind):
    out = {}
    for prefix, m in mods:
        held = getattr(m, 'as_buffers', False)  # BYOL's target network: parameters kept as buffers
        if kind == 'param':
            items = [] if held else m.named_parameters()
        else:
            items = list(m.named_buffers()) + (list(m.named_parameters()) if held else [])
        for n, t in items:
            if n.endswith('num_batches_tracked'):
                continue  # only used when momentum=None; BN here uses momentum 0.1
            out[prefix + n] = t
    return out


def check_names(kind, want, got):
    ws = {k: list(v.shape) for k, v in want.items()}
    gs = {k: list(v.shape) for k, v in got.items()}
    if ws != gs:
        missing = sorted(set(ws) - set(gs)); extra = sorted(set(gs) - set(ws))
        bad = sorted(k for k in set(ws) & set(gs) if ws[k] != gs[k])
        raise SystemExit(f'{kind} names/shapes differ from PyTorch: only in torch {missing}; only in input {extra}; '
                         f'shape differs {[(k, ws[k], gs[k]) for k in bad]}')


def step(meta, tensors, dtype):
    enc, heads, loss_fn, mods = build(meta, dtype)
    params, buffers = named(mods, 'param'), named(mods, 'buffer')
    given_p = {k[6:]: v for k, v in tensors.items() if k.startswith('param:')}
    given_b = {k[7:]: v for k, v in tensors.items() if k.startswith('buffer:')}
    check_names('parameter', params, given_p); check_names('buffer', buffers, given_b)
    with torch.no_grad():
        for k, t in {**params, **buffers}.items():
            t.copy_(torch.from_numpy({**given_p, **given_b}[k]))
    views = [torch.from_numpy(tensors[f'view:{i}']).to(dtype) for i in range(meta['views'])]
    extra = {k[6:]: torch.from_numpy(v).to(dtype) for k, v in tensors.items() if k.startswith('extra:')}
    out = {}
    with torch.no_grad():  # the encode graph: eval mode (running statistics), before the step changes them
        for _, m in mods:
            m.eval()
        r = enc(views[0])
        out['encode:repr'] = r['repr'].numpy()
        for name, v in r['layers']:
            out[f'encode:{name}'] = v.numpy()
        for _, m in mods:
            m.train()
    t0 = time.perf_counter()
    loss = loss_fn(enc, heads, views, extra)
    grads = torch.autograd.grad(loss, list(params.values()), allow_unused=True)
    ms = (time.perf_counter() - t0) * 1e3
    out['loss'] = loss.item()
    for (k, p), g in zip(params.items(), grads):
        out[f'grad:{k}'] = (g if g is not None else torch.zeros_like(p)).detach().numpy()
    for k, b in buffers.items():
        out[f'buffer:{k}'] = b.detach().numpy()
    return out, ms


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        raise SystemExit(__doc__)
    for src, dst in zip(args[0::2], args[1::2]):  # several steps per call: importing torch costs seconds
        meta, tensors = read_pack(src)
        if meta.get('onnx'):  # the engine's graph for this step: it must pass the ONNX checker too
            import onnx
            onnx.checker.check_model(onnx.load(meta['onnx']), full_check=True)
        out32, ms32 = step(meta, tensors, torch.float32)
        out64, ms64 = step(meta, tensors, torch.float64)
        result = dict(out32)
        result.update({'loss64' if k == 'loss' else k.replace(':', '64:', 1): v for k, v in out64.items()})
        write_pack(dst, {'torch': torch.__version__, 'ms32': ms32, 'ms64': ms64}, result)


if __name__ == '__main__':
    main()
