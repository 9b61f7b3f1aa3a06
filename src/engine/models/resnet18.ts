// ResNet-18 with the CIFAR stem (3x3 stride-1 conv1, no max-pool): BasicBlocks [2, 2, 2, 2] with widths
// [w, 2w, 4w, 8w] (w = 64 for the real model; tests use a narrow w), BatchNorm everywhere, global average
// pooling to an 8w-d representation. Names follow torchvision (`layer2.0.downsample.0.weight`).
//
// Convolution weights use torchvision's ResNet init, kaiming_normal(fan_out, relu): std = sqrt(2 / fan_out).
// That is what "ResNet-18 in PyTorch" trains from; the generic conv default (U(+-1/sqrt(fan_in))) would
// start every residual branch with a much smaller scale.

import { Value, add, relu } from '../graph';
import { Specs, applyBatchNorm, applyConv, spatialMean } from './layers';
import { BuildContext, Encoder, Init } from './types';

export interface ResNet18Options {
  inChannels?: number;
  imageSize?: number;
  width?: number; // channels of conv1 / layer1; 64 in the real ResNet-18
}

interface BlockPlan {
  prefix: string;
  cin: number;
  cout: number;
  stride: number;
}

function plan(width: number): BlockPlan[] {
  const blocks: BlockPlan[] = [];
  let cin = width;
  [
    [1, 1],
    [2, 2],
    [4, 2],
    [8, 2],
  ].forEach(([mult, stride], i) => {
    const cout = width * mult;
    blocks.push({ prefix: `layer${i + 1}.0`, cin, cout, stride });
    blocks.push({ prefix: `layer${i + 1}.1`, cin: cout, cout, stride: 1 });
    cin = cout;
  });
  return blocks;
}

const hasDownsample = (b: BlockPlan) => b.stride !== 1 || b.cin !== b.cout;

export function resnet18(options: ResNet18Options = {}): Encoder {
  const inChannels = options.inChannels ?? 3;
  const imageSize = options.imageSize ?? 32;
  const width = options.width ?? 64;
  const heInit = (cout: number, k: number): Init => ({ kind: 'normal', std: Math.sqrt(2 / (cout * k * k)) });
  const specs = new Specs();
  specs.conv('conv1', inChannels, width, 3, false, heInit(width, 3));
  specs.batchNorm('bn1', width);
  const blocks = plan(width);
  for (const b of blocks) {
    specs.conv(`${b.prefix}.conv1`, b.cin, b.cout, 3, false, heInit(b.cout, 3));
    specs.batchNorm(`${b.prefix}.bn1`, b.cout);
    specs.conv(`${b.prefix}.conv2`, b.cout, b.cout, 3, false, heInit(b.cout, 3));
    specs.batchNorm(`${b.prefix}.bn2`, b.cout);
    if (hasDownsample(b)) {
      specs.conv(`${b.prefix}.downsample.0`, b.cin, b.cout, 1, false, heInit(b.cout, 1));
      specs.batchNorm(`${b.prefix}.downsample.1`, b.cout);
    }
  }

  function block(ctx: BuildContext, b: BlockPlan, x: Value): Value {
    let out = relu(applyBatchNorm(ctx, `${b.prefix}.bn1`, applyConv(ctx, `${b.prefix}.conv1`, x, b.stride, 1, false)));
    out = applyBatchNorm(ctx, `${b.prefix}.bn2`, applyConv(ctx, `${b.prefix}.conv2`, out, 1, 1, false));
    const shortcut = hasDownsample(b)
      ? applyBatchNorm(ctx, `${b.prefix}.downsample.1`, applyConv(ctx, `${b.prefix}.downsample.0`, x, b.stride, 0, false))
      : x;
    return relu(add(out, shortcut));
  }

  return {
    kind: 'resnet18',
    config: { inChannels, imageSize, width },
    params: specs.params,
    buffers: specs.buffers,
    inputShape: [inChannels, imageSize, imageSize],
    reprDim: 8 * width,
    forward(ctx, x) {
      let a = relu(applyBatchNorm(ctx, 'bn1', applyConv(ctx, 'conv1', x, 1, 1, false)));
      // Every residual block's output (after its final ReLU), in depth order, for LayerMem at block granularity:
      // finer than the 4 stages (a stage's output is its second block's output: layer1.1, …).
      const layers = [{ name: 'conv1', value: a }];
      for (const b of blocks) {
        a = block(ctx, b, a);
        layers.push({ name: b.prefix, value: a });
      }
      return { repr: spatialMean(a), layers };
    },
  };
}
