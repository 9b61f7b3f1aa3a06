// Fast path for the commonest dataset PNGs: 8-bit grey / grey+alpha / RGB / RGBA, not interlaced, no colour
// profile, no transparency chunk, no EXIF. Decoding these in JS (inflate + unfilter) is several times
// cheaper than a libvips pipeline for small images (28×28, 32×32), where sharp's per-call cost dominates.
// Anything else returns null and goes through sharp. Chunk CRCs and the zlib checksum are verified, so a
// damaged file is never decoded silently; on any doubt the caller falls back to sharp.
import { inflateSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import type { RawImage } from './bmp';
import { checkImageSize } from './limits';

const CHANNELS: Record<number, number> = { 0: 1, 4: 2, 2: 3, 6: 4 };
/** Chunks that change how pixels must be interpreted: leave those files to libvips. */
const NEEDS_LIBVIPS = new Set(['tRNS', 'iCCP', 'eXIf', 'sBIT', 'PLTE']);
const crc32: ((data: Uint8Array) => number) | undefined = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export function decodePngFast(buf: Uint8Array): (Omit<RawImage, 'channels'> & { channels: number }) | null {
  if (!crc32) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 8;
  let width = 0,
    height = 0,
    channels = 0;
  const idat: Uint8Array[] = [];
  let sawEnd = false;
  while (pos + 12 <= buf.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]);
    if (pos + 12 + length > buf.length) return null; // truncated: let libvips report it
    const body = buf.subarray(pos + 8, pos + 8 + length);
    if (crc32(buf.subarray(pos + 4, pos + 8 + length)) >>> 0 !== view.getUint32(pos + 8 + length)) return null;
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      channels = CHANNELS[colour] ?? 0;
      // Declared size first: nothing is inflated for an image beyond the limits (a bomb is small on disk).
      checkImageSize(width, height, 'PNG');
      if (depth !== 8 || !channels || interlace !== 0 || width === 0 || height === 0) return null;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') {
      sawEnd = true;
      break;
    } else if (NEEDS_LIBVIPS.has(type)) return null;
    pos += 12 + length;
  }
  if (!sawEnd || !channels || idat.length === 0) return null;
  let raw: Buffer;
  const stride = width * channels;
  // Never inflate more than the declared image needs: extra data is a damaged (or hostile) file.
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: height * (stride + 1) + 1 });
  } catch {
    return null;
  }
  if (raw.length !== height * (stride + 1)) return null;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1,
      row = y * stride,
      prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[row + x - channels] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= channels && y > 0 ? out[prev + x - channels] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c,
            pa = Math.abs(p - a),
            pb = Math.abs(p - b),
            pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          return null;
      }
      out[row + x] = (raw[src + x] + predictor) & 0xff;
    }
  }
  return { data: out, width, height, channels };
}
