"""PyTorch twins of src/engine/models/*.ts. Module attribute names are chosen so that named_parameters()
and named_buffers() give exactly the TypeScript ParamSpec / BufferSpec names (state dicts map 1:1).
Each encoder's forward returns {'repr': [B, D], 'layers': [(name, tensor), ...]} like the TS `forward`.
"""
import math
import torch, torch.nn as nn, torch.nn.functional as F


class SmallCnn(nn.Module):
    """fc_dim > 0: flatten -> Linear(fc_dim) instead of the global average pool (the TS `fcDim`);
    width scales the channel counts like the TS `width` (Math.round, at least 1)."""
    def __init__(self, in_ch=1, fc_dim=0, image=28, width=1.0):
        super().__init__()
        c1, c2, c3 = (max(1, math.floor(c * width + 0.5)) for c in (32, 64, 128))
        self.conv1 = nn.Conv2d(in_ch, c1, 3, 1, 1)
        self.conv2 = nn.Conv2d(c1, c2, 3, 2, 1)
        self.conv3 = nn.Conv2d(c2, c3, 3, 2, 1)
        side = (((image - 1) // 2 + 1) - 1) // 2 + 1
        self.fc = nn.Linear(c3 * side * side, fc_dim) if fc_dim > 0 else None

    def forward(self, x):
        a1 = F.relu(self.conv1(x)); a2 = F.relu(self.conv2(a1)); a3 = F.relu(self.conv3(a2))
        layers = [('conv1', a1), ('conv2', a2), ('conv3', a3)]
        if self.fc is None:
            return {'repr': a3.mean((2, 3)), 'layers': layers}
        r = self.fc(a3.flatten(1))
        return {'repr': r, 'layers': layers + [('fc', r)]}


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


class ResNet18(nn.Module):
    """torchvision's resnet18 with the CIFAR stem: 3x3 stride-1 conv1, no max-pool, no fc."""
    def __init__(self, in_ch=3, width=64):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        cin = width
        for i, (mult, stride) in enumerate([(1, 1), (2, 2), (4, 2), (8, 2)]):
            blocks = [BasicBlock(cin, width * mult, stride), BasicBlock(width * mult, width * mult, 1)]
            cin = width * mult
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))

    def forward(self, x):
        # Every residual block's output, depth-first (layer1.0 … layer4.1), as the TS model reports them.
        a = F.relu(self.bn1(self.conv1(x))); layers = [('conv1', a)]
        for i in range(1, 5):
            for j, block in enumerate(getattr(self, f'layer{i}')):
                a = block(a); layers.append((f'layer{i}.{j}', a))
        return {'repr': a.mean((2, 3)), 'layers': layers}


def patchify(x, p):
    """[B,C,H,W] -> [B, N, C*p*p], patches in row-major order, features in (c, ph, pw) order (= Conv weight order)."""
    B, C, H, W = x.shape
    x = x.reshape(B, C, H // p, p, W // p, p).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(B, (H // p) * (W // p), C * p * p)


class PatchEmbed(nn.Module):
    def __init__(self, in_ch, dim, p):
        super().__init__()
        self.p = p
        self.proj = nn.Conv2d(in_ch, dim, p, p)

    def forward(self, x):
        w = self.proj.weight.reshape(self.proj.weight.shape[0], -1)
        return patchify(x, self.p) @ w.t() + self.proj.bias


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, T, D = x.shape; h = self.heads; dh = D // h
        qkv = self.qkv(x).reshape(B, T, 3, h, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax(q @ k.transpose(-2, -1) * dh ** -0.5, dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(B, T, D))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden); self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6); self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6); self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VitTiny(nn.Module):
    def __init__(self, in_ch=3, image=32, patch=4, dim=192, depth=12, heads=3, mlp_ratio=4.0, pool='cls', repr='pooled'):
        super().__init__()
        self.pool = pool
        self.repr = repr
        self.num_patches = (image // patch) ** 2
        self.patch_embed = PatchEmbed(in_ch, dim, patch)
        extra = 1 if pool == 'cls' else 0
        if pool == 'cls':
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.num_patches + extra, dim))
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def tokens(self, x, select=None):
        """Patch tokens + position embedding; `select` [B, K, N] one-hot keeps K patches (MAE); CLS prepended."""
        t = self.patch_embed(x)
        if self.pool == 'cls':
            t = t + self.pos_embed[:, 1:]
        else:
            t = t + self.pos_embed
        if select is not None:
            t = select @ t
        if self.pool == 'cls':
            cls = (self.cls_token + self.pos_embed[:, :1]).expand(t.shape[0], -1, -1)
            t = torch.cat([cls, t], 1)
        return t

    def run_blocks(self, t):
        layers = []
        for i, b in enumerate(self.blocks):
            t = b(t); layers.append((f'blocks.{i}', t))
        return self.norm(t), layers

    def forward(self, x):
        t, layers = self.run_blocks(self.tokens(x))
        if self.repr == 'tokens':
            rep = t.flatten(1)
        else:
            rep = t[:, 0] if self.pool == 'cls' else t.mean(1)
        return {'repr': rep, 'layers': layers}


def build_encoder(cfg):
    kind = cfg['kind']
    if kind == 'smallCnn':
        return SmallCnn(cfg.get('inChannels', 1), cfg.get('fcDim', 0), cfg.get('imageSize', 28), cfg.get('width', 1.0))
    if kind == 'resnet18':
        return ResNet18(cfg.get('inChannels', 3), cfg.get('width', 64))
    if kind == 'vitTiny':
        return VitTiny(cfg.get('inChannels', 3), cfg['imageSize'], cfg['patch'], cfg['dim'], cfg['depth'],
                       cfg['heads'], cfg.get('mlpRatio', 4.0), cfg.get('pool', 'cls'), cfg.get('repr', 'pooled'))
    raise ValueError(kind)
