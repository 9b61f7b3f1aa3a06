# Two tiny random CNN encoders in PyTorch, exported to ONNX (the "imported encoders" of `sslmem score --f --g`),
# and the oracle that encodes given views with the same torch modules and returns the alignment losses.
#   export <dir>                          f.onnx g.onnx (dynamic batch), f_static7.onnx (batch fixed at 7),
#                                          bad_rank.onnx (output [B]), dyn_hw.onnx (dynamic H, W), rgb.onnx (3 channels)
#   oracle <dir> <views.f32> <rows> <K>   views [rows, K, 2, 1, 28, 28] -> {"lf": [...], "lg": [...]}
import json, sys
import numpy as np
import torch
from torch import nn


class Tiny(nn.Module):
    def __init__(self, channels=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 12))

    def forward(self, x):
        return self.body(x)


class SumRank1(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = make(1)

    def forward(self, x):
        return self.inner(x).sum(dim=1)


def make(seed, channels=1):
    torch.manual_seed(seed)
    m = Tiny(channels)
    # Non-trivial BatchNorm statistics, so eval mode is checked too.
    with torch.no_grad():
        m.body[1].running_mean.uniform_(-0.2, 0.2)
        m.body[1].running_var.uniform_(0.5, 1.5)
    return m.eval()


def export(model, path, batch=None, hw_dynamic=False, channels=1):
    x = torch.rand(batch or 4, channels, 28, 28)
    axes = {}
    if batch is None:
        axes = {"x": {0: "batch"}, "emb": {0: "batch"}}
    if hw_dynamic:
        axes = {"x": {0: "batch", 2: "h", 3: "w"}, "emb": {0: "batch"}}
    torch.onnx.export(model, x, path, input_names=["x"], output_names=["emb"], dynamic_axes=axes or None, opset_version=17)


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "export":
        f, g = make(1), make(2)
        torch.save(f.state_dict(), f"{d}/f.pt")
        torch.save(g.state_dict(), f"{d}/g.pt")
        export(f, f"{d}/f.onnx")
        export(g, f"{d}/g.onnx")
        export(f, f"{d}/f_static7.onnx", batch=7)
        export(SumRank1().eval(), f"{d}/bad_rank.onnx")
        export(f, f"{d}/dyn_hw.onnx", hw_dynamic=True)
        export(make(3, channels=3), f"{d}/rgb.onnx", channels=3)
        print("ok")
    else:
        views_file, rows, K = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        views = torch.from_numpy(np.fromfile(views_file, dtype=np.float32).reshape(rows, K, 2, 1, 28, 28))
        out = {}
        for name in ("f", "g"):
            m = Tiny()
            m.load_state_dict(torch.load(f"{d}/{name}.pt"))
            m.eval()
            with torch.no_grad():
                e = m(views.reshape(-1, 1, 28, 28)).double().reshape(rows, K, 2, -1)
            e = e / e.norm(dim=-1, keepdim=True)
            out["l" + name] = (e[:, :, 0] - e[:, :, 1]).norm(dim=-1).mean(dim=1).tolist()
        print(json.dumps(out))


main()
