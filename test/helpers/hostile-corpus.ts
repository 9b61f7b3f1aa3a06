// Generators for hostile and broken dataset files (issue #11): every fixture is made here, in a temp folder,
// rather than committed as a binary. Each function documents what is wrong with the file it writes.
import { deflateSync, gzipSync, crc32 as zlibCrc32 } from 'node:zlib';
import * as zlib from 'node:zlib';

const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32 ?? zlibCrc32;

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

/**
 * A valid 8-bit greyscale PNG of `side`×`side` black pixels: its IDAT deflates side·(side+1) zero bytes, so it
 * is ~1000× smaller on disk than in memory (a decompression bomb for side in the thousands).
 */
export function pngBomb(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8;
  ihdr[9] = 0; // depth 8, greyscale
  const idat = deflateSync(Buffer.alloc(side * (side + 1)), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose IHDR declares `side`×`side` with a tiny (wrong) IDAT: the declared size alone must refuse it. */
export function pngDeclaring(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An IDX images file (uint8, N×H×W) of zeros, gzipped when `gzip`: with a large N it inflates ~1000×. */
export function idxImages(n: number, height: number, width: number, gzip = true): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x00000803, 0);
  head.writeUInt32BE(n, 4);
  head.writeUInt32BE(height, 8);
  head.writeUInt32BE(width, 12);
  const raw = Buffer.concat([head, Buffer.alloc(n * height * width)]);
  return gzip ? gzipSync(raw, { level: 9 }) : raw;
}

/** A BMP header declaring `width`×`height` at 24 bits with no pixel data behind it. */
export function bmpDeclaring(width: number, height: number): Buffer {
  const b = Buffer.alloc(54);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  return b;
}

/** Names the listing cannot use as files, made in `dir`: a name with invalid UTF-8, a symlink loop, a dangling link. */
export function unreadableNames(dir: string): { invalidUtf8: string; loop: string[]; dangling: string } {
  const fs = require('node:fs') as typeof import('node:fs');
  fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.png')]), 'x');
  fs.symlinkSync('loop-b.png', `${dir}/loop-a.png`);
  fs.symlinkSync('loop-a.png', `${dir}/loop-b.png`);
  fs.symlinkSync('nowhere.png', `${dir}/dangling.png`);
  return { invalidUtf8: 'bad-\uFFFD\uFFFD.png', loop: ['loop-a.png', 'loop-b.png'], dangling: 'dangling.png' };
}
