// An encoder given as an ONNX file (e.g. exported from PyTorch, or a run's own encode.onnx): images
// [B,C,H,W] float32 -> representation [B,D] (trailing dims are flattened). The image input's name and shape
// are read from the model; a dynamic batch dimension is allowed, C/H/W must be fixed since they decide how
// the dataset is decoded. Any other input is fed from a checkpoint.bin lying next to the model (the engine's
// encode.onnx takes its weights as `param/…` and `buffer/…` inputs); a model that needs inputs nobody can
// feed is refused with their names rather than failing inside onnxruntime.
import { promises as fs, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readCheckpoint } from '../../artifacts/checkpoint';
import { openSession } from '../../runtime/session';
import type { ProviderSetting } from '../../runtime/providers';

export interface ImportedEncoderInfo {
  file: string;
  sha256: string;
  input: string;
  output: string;
  /** Fixed batch size of the image input, or null when it is dynamic. */
  batch: number | null;
  channels: 1 | 3;
  height: number;
  width: number;
  /** Inputs fed from the checkpoint next to the model (empty for a plain exported encoder). */
  fedFromCheckpoint: string[];
}

export interface ImportedEncoder extends ImportedEncoderInfo {
  provider: string;
  /** Encodes `count` images ([count,C,H,W]); returns [count, D] and D. */
  encode(images: Float32Array, count: number): Promise<{ repr: Float32Array; dim: number }>;
  release(): Promise<void>;
}

/** Largest image side an imported encoder may declare. */
export const MAX_ENCODER_SIDE = 1024;
/** Largest fixed batch (values of one input tensor, float32: 1 GB) an imported encoder may declare. */
const MAX_ENCODER_BATCH_VALUES = 256e6;
const fail = (file: string, message: string): never => {
  throw new Error(`${file}: ${message}`);
};
const isFixed = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;

export async function openImportedEncoder(
  file: string,
  runtime: { provider?: ProviderSetting; threads?: number; log?: (m: string) => void },
): Promise<ImportedEncoder> {
  const bytes = await fs.readFile(file).catch((e: Error) => fail(file, `cannot read the encoder: ${e.message}`));
  let opened;
  try {
    // Opened from its path, not its bytes: an encoder saved with external data (weights beside the .onnx, as
    // torch.onnx.export writes models over 2 GB) then loads like any other.
    opened = await openSession(file, [], { provider: runtime.provider, threads: runtime.threads, log: runtime.log });
  } catch (e) {
    return fail(file, `not a model onnxruntime can load: ${(e as Error).message.split('\n')[0]}`);
  }
  const { session } = opened;
  try {
    const info = await inspect(file, session);
    const { feeds, checkpointBytes } = await checkpointFeeds(file, session, info.input);
    const fedFromCheckpoint = Object.keys(feeds);
    // Identity of what computes the representation: the model, and the checkpoint when it supplies weights
    // (a run's f/encode.onnx and g/encode.onnx are the same bytes; only their checkpoints differ).
    const hash = createHash('sha256').update(bytes);
    if (checkpointBytes) hash.update(checkpointBytes);
    const sha256 = hash.digest('hex');
    const { channels, height, width, batch, input, output } = info;
    const size = channels * height * width;
    const runOnce = async (images: Float32Array, n: number) => {
      const out = await session.run({ ...feeds, [input]: new ort.Tensor('float32', images, [n, channels, height, width]) });
      const t = out[output];
      if (t.type !== 'float32') fail(file, `output '${output}' is ${t.type}, expected float32`);
      if (t.dims.length < 2 || t.dims[0] !== n)
        fail(file, `output '${output}' has shape [${t.dims}] for a batch of ${n}; expected [${n}, D]`);
      return { repr: t.data as Float32Array, dim: t.data.length / n };
    };
    return {
      file,
      sha256,
      ...info,
      fedFromCheckpoint,
      provider: opened.provider,
      async encode(images, count) {
        if (images.length !== count * size)
          throw new Error(`encode: ${images.length} values for ${count} images of ${channels}×${height}×${width}`);
        if (batch === null) return runOnce(images, count);
        // A fixed batch: run in chunks of exactly `batch`, zero-padding the last one (padded rows are dropped).
        let out: Float32Array | null = null;
        let dim = 0;
        const chunk = new Float32Array(batch * size);
        for (let start = 0; start < count; start += batch) {
          const real = Math.min(batch, count - start);
          chunk.fill(0);
          chunk.set(images.subarray(start * size, (start + real) * size));
          const r = await runOnce(chunk, batch);
          dim = r.dim;
          out ??= new Float32Array(count * dim);
          out.set(r.repr.subarray(0, real * dim), start * dim);
        }
        return { repr: out ?? new Float32Array(0), dim };
      },
      release: () => session.release(),
    };
  } catch (e) {
    await session.release();
    throw e;
  }
}

async function inspect(file: string, session: ort.InferenceSession) {
  const meta = session.inputMetadata;
  const fourD = meta.filter((m) => m.isTensor && m.shape.length === 4);
  const image = meta.length === 1 ? meta[0] : (meta.find((m) => m.name === 'images') ?? (fourD.length === 1 ? fourD[0] : undefined));
  if (!image)
    return fail(file, `cannot tell which input takes the images (inputs: ${meta.map((m) => m.name).join(', ')}); name it 'images'`);
  if (!image.isTensor || image.type !== 'float32') return fail(file, `input '${image.name}' must be a float32 tensor`);
  const [b, c, h, w] = image.shape;
  if (image.shape.length !== 4) return fail(file, `input '${image.name}' has shape [${image.shape}]; expected [B, C, H, W]`);
  if (c !== 1 && c !== 3) return fail(file, `input '${image.name}' has ${c} channels; 1 or 3 are supported`);
  if (!isFixed(h) || !isFixed(w))
    return fail(file, `input '${image.name}' has a dynamic height/width [${image.shape}]; export it with a fixed image size`);
  // Declared sizes are checked before any tensor is made: a 12000² input would cost minutes and gigabytes per
  // batch (and ~0.5 GB for the probe image alone). The scoring pipeline works at 28–224 px.
  if (h > MAX_ENCODER_SIDE || w > MAX_ENCODER_SIDE) {
    return fail(
      file,
      `input '${image.name}' declares ${h}×${w} images (limit ${MAX_ENCODER_SIDE}×${MAX_ENCODER_SIDE}); export the encoder at the dataset's image size (28–224 px)`,
    );
  }
  if (isFixed(b) && b * c * h * w > MAX_ENCODER_BATCH_VALUES)
    return fail(
      file,
      `input '${image.name}' declares a fixed batch of ${b} images of ${c}×${h}×${w} (over ${MAX_ENCODER_BATCH_VALUES / 1e6} M values per batch); export it with a smaller or dynamic batch`,
    );
  const names = session.outputNames;
  const output = names.includes('repr') ? 'repr' : names[0];
  if (!output) return fail(file, 'the model has no outputs');
  return { input: image.name, output, batch: isFixed(b) ? b : null, channels: c as 1 | 3, height: h, width: w };
}

/** Feeds for every input but the images, from `checkpoint.bin` next to the model (checked for shapes). */
async function checkpointFeeds(
  file: string,
  session: ort.InferenceSession,
  imageInput: string,
): Promise<{ feeds: Record<string, ort.Tensor>; checkpointBytes: Buffer | null }> {
  const others = session.inputMetadata.filter((m) => m.name !== imageInput);
  if (!others.length) return { feeds: {}, checkpointBytes: null };
  const ckFile = join(dirname(file), 'checkpoint.bin');
  const names = others.map((m) => m.name);
  if (!existsSync(ckFile))
    return fail(
      file,
      `inputs ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''} besides the images need values: put the checkpoint.bin they come from next to the model, or export the encoder with its weights inside`,
    );
  const checkpointBytes = await fs.readFile(ckFile);
  const ck = await readCheckpoint(ckFile);
  const feeds: Record<string, ort.Tensor> = {};
  for (const m of others) {
    const t = ck.tensors.get(m.name);
    if (!t) return fail(file, `input '${m.name}' is not in ${ckFile}`);
    if (m.isTensor && m.shape.some((d, i) => isFixed(d) && d !== t.shape[i]))
      return fail(file, `input '${m.name}' wants shape [${m.shape}], ${ckFile} has [${t.shape}]`);
    feeds[m.name] = new ort.Tensor('float32', t.data, t.shape);
  }
  return { feeds, checkpointBytes };
}
