// Seeded initial values for parameters and buffers from their Init specs. Each tensor gets its own PRNG
// stream keyed by (seed, tensor name), so adding a parameter does not change the others' initial values
// and the result does not depend on the order in which a model lists its parameters.
import { Rng } from '../util/prng';
import { Init } from '../models/types';

export type NamedArrays = Map<string, Float32Array>;

/** FNV-1a of a string, mixed with the seed: a stable 32-bit stream key for one tensor. */
export function streamKey(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function initTensor(init: Init, shape: readonly number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = (2 * rng.nextFloat() - 1) * init.bound;
      break;
    case 'normal':
      // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
      for (let i = 0; i < n; i++) {
        const u = 1 - rng.nextFloat();
        const v = rng.nextFloat();
        out[i] = init.std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      }
      break;
  }
  return out;
}

/** Initial values for a list of specs (parameters or buffers), keyed by spec name. */
export function initSpecs(specs: readonly { name: string; shape: number[]; init: Init }[], seed: number): NamedArrays {
  const out: NamedArrays = new Map();
  for (const s of specs) out.set(s.name, initTensor(s.init, s.shape, new Rng(streamKey(seed, s.name))));
  return out;
}

/** Initial parameters and buffers of a problem (PyTorch-like inits from its specs), seeded. */
export function initParams(
  problem: {
    params: readonly { name: string; shape: number[]; init: Init }[];
    buffers: readonly { name: string; shape: number[]; init: Init }[];
  },
  seed: number,
): { params: NamedArrays; buffers: NamedArrays } {
  return { params: initSpecs(problem.params, seed), buffers: initSpecs(problem.buffers, seed) };
}
