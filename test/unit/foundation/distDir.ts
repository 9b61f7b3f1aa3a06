// Unit-test bundles live under dist/test/unit/…; the real backend bundle is dist/backend.js. Walk up to it
// rather than hard-coding the nesting depth.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function distDir(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (path.basename(dir) === 'dist' && fs.existsSync(path.join(dir, 'backend.js'))) return dir;
  }
  throw new Error(`no dist/backend.js above ${__dirname}: run node scripts/build.mjs --tests`);
}
