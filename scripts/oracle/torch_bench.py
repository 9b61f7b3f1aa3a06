#!/usr/bin/python3
"""PyTorch side of `npm run bench:train` (run with Debian's /usr/bin/python3, torch 1.13 CPU).

A long-lived worker so the benchmark can interleave engine and PyTorch steps in one run. It reads one JSON
command per line on stdin and answers one JSON line on stdout:
  {"cmd": "setup", "encoder": {...}, "method": {...}, "inputShape": [C,H,W], "batch": B, "threads": T,
   "augment": {"channels": C, "inputSize": [H,W], "jitter": bool, "hue": bool, "grayscale": bool},
   "channelsLast": false}                                   -> {"ok": true, "torch": version, "params": n}
  {"cmd": "steps", "n": k}                                  -> {"ms": [per-step milliseconds]}
  {"cmd": "quit"}
A step is the same work as the engine's train step: augmentation of a fixed raw batch on the same tensor
sizes (affine_grid + grid_sample crop/flip with the crop-window clamp, per-image brightness/contrast,
saturation/hue/grayscale on RGB), forward through the model twins in models.py/methods.py, backward, Adam.
"""
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch, torch.nn.functional as F
from models import build_encoder
from methods import make_method

LUMA = torch.tensor([0.2989, 0.587, 0.114]).view(1, 3, 1, 1)


def blend(x, other, f):
    return (f * x + (1 - f) * other).clamp(0, 1)


def luma(x):
    return x if x.shape[1] == 1 else (x * LUMA).sum(1, keepdim=True)


def shift_hue(x, shift):
    """Same formula as the engine's graph (torchvision adjust_hue without the HSV round trip)."""
    r, g, b = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    vmax = torch.maximum(torch.maximum(r, g), b)
    chroma = vmax - torch.minimum(torch.minimum(r, g), b)
    safe = torch.where(chroma == 0, torch.ones_like(chroma), chroma)
    h6 = torch.where(vmax == r, (g - b) / safe, torch.where(vmax == g, (b - r) / safe + 2, (r - g) / safe + 4))
    k = torch.fmod(h6 + shift * 6 + torch.tensor([17.0, 15.0, 13.0]).view(1, 3, 1, 1), 6)
    return vmax - chroma * torch.clamp(torch.minimum(k, 4 - k), 0, 1)


def augment(x, a, out_hw):
    B, C = x.shape[:2]
    # random crop (scale 0.2-1) + flip as one affine sampling grid, clamped to the crop window
    s = torch.sqrt(torch.empty(B).uniform_(a.get('minScale', 0.2), 1.0))
    flip = torch.where(torch.rand(B) < 0.5, -1.0, 1.0)
    cx, cy = (torch.rand(B) * 2 - 1) * (1 - s), (torch.rand(B) * 2 - 1) * (1 - s)
    theta = torch.zeros(B, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1], theta[:, 0, 2], theta[:, 1, 2] = s * flip, s, cx, cy
    grid = F.affine_grid(theta, [B, C, *out_hw], align_corners=False)
    lo = torch.stack([cx - s, cy - s], 1).view(B, 1, 1, 2)
    hi = torch.stack([cx + s, cy + s], 1).view(B, 1, 1, 2)
    v = F.grid_sample(x, torch.minimum(torch.maximum(grid, lo), hi), mode='bilinear', padding_mode='zeros', align_corners=False)
    if a.get('jitter', True):
        st = a.get('strength', 0.4)
        f = lambda: torch.empty(B, 1, 1, 1).uniform_(1 - st, 1 + st)
        v = (v * f()).clamp(0, 1)
        v = blend(v, luma(v).mean((1, 2, 3), keepdim=True), f())
        if C == 3:
            v = blend(v, luma(v), f())
            if a.get('hue', True):
                v = shift_hue(v, torch.empty(B, 1, 1, 1).uniform_(-0.1, 0.1))
    if C == 3 and a.get('grayscale', True):
        v = blend(v, luma(v), (torch.rand(B, 1, 1, 1) >= 0.2).float())
    return v


class Bench:
    def __init__(self, cfg):
        torch.set_num_threads(cfg['threads'])
        torch.manual_seed(0)
        self.enc = build_encoder(cfg['encoder'])
        with torch.no_grad():
            dim = self.enc(torch.zeros([2] + cfg['inputShape']))['repr'].shape[1]
        self.heads, self.loss_fn = make_method(self.enc, cfg['encoder'], cfg['method'], dim)
        mods = [self.enc] + list(self.heads.values())
        self.cl = cfg.get('channelsLast', False)
        if self.cl:
            mods = [m.to(memory_format=torch.channels_last) for m in mods]
        params = [p for m in mods for p in m.parameters()]
        self.nparams = sum(p.numel() for p in params)
        self.opt = torch.optim.Adam(params, lr=1e-3)
        a = cfg['augment']
        self.aug = a
        self.out_hw = cfg['inputShape'][1:]
        self.x = torch.rand(cfg['batch'], a['channels'], *a['inputSize'])
        self.views = cfg['method'].get('views', 2)
        self.mae = cfg['method']['kind'] == 'mae'
        if self.mae:
            e = cfg['encoder']
            self.n_patches = (e['imageSize'] // e['patch']) ** 2
            self.keep = max(1, round(self.n_patches * (1 - cfg['method'].get('maskRatio', 0.75))))

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        views = [augment(self.x, self.aug, self.out_hw) for _ in range(self.views)]
        if self.cl:
            views = [v.contiguous(memory_format=torch.channels_last) for v in views]
        extra = {}
        if self.mae:  # a fresh random mask per step, like the engine's host-sampled maskKeep
            extra['maskKeep'] = torch.rand(self.x.shape[0], self.n_patches).argsort(1)[:, :self.keep].float()
        loss = self.loss_fn(self.enc, self.heads, views, extra)
        loss.backward()
        self.opt.step()
        return loss.item()


def blas_loaded():
    """Which BLAS the process really loaded: Debian's torch uses the system libblas (reference BLAS unless
    OpenBLAS is installed or put on LD_LIBRARY_PATH), which matters a lot for Linear/matmul speed."""
    return sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l})


def main():
    bench = None
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd['cmd'] == 'setup':
            bench = Bench(cmd)
            reply = {'ok': True, 'torch': torch.__version__, 'params': bench.nparams, 'threads': torch.get_num_threads(), 'blas': blas_loaded()}
        elif cmd['cmd'] == 'steps':
            ms = []
            for _ in range(cmd['n']):
                t0 = time.perf_counter(); bench.step(); ms.append((time.perf_counter() - t0) * 1e3)
            reply = {'ms': ms}
        else:
            break
        sys.stdout.write(json.dumps(reply) + '\n'); sys.stdout.flush()


if __name__ == '__main__':
    main()
