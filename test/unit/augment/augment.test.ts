// The augmentation graph, run by onnxruntime-node in float32, against the plain-JS reference written after
// torchvision's tensor functions (given the same sampled parameters), on real Fashion-MNIST images and on
// synthetic RGB images; plus properties that do not depend on either implementation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AugConfig,
  AugSample,
  PARAM_COUNT,
  augmentReference,
  encodeAugParams,
  fashionMnistRecipe,
  noAugmentation,
  sampleAugmentations,
  simclrRecipe,
} from '../../../src/engine/augment';
import { evaluate } from '../../../src/engine/graph/reference';
import { tensor } from '../../../src/engine/graph/tensor';
import { buildAugGraph, fashionImages, maxAbsDiff, rgbImages, runAugGraph } from './helpers';

async function graphVsReference(config: AugConfig, images: Float32Array, batch: number, step: number) {
  const samples = sampleAugmentations(config, 7, step, 0, batch);
  const got = await runAugGraph(config, images, encodeAugParams(samples, config), batch);
  const want = augmentReference(images, samples, config);
  return { err: maxAbsDiff(got, want), got, samples };
}

const withSize = (c: AugConfig, outputSize: [number, number], normalize?: AugConfig['normalize']): AugConfig => ({
  ...c,
  outputSize,
  normalize,
});

const cases: [string, AugConfig, () => Float32Array][] = [
  ['Fashion-MNIST recipe, real images', fashionMnistRecipe(), () => fashionImages(16)],
  ['SimCLR recipe, 1 channel, real images', simclrRecipe(1, [28, 28]), () => fashionImages(16, 100)],
  ['SimCLR recipe, RGB 32x32', simclrRecipe(3, [32, 32]), () => rgbImages(16, 32, 32)],
  [
    'SimCLR RGB, 32x32 -> 24x24, normalised',
    withSize(simclrRecipe(3, [32, 32]), [24, 24], { mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26] }),
    () => rgbImages(16, 32, 32),
  ],
  [
    'Fashion-MNIST 28x28 -> 40x36, normalised',
    withSize(fashionMnistRecipe(), [40, 36], { mean: [0.286], std: [0.353] }),
    () => fashionImages(16, 200),
  ],
];

for (const [name, config, images] of cases) {
  test(`${name}: onnxruntime float32 matches the JS reference`, async () => {
    const x = images();
    const { err, got } = await graphVsReference(config, x, 16, 3);
    assert.ok(err < 1e-4, `max abs error ${err}`);
    if (!config.outputSize) assert.ok(maxAbsDiff(got, x) > 0.2, 'views should differ from the images');
  });
}

test('the sampled batches exercise every branch (flip, jitter on/off, hue, grayscale)', () => {
  const s = sampleAugmentations(simclrRecipe(3, [32, 32]), 7, 3, 0, 16);
  assert.ok(s.some((v) => v.flip) && s.some((v) => !v.flip));
  assert.ok(s.some((v) => v.hue !== 0) && s.some((v) => v.brightness === 1));
  assert.ok(s.some((v) => v.grayscale));
  assert.ok(s.some((v) => v.width < 32 || v.height < 32));
});

test('float64 graph (reference evaluator) equals the JS reference to rounding', () => {
  const config = simclrRecipe(3, [12, 10]);
  const samples = sampleAugmentations(config, 1, 0, 1, 4);
  const x = rgbImages(4, 12, 10);
  const { graph } = buildAugGraph(config, 4);
  const [views] = evaluate(graph, [graph.outputs[0].value], {
    images: tensor([4, 3, 12, 10], x),
    params: tensor([4, PARAM_COUNT], encodeAugParams(samples, config)),
  });
  // params pass through float32, so allow float32 rounding of the factors and the grid
  assert.ok(maxAbsDiff(views.data, augmentReference(x, samples, config)) < 1e-5);
});

// ---- properties that hold whatever the implementation --------------------------------------------------
const identity = (H: number, W: number): AugSample => ({
  top: 0,
  left: 0,
  height: H,
  width: W,
  flip: false,
  brightness: 1,
  contrast: 1,
  saturation: 1,
  hue: 0,
  grayscale: false,
});
const rgbAll = (c: AugConfig) => ({
  ...c,
  crop: { scale: [0.08, 1] as [number, number], ratio: [0.75, 4 / 3] as [number, number] },
  flipP: 0.5,
  grayscaleP: 0.2,
  jitter: { p: 0.8, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 },
});

test('no augmentation gives the images back', async () => {
  const x = fashionImages(4);
  const config = noAugmentation(1, [28, 28]);
  const got = await runAugGraph(config, x, encodeAugParams(sampleAugmentations(config, 1, 0, 0, 4), config), 4);
  assert.equal(maxAbsDiff(got, x), 0);
});

test('a crop as large as the output is a plain sub-image; a flip mirrors it', async () => {
  const x = fashionImages(2);
  const config: AugConfig = { ...rgbAll(noAugmentation(1, [28, 28])), outputSize: [10, 12], jitter: null };
  const s = [
    { ...identity(10, 12), top: 5, left: 9 },
    { ...identity(10, 12), top: 3, left: 2, flip: true },
  ];
  const got = await runAugGraph(config, x, encodeAugParams(s, config), 2);
  let worst = 0;
  for (let y = 0; y < 10; y++)
    for (let c = 0; c < 12; c++) {
      worst = Math.max(worst, Math.abs(got[y * 12 + c] - x[(5 + y) * 28 + 9 + c]));
      worst = Math.max(worst, Math.abs(got[120 + y * 12 + c] - x[784 + (3 + y) * 28 + 2 + 11 - c]));
    }
  assert.ok(worst < 1e-6, `max error ${worst}`);
});

test('hue shift of a third of a turn maps red to green and green to blue; grayscale equalises channels', async () => {
  const config = rgbAll(noAugmentation(3, [1, 2]));
  const x = Float32Array.from([1, 0, /* G */ 0, 1, /* B */ 0, 0, /* image 2 */ 0.2, 0.9, 0.6, 0.1, 0.3, 0.5]);
  const s = [
    { ...identity(1, 2), hue: 1 / 3 },
    { ...identity(1, 2), grayscale: true },
  ];
  const got = await runAugGraph(config, x, encodeAugParams(s, config), 2);
  assert.ok(maxAbsDiff(got.subarray(0, 6), [0, 0, 1, 0, 0, 1]) < 1e-6, `hue: ${Array.from(got.subarray(0, 6))}`);
  const luma = (r: number, g: number, b: number) => 0.2989 * r + 0.587 * g + 0.114 * b;
  const l = [luma(0.2, 0.6, 0.3), luma(0.9, 0.1, 0.5)];
  assert.ok(maxAbsDiff(got.subarray(6), [...l, ...l, ...l]) < 1e-6, `gray: ${Array.from(got.subarray(6))}`);
});

test('the exported graph passes onnx.checker (Debian python3-onnx)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aug-'));
  const file = join(dir, 'augment.onnx');
  writeFileSync(
    file,
    buildAugGraph(withSize(simclrRecipe(3, [32, 32]), [24, 24], { mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] }), 4).bytes,
  );
  const out = execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      'import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print("ok", m.opset_import[0].version)',
      file,
    ],
    { encoding: 'utf8' },
  );
  assert.match(out, /^ok 17/);
});

test("the graph uses only ops that onnxruntime's WebGPU provider registers (no GridSample, Max, Min)", async () => {
  const { onnx } = await import('onnx-proto');
  // From onnxruntime/core/providers/webgpu/webgpu_execution_provider.cc (kernels registered for opset 17).
  const webgpu = new Set([
    'Abs',
    'Add',
    'Sub',
    'Mul',
    'Div',
    'Relu',
    'Floor',
    'Clip',
    'Equal',
    'Where',
    'MatMul',
    'Gather',
    'Reshape',
    'Split',
    'ReduceMean',
    'ReduceMax',
    'ReduceMin',
    'ReduceSum',
    'Transpose',
    'Concat',
    'Unsqueeze',
    'Expand',
    'Cast',
  ]);
  const config = {
    ...simclrRecipe(3, [32, 32]),
    outputSize: [24, 24] as [number, number],
    normalize: { mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] },
  };
  const model = onnx.ModelProto.decode(buildAugGraph(config, 4).bytes);
  const used = new Set(model.graph!.node!.map((n) => n.opType!));
  assert.deepEqual(
    [...used].filter((t) => !webgpu.has(t)),
    [],
  );
  assert.ok(used.has('MatMul') && used.has('Floor'), 'sanity: the full pipeline was built');
});
