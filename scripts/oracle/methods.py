"""PyTorch twins of src/engine/methods/*.ts: SimCLR (NT-Xent), SimSiam, BYOL, MAE. Each `make_*` returns
(heads: {prefix: module}, loss_fn(encoder, heads, views, extra) -> scalar). Head parameter names are the
prefix + the module's own names, as in the TypeScript ParamSpecs."""
import torch, torch.nn as nn, torch.nn.functional as F
from models import Block, patchify


def nt_xent(z, temperature):
    z = F.normalize(z, dim=1)
    n = z.shape[0]; b = n // 2
    s = z @ z.t() / temperature - 1e9 * torch.eye(n, dtype=z.dtype)  # a view is never its own negative
    pos = (torch.arange(n) + b) % n  # view i of image k pairs with the other view of image k
    return F.cross_entropy(s, pos)


def make_simclr(enc_dim, cfg):
    projector = nn.Sequential(nn.Linear(enc_dim, cfg['hiddenDim']), nn.ReLU(), nn.Linear(cfg['hiddenDim'], cfg['projDim']))

    def loss(encoder, heads, views, extra):
        h = encoder(torch.cat(views, 0))['repr']
        return nt_xent(heads['projector.'](h), cfg.get('temperature', 0.5))
    return {'projector.': projector}, loss


def make_simsiam(enc_dim, cfg):
    hid, out, ph = cfg['hiddenDim'], cfg['projDim'], cfg['predHiddenDim']
    projector = nn.Sequential(nn.Linear(enc_dim, hid, bias=False), nn.BatchNorm1d(hid), nn.ReLU(),
                              nn.Linear(hid, out, bias=False), nn.BatchNorm1d(out, affine=False))
    predictor = nn.Sequential(nn.Linear(out, ph, bias=False), nn.BatchNorm1d(ph), nn.ReLU(), nn.Linear(ph, out))

    def loss(encoder, heads, views, extra):
        z = heads['projector.'](encoder(torch.cat(views, 0))['repr'])
        p = heads['predictor.'](z)
        b = views[0].shape[0]
        z1, z2, p1, p2 = z[:b], z[b:], p[:b], p[b:]
        d = lambda p_, z_: -F.cosine_similarity(p_, z_.detach(), dim=1, eps=1e-12).mean()
        return 0.5 * d(p1, z2) + 0.5 * d(p2, z1)
    return {'projector.': projector, 'predictor.': predictor}, loss


class MaeDecoder(nn.Module):
    def __init__(self, vit, cfg, in_ch):
        super().__init__()
        dd, p = cfg['decoderDim'], cfg['patch']
        d = vit.pos_embed.shape[-1]
        self.cls = vit.pool == 'cls'
        self.decoder_embed = nn.Linear(d, dd)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dd))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, vit.pos_embed.shape[1], dd))
        self.decoder_blocks = nn.ModuleList([Block(dd, cfg['decoderHeads'], cfg.get('mlpRatio', 4.0)) for _ in range(cfg['decoderDepth'])])
        self.decoder_norm = nn.LayerNorm(dd, eps=1e-6)
        self.decoder_pred = nn.Linear(dd, p * p * in_ch)


def make_mae(enc_cfg, cfg):
    n = (enc_cfg['imageSize'] // enc_cfg['patch']) ** 2

    def loss(vit, heads, views, extra):
        dec = heads['']
        x = views[0]
        sel = F.one_hot(extra['maskKeep'].long(), n).to(x.dtype)  # [B, K, N]: which patches stay visible
        masked = 1 - sel.sum(1)  # [B, N]: 1 where the patch is hidden
        t, _ = vit.run_blocks(vit.tokens(x, sel))
        d = dec.decoder_embed(t)
        vis = d[:, 1:] if dec.cls else d
        full = sel.transpose(1, 2) @ vis + masked[..., None] * dec.mask_token
        if dec.cls:
            full = torch.cat([d[:, :1], full], 1)
        full = full + dec.decoder_pos_embed
        for b in dec.decoder_blocks:
            full = b(full)
        pred = dec.decoder_pred(dec.decoder_norm(full))
        if dec.cls:
            pred = pred[:, 1:]
        target = patchify(x, enc_cfg['patch'])
        if cfg.get('normPixLoss', True):
            target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1e-6) ** 0.5
        per_patch = ((pred - target) ** 2).mean(-1)
        return (per_patch * masked).sum() / masked.sum()
    return loss


def make_byol(encoder_cfg, enc_dim, cfg):
    from models import build_encoder
    hid, out, tau = cfg['hiddenDim'], cfg['projDim'], cfg['tau']
    mlp = lambda a: nn.Sequential(nn.Linear(a, hid), nn.BatchNorm1d(hid), nn.ReLU(), nn.Linear(hid, out))
    projector, predictor = mlp(enc_dim), mlp(out)
    # The target network: an encoder clone with a projector, whose parameters the engine keeps as buffers
    # named 'target.<online name>' (torch_step reports this module's parameters as buffers).
    target = build_encoder(encoder_cfg)
    target.projector = mlp(enc_dim)
    target.register_buffer('initialized', torch.zeros(1))
    target.as_buffers = True

    def loss(encoder, heads, views, extra):
        b = views[0].shape[0]
        x = torch.cat(views, 0)
        z = heads['projector.'](encoder(x)['repr'])
        p = heads['predictor.'](z)
        tgt = heads['target.']
        online = {**dict(encoder.named_parameters()), **{'projector.' + k: v for k, v in heads['projector.'].named_parameters()}}
        with torch.no_grad():
            f = tgt.initialized
            for n, t in tgt.named_parameters():  # step 0 (f = 0) starts from a copy of the online network
                t.copy_(f * t + (1 - f) * online[n])
            zt = tgt.projector(tgt(x)['repr'])
            for n, t in tgt.named_parameters():  # EMA with this step's (pre-update) online weights
                t.copy_(tau * t + (1 - tau) * online[n])
            tgt.initialized.fill_(1)
        swapped = torch.cat([zt[b:], zt[:b]], 0)
        return (2 - 2 * F.cosine_similarity(p, swapped, dim=1, eps=1e-12)).sum() / b
    return {'projector.': projector, 'predictor.': predictor, 'target.': target}, loss


def make_method(encoder, enc_cfg, method_cfg, enc_dim):
    kind = method_cfg['kind']
    if kind == 'simclr':
        return make_simclr(enc_dim, method_cfg)
    if kind == 'simsiam':
        return make_simsiam(enc_dim, method_cfg)
    if kind == 'byol':
        return make_byol(enc_cfg, enc_dim, method_cfg)
    if kind == 'mae':
        dec = MaeDecoder(encoder, {**method_cfg, 'patch': enc_cfg['patch']}, enc_cfg.get('inChannels', 3))
        return {'': dec}, make_mae(enc_cfg, method_cfg)
    raise ValueError(kind)
