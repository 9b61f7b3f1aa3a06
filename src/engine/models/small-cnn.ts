// The probe's small CNN: three 3x3 convolutions (32, 64 stride 2, 128 stride 2) with ReLU, then global
// average pooling to a 128-d representation. Small enough to train on 2 CPU cores in minutes.
//
// Options: `width` scales the channel counts (32·w, 64·w, 128·w). `fcDim` > 0 replaces the global average
// pool with flatten → Linear(fcDim): the spatial layout survives to the representation, which gives the
// encoder the capacity to tell individual training images apart — what memorization needs at demo scale.

import { Value, relu, flatten } from '../graph';
import { Specs, applyConv, applyLinear, spatialMean } from './layers';
import { BuildContext, Encoder } from './types';

export interface SmallCnnOptions {
  inChannels?: number; // 1 for Fashion-MNIST, 3 for colour images
  imageSize?: number; // H = W of one view
  width?: number; // channel multiplier (default 1)
  fcDim?: number; // 0 (default): global average pool; > 0: flatten → Linear(fcDim)
}

const LAYERS = [
  { name: 'conv1', out: 32, stride: 1 },
  { name: 'conv2', out: 64, stride: 2 },
  { name: 'conv3', out: 128, stride: 2 },
];

/** Output side of a 3x3 convolution with padding 1. */
const convOut = (size: number, stride: number) => Math.floor((size - 1) / stride) + 1;

export function smallCnn(options: SmallCnnOptions = {}): Encoder {
  const inChannels = options.inChannels ?? 1;
  const imageSize = options.imageSize ?? 28;
  const width = options.width ?? 1;
  const fcDim = options.fcDim ?? 0;
  if (!(width > 0) || !Number.isFinite(width)) throw new Error(`smallCnn: width must be positive, got ${width}`);
  if (!Number.isInteger(fcDim) || fcDim < 0) throw new Error(`smallCnn: fcDim must be a whole number >= 0, got ${fcDim}`);
  const layers = LAYERS.map((l) => ({ ...l, out: Math.max(1, Math.round(l.out * width)) }));
  const specs = new Specs();
  let cin = inChannels;
  let side = imageSize;
  for (const l of layers) {
    specs.conv(l.name, cin, l.out, 3, true);
    cin = l.out;
    side = convOut(side, l.stride);
  }
  if (fcDim > 0) specs.linear('fc', cin * side * side, fcDim);
  const config: Record<string, number> = { inChannels, imageSize };
  if (width !== 1) config.width = width;
  if (fcDim > 0) config.fcDim = fcDim;
  return {
    kind: 'smallCnn',
    config,
    params: specs.params,
    buffers: specs.buffers,
    inputShape: [inChannels, imageSize, imageSize],
    reprDim: fcDim > 0 ? fcDim : cin,
    forward(ctx: BuildContext, x: Value) {
      const out: { name: string; value: Value }[] = [];
      let a = x;
      for (const l of layers) {
        a = relu(applyConv(ctx, l.name, a, l.stride, 1, true));
        out.push({ name: l.name, value: a });
      }
      if (fcDim === 0) return { repr: spatialMean(a), layers: out };
      const repr = applyLinear(ctx, 'fc', flatten(a));
      out.push({ name: 'fc', value: repr });
      return { repr, layers: out };
    },
  };
}
