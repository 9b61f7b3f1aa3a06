// Minimal BMP decoder: the prebuilt sharp/libvips has no BMP loader (it goes through ImageMagick, which
// is not bundled). Supports the common uncompressed forms: 1/4/8-bit palette, 24-bit BGR, 32-bit BGRX/BGRA
// (BI_RGB or BI_BITFIELDS with the standard masks). Anything else throws with a reason the reader reports.

import { checkImageSize } from './limits';

export interface RawImage {
  data: Uint8Array; // interleaved HWC
  width: number;
  height: number;
  channels: 3 | 4;
}

export function decodeBmp(buf: Uint8Array): RawImage {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 26 || buf[0] !== 0x42 || buf[1] !== 0x4d) throw new Error('not a BMP file');
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new Error(`unsupported BMP header (size ${headerSize}, OS/2 BMP)`);
  if (buf.length < 14 + headerSize) throw new Error('truncated BMP header');
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const bottomUp = rawHeight > 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new Error(`bad BMP size ${width}×${rawHeight}`);
  checkImageSize(width, height, 'BMP');
  const BI_RGB = 0,
    BI_BITFIELDS = 3;
  if (compression !== BI_RGB && !(compression === BI_BITFIELDS && bitsPerPixel === 32)) {
    throw new Error(`unsupported BMP compression ${compression} at ${bitsPerPixel} bits`);
  }
  if (![1, 4, 8, 24, 32].includes(bitsPerPixel)) throw new Error(`unsupported BMP depth ${bitsPerPixel} bits`);
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (dataOffset + stride * height > buf.length) throw new Error('truncated BMP pixel data');

  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    const colours = view.getUint32(46, true) || 1 << bitsPerPixel;
    const paletteStart = 14 + headerSize;
    if (paletteStart + colours * 4 > dataOffset) throw new Error('truncated BMP palette');
    palette = buf.subarray(paletteStart, paletteStart + colours * 4);
  }
  // 32-bit BI_RGB has no alpha by spec; BITFIELDS with an alpha mask (V4/V5 headers) does.
  const hasAlpha = bitsPerPixel === 32 && compression === BI_BITFIELDS && headerSize >= 56 && view.getUint32(54 + 12, true) !== 0;
  const channels: 3 | 4 = hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (bottomUp ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const bitPos = x * bitsPerPixel;
        const byte = buf[row + (bitPos >> 3)];
        const index = (byte >> (8 - bitsPerPixel - (bitPos & 7))) & ((1 << bitsPerPixel) - 1);
        if (index * 4 + 2 >= palette.length) throw new Error(`BMP palette index ${index} out of range`);
        out[o] = palette[index * 4 + 2];
        out[o + 1] = palette[index * 4 + 1];
        out[o + 2] = palette[index * 4];
      } else {
        const p = row + x * (bitsPerPixel / 8);
        out[o] = buf[p + 2];
        out[o + 1] = buf[p + 1];
        out[o + 2] = buf[p];
        if (hasAlpha) out[o + 3] = buf[p + 3];
      }
    }
  }
  return { data: out, width, height, channels };
}
