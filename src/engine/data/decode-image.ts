// Decodes one encoded image (by its content, never by its file extension) into the configured shape,
// as planar CHW uint8. sharp does PNG/JPEG/WebP/GIF; BMP goes through our own decoder first.
import sharp from 'sharp';
import { decodeBmp } from './bmp';
import { decodePngFast } from './png-fast';
import { MAX_IMAGE_PIXELS } from './limits';
import type { DecodeConfig } from './types';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

/** Recognise the container from its magic bytes; null when it is none of the supported formats. */
export function sniffImageFormat(buf: Uint8Array): ImageFormat | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => buf[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && buf.length >= 12 && buf[8] === 0x57 && buf[9] === 0x45 && buf[10] === 0x42 && buf[11] === 0x50)
    return 'webp';
  if (starts(0x42, 0x4d)) return 'bmp';
  return null;
}

/** Decode `encoded` to `config`; throws an Error whose message is the reason to report. */
export async function decodeImage(encoded: Uint8Array, config: Required<DecodeConfig>): Promise<Uint8Array> {
  if (encoded.length === 0) throw new Error('empty file (0 bytes)');
  const format = sniffImageFormat(encoded);
  if (!format) throw new Error('not an image: content is not PNG, JPEG, WebP, GIF or BMP');
  let raw: { data: Uint8Array; width: number; height: number; channels: number };
  const fastPng = format === 'png' ? decodePngFast(encoded) : null;
  if (format === 'bmp') raw = decodeBmp(encoded);
  else if (fastPng) raw = fastPng;
  else {
    // failOn 'warning' turns truncated or damaged data (which libvips would otherwise decode partially,
    // filling the rest with grey) into an error, so a damaged file is skipped rather than trained on.
    // rotate() applies the EXIF orientation, as an image viewer shows the picture. 16-bit input -> 8-bit.
    // limitInputPixels: libvips checks the header's declared size before decoding (limits.ts).
    const { data, info } = await sharp(encoded, { failOn: 'warning', pages: 1, limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    raw = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: info.channels,
    };
  }
  // Most datasets are already at the configured size: then alpha and grey->RGB are done here, which halves
  // the decode time. Resizing and RGB->grey (libvips' colourimetric conversion) go through sharp.
  const fast = fastPath(raw, config);
  if (fast) return fast;
  return shapePixels(sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels as 1 | 2 | 3 | 4 } }), config);
}

function fastPath(
  raw: { data: Uint8Array; width: number; height: number; channels: number },
  config: Required<DecodeConfig>,
): Uint8Array | null {
  const { data, width, height, channels } = raw;
  if (width !== config.width || height !== config.height) return null;
  const colour = channels >= 3 ? 3 : 1;
  if (colour === 3 && config.channels === 1) return null;
  const hasAlpha = channels === 2 || channels === 4;
  const plane = width * height;
  const out = new Uint8Array(config.channels * plane);
  for (let p = 0; p < plane; p++) {
    // Flatten over black = multiply by alpha (rounded as libvips does).
    const alpha = hasAlpha && config.alpha === 'flatten' ? data[p * channels + channels - 1] : 255;
    for (let c = 0; c < config.channels; c++) {
      const v = data[p * channels + (colour === 3 ? c : 0)];
      out[c * plane + p] = alpha === 255 ? v : Math.round((v * alpha) / 255);
    }
  }
  return out;
}

/** Bring already-decoded interleaved pixels (e.g. from IDX/CIFAR) to the configured shape. */
export async function reshapeRaw(
  hwc: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  config: Required<DecodeConfig>,
): Promise<Uint8Array> {
  if (width === config.width && height === config.height && channels === config.channels) return interleavedToPlanar(hwc, channels);
  if (width === config.width && height === config.height && channels === 1 && config.channels === 3) {
    // Grey to RGB at the right size needs no resampling: replicate the plane (exact, and much faster).
    const out = new Uint8Array(3 * width * height);
    for (let c = 0; c < 3; c++) out.set(hwc.subarray(0, width * height), c * width * height);
    return out;
  }
  return shapePixels(sharp(hwc, { raw: { width, height, channels } }), config);
}

async function shapePixels(pipeline: sharp.Sharp, config: Required<DecodeConfig>): Promise<Uint8Array> {
  pipeline = config.alpha === 'flatten' ? pipeline.flatten({ background: { r: 0, g: 0, b: 0 } }) : pipeline.removeAlpha();
  pipeline = pipeline.resize(config.width, config.height, { fit: config.resize, position: 'centre' });
  pipeline = config.channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  let pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let channels = info.channels;
  if (info.width !== config.width || info.height !== config.height) {
    throw new Error(`internal: resize produced ${info.width}×${info.height}`);
  }
  if (channels !== config.channels) {
    pixels = selectChannels(pixels, channels, config.channels);
    channels = config.channels;
  }
  return interleavedToPlanar(pixels, channels);
}

/** Reduce/expand interleaved channels when sharp keeps an extra one (e.g. grey+alpha). */
function selectChannels(pixels: Uint8Array, from: number, to: 1 | 3): Uint8Array {
  const count = pixels.length / from;
  const out = new Uint8Array(count * to);
  for (let p = 0; p < count; p++) {
    for (let c = 0; c < to; c++) out[p * to + c] = pixels[p * from + Math.min(c, from >= 3 ? c : 0)];
  }
  return out;
}

export function interleavedToPlanar(hwc: Uint8Array, channels: number): Uint8Array {
  if (channels === 1) return Uint8Array.from(hwc);
  const plane = hwc.length / channels;
  const out = new Uint8Array(hwc.length);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = hwc[p * channels + c];
  return out;
}
