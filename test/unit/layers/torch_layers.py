# PyTorch oracle of the per-layer activations the layer analyses read (src/engine/layers/activations.ts):
# the oracle's SmallCnn (scripts/oracle/models.py, the engine's small CNN twin) loaded with given weights,
# run in eval mode on given views; writes every layer's output as float32.
#   torch_layers.py <weights.json> <weights.f32> <views.f32> <count> <out.f32>
#   weights.json: [{"name", "shape", "offset"}] (float32 offsets into weights.f32); views [count, 1, 28, 28]
#   prints [{"name", "shape"}] of the layers written one after the other to out.f32
import json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'scripts', 'oracle'))
from models import SmallCnn  # noqa: E402


def main():
    spec_file, weights_file, views_file, count, out_file = sys.argv[1:6]
    specs = json.load(open(spec_file))
    flat = np.fromfile(weights_file, dtype=np.float32)
    model = SmallCnn(1)
    state = {s['name']: torch.from_numpy(flat[s['offset']:s['offset'] + int(np.prod(s['shape']))].reshape(s['shape']).copy()) for s in specs}
    model.load_state_dict(state)
    model.eval()
    n = int(count)
    views = torch.from_numpy(np.fromfile(views_file, dtype=np.float32).reshape(n, 1, 28, 28))
    with torch.no_grad():
        out = model(views)
    layers = out['layers'] + [('repr', out['repr'])]
    with open(out_file, 'wb') as f:
        for _, v in layers:
            f.write(v.numpy().astype(np.float32).tobytes())
    print(json.dumps([{'name': name, 'shape': list(v.shape)} for name, v in layers]))


if __name__ == '__main__':
    main()
