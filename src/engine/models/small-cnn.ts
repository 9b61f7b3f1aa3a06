// The probe's small CNN: three 3x3 convolutions (32, 64 stride 2, 128 stride 2) with ReLU, then global
// average pooling to a 128-d representation. Small enough to train on 2 CPU cores in minutes.

import { Value, relu } from '../graph';
import { Specs, applyConv, spatialMean } from './layers';
import { BuildContext, Encoder } from './types';

export interface SmallCnnOptions {
  inChannels?: number; // 1 for Fashion-MNIST, 3 for colour images
  imageSize?: number;  // H = W of one view
}

const LAYERS = [
  { name: 'conv1', out: 32, stride: 1 },
  { name: 'conv2', out: 64, stride: 2 },
  { name: 'conv3', out: 128, stride: 2 },
];

export function smallCnn(options: SmallCnnOptions = {}): Encoder {
  const inChannels = options.inChannels ?? 1;
  const imageSize = options.imageSize ?? 28;
  const specs = new Specs();
  let cin = inChannels;
  for (const l of LAYERS) {
    specs.conv(l.name, cin, l.out, 3, true);
    cin = l.out;
  }
  return {
    kind: 'smallCnn',
    config: { inChannels, imageSize },
    params: specs.params,
    buffers: specs.buffers,
    inputShape: [inChannels, imageSize, imageSize],
    reprDim: cin,
    forward(ctx: BuildContext, x: Value) {
      const layers: { name: string; value: Value }[] = [];
      let a = x;
      for (const l of LAYERS) {
        a = relu(applyConv(ctx, l.name, a, l.stride, 1, true));
        layers.push({ name: l.name, value: a });
      }
      return { repr: spatialMean(a), layers };
    },
  };
}
