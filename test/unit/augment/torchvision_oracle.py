# PyTorch oracle for the augmentation tests: applies, with torch ops, what torchvision 0.14's tensor
# transforms do for given parameters (torchvision itself is not packaged in Debian; its functional_tensor
# code is reproduced here). The crop + resize is ATen's own bilinear interpolate (align_corners False, no
# antialias, as torchvision's resized_crop on tensors). Run with /usr/bin/python3 (Debian python3-torch).
# stdin: a list of {"images": [...], "shape": [B,C,H,W], "samples": [AugSample...], "outputSize": [H',W'],
#         "normalize": {"mean": [...], "std": [...]} | null}; stdout: a list of views (flat, float32 math).
import json
import sys

import torch
import torch.nn.functional as F


def rgb_to_grayscale(img):
    r, g, b = img.unbind(dim=-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).unsqueeze(dim=-3)


def blend(img1, img2, ratio):
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, 1.0)


def adjust_contrast(img, factor):
    gray = rgb_to_grayscale(img) if img.shape[-3] == 3 else img
    return blend(img, torch.mean(gray, dim=(-3, -2, -1), keepdim=True), factor)


def rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = torch.fmod(((hr + hg + hb) / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, factor):
    h, s, v = rgb2hsv(img).unbind(dim=-3)
    h = (h + factor) % 1.0
    return hsv2rgb(torch.stack((h, s, v), dim=-3))


def augment(img, s, out_size):
    crop = img[:, s["top"]:s["top"] + s["height"], s["left"]:s["left"] + s["width"]]
    x = F.interpolate(crop.unsqueeze(0), size=out_size, mode="bilinear", align_corners=False)[0]
    if s["flip"]:
        x = x.flip(-1)
    x = blend(x, torch.zeros_like(x), s["brightness"])
    x = adjust_contrast(x, s["contrast"])
    if x.shape[0] == 3:
        x = blend(x, rgb_to_grayscale(x), s["saturation"])
        x = adjust_hue(x, s["hue"])
        if s["grayscale"]:
            x = rgb_to_grayscale(x).expand(3, -1, -1)
    return x


def run(req):
    images = torch.tensor(req["images"], dtype=torch.float32).view(*req["shape"])
    views = torch.stack([augment(images[b], s, req["outputSize"]) for b, s in enumerate(req["samples"])])
    if req.get("normalize"):
        mean = torch.tensor(req["normalize"]["mean"]).view(1, -1, 1, 1)
        std = torch.tensor(req["normalize"]["std"]).view(1, -1, 1, 1)
        views = (views - mean) / std
    return views.flatten().tolist()


json.dump([run(req) for req in json.load(sys.stdin)], sys.stdout)
