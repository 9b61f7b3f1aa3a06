// The whole-dataset design (the subsampling estimator of Feldman & Zhang 2020, on SSLMem's alignment loss):
// m encoders; a control set no encoder trains on; every other image in the training data of exactly m/2
// encoders. Each image carries an m-bit membership mask with m/2 bits set; control images get one drawn the
// same way (a pseudo-membership no encoder acts on), so their scores are computed exactly like everyone
// else's and form the null distribution.
//
// Balance of the encoders too: images are paired in a seeded order and the second of a pair gets the
// complement of the first one's mask, so every encoder trains on ⌊N/2⌋ or ⌈N/2⌉ images (N non-control images),
// not on a binomial number of them. m must be even: with odd m "exactly half" has no integer answer, and the
// alternatives (⌊m/2⌋ in, ⌈m/2⌉ out) make L_in and L_out means over different numbers of encoders.
// Pure and deterministic per (n, m, control, seed).
import { Rng } from '../../util/prng';
import { writeJsonAtomic } from '../../util/atomic';

export const MIN_ENCODERS = 2;
export const MAX_ENCODERS = 16;

export interface WholeDesign {
  n: number;
  m: number;
  seed: number;
  /** Dataset indices of the control set, ascending. */
  control: Int32Array;
  /** Per dataset index: bit j set = encoder j trains on it (controls: pseudo-membership, nobody trains on them). */
  masks: Uint16Array;
}

/** Why these (m, control) cannot make a design for n images, or null when they can. */
export function designProblem(n: number, m: number, control: number): string | null {
  if (!Number.isInteger(m) || m < MIN_ENCODERS || m > MAX_ENCODERS || m % 2 !== 0)
    return `encoders must be an even number from ${MIN_ENCODERS} to ${MAX_ENCODERS}, got ${m}`;
  if (!Number.isInteger(control) || control < 2)
    return `the control set needs at least 2 images (it is the null distribution), got ${control}`;
  if (n - control < 2) return `${n} images leave fewer than 2 to score after a control set of ${control}`;
  return null;
}

/** A uniformly drawn m-bit mask with exactly m/2 bits set (a partial Fisher–Yates over the encoder ids). */
function halfMask(rng: Rng, m: number): number {
  const ids = Array.from({ length: m }, (_, j) => j);
  let mask = 0;
  for (let k = 0; k < m / 2; k++) {
    const pick = k + rng.nextBelow(m - k);
    [ids[k], ids[pick]] = [ids[pick], ids[k]];
    mask |= 1 << ids[k];
  }
  return mask;
}

/** Complementary masks down a shuffled list: pairs (a, b) get (M, ~M); an odd last one a fresh M. */
function assignBalanced(rng: Rng, order: Int32Array, m: number, masks: Uint16Array): void {
  const all = (1 << m) - 1;
  for (let k = 0; k < order.length; k += 2) {
    const mask = halfMask(rng, m);
    masks[order[k]] = mask;
    if (k + 1 < order.length) masks[order[k + 1]] = all & ~mask;
  }
}

export function drawDesign(n: number, options: { m: number; control: number; seed: number }): WholeDesign {
  const { m, control: c, seed } = options;
  const problem = designProblem(n, m, c);
  if (problem) throw new Error(problem);
  const rng = new Rng(seed);
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const control = order.slice(0, c).sort();
  const masks = new Uint16Array(n);
  assignBalanced(rng, order.slice(c), m, masks);
  assignBalanced(rng, order.slice(0, c), m, masks);
  return { n, m, seed, control, masks };
}

/** Dataset indices encoder j trains on (ascending; never a control image). */
export function trainingIndicesOf(design: WholeDesign, j: number): Int32Array {
  const isControl = controlFlags(design);
  const out: number[] = [];
  for (let i = 0; i < design.n; i++) if (!isControl[i] && (design.masks[i] >> j) & 1) out.push(i);
  return Int32Array.from(out);
}

/** 1 for control images, 0 otherwise, per dataset index. */
export function controlFlags(design: Pick<WholeDesign, 'n' | 'control'>): Uint8Array {
  const flags = new Uint8Array(design.n);
  for (const i of design.control) flags[i] = 1;
  return flags;
}

/** design.json, written atomically; `paths` and the fingerprint let a reader check it belongs to the dataset. */
export async function saveDesign(
  file: string,
  d: WholeDesign,
  extra: { datasetFingerprint: string | null; paths: string[] },
): Promise<void> {
  await writeJsonAtomic(file, {
    format: 'sslmem-whole-design',
    version: 1,
    n: d.n,
    m: d.m,
    seed: d.seed,
    control: Array.from(d.control),
    masks: Array.from(d.masks),
    datasetFingerprint: extra.datasetFingerprint,
    paths: extra.paths,
  });
}

/** Reads design.json back, checking its shape and its balance (a damaged file must not pass for a design). */
export function parseDesign(json: unknown, n: number, where: string): WholeDesign {
  const d = json as { format?: unknown; n?: unknown; m?: unknown; seed?: unknown; control?: unknown; masks?: unknown };
  const bad = (why: string) => new Error(`${where}: ${why}; start a new run`);
  if (typeof d !== 'object' || d === null || d.format !== 'sslmem-whole-design') throw bad('not a whole-dataset design');
  if (d.n !== n) throw bad(`the design is for ${String(d.n)} images, the dataset has ${n}`);
  const m = d.m as number;
  if (!Array.isArray(d.control) || !Array.isArray(d.masks) || d.masks.length !== n || designProblem(n, m, d.control.length))
    throw bad('malformed design');
  const masks = Uint16Array.from(d.masks as number[]);
  for (const mask of masks) if (popcount(mask) !== m / 2 || mask >> m) throw bad('an image is not in exactly half of the encoders');
  return { n, m, seed: Number(d.seed), control: Int32Array.from(d.control as number[]).sort(), masks };
}

export function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
