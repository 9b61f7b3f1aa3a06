// The four disjoint subsets of the SSLMem protocol (method spec §2):
//   S_S shared (f and g train on it), S_C candidates (f only), S_I independent (g only), S_E extra (neither).
// Drawing (seeded, reproducible): S_E is drawn first, from `extraPool` when given (e.g. the indices of a
// held-out/test part) or else from all samples; S_S / S_C / S_I are then drawn from what remains.
// Sizes: a value in (0, 1) is a fraction, an integer >= 1 a count, 0 an empty subset. The extra fraction is
// of all samples (or of the pool); the other three fractions are of what remains after S_E. When the three
// fractions sum to 1, rounding leftovers go to S_S so every remaining point is used.
// Default: S_E = 10% of all samples; then 80/10/10 of the rest.
import { Rng } from '../util/prng';
import { writeJsonAtomic } from '../util/atomic';
import { SUBSETS, type Split, type SubsetName } from '../runs/subsets';

export interface SplitSizes {
  shared: number;
  candidates: number;
  independent: number;
  extra: number;
}
export const DEFAULT_SPLIT_SIZES: SplitSizes = { shared: 0.8, candidates: 0.1, independent: 0.1, extra: 0.1 };

export interface SplitOptions {
  seed: number;
  sizes?: Partial<SplitSizes>;
  /** Indices S_E may come from (e.g. a test part appended to the dataset); default: all. */
  extraPool?: ArrayLike<number>;
}

function countOf(size: number, base: number, what: string): number {
  if (!(size >= 0) || (size >= 1 && !Number.isInteger(size)))
    throw new Error(`split size ${what} must be 0, a fraction in (0,1) or a whole count, got ${size}`);
  return size < 1 ? Math.floor(size * base) : size;
}

export function drawSplit(n: number, options: SplitOptions): Split {
  const sizes = { ...DEFAULT_SPLIT_SIZES, ...options.sizes };
  const rng = new Rng(options.seed);
  const inPool = new Uint8Array(n);
  if (options.extraPool)
    for (const i of Array.from(options.extraPool)) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`extraPool index ${i} out of range 0..${n - 1}`);
      inPool[i] = 1;
    }
  else inPool.fill(1);
  const pool = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i).filter((i) => inPool[i] === 1));
  const extraCount = countOf(sizes.extra, pool.length, 'extra');
  if (extraCount > pool.length) throw new Error(`extra set of ${extraCount} exceeds the ${pool.length} samples it is drawn from`);
  const extra = pool.subarray(0, extraCount);
  const taken = new Uint8Array(n);
  for (const i of extra) taken[i] = 1;
  const rest = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i).filter((i) => taken[i] === 0));
  const candidates = countOf(sizes.candidates, rest.length, 'candidates');
  const independent = countOf(sizes.independent, rest.length, 'independent');
  const fractionsFillRest =
    [sizes.shared, sizes.candidates, sizes.independent].every((s) => s < 1) &&
    Math.abs(sizes.shared + sizes.candidates + sizes.independent - 1) < 1e-9;
  const shared = fractionsFillRest ? rest.length - candidates - independent : countOf(sizes.shared, rest.length, 'shared');
  if (shared + candidates + independent > rest.length) {
    throw new Error(`split needs ${shared}+${candidates}+${independent} samples but only ${rest.length} remain after S_E`);
  }
  const sorted = (a: Int32Array) => Int32Array.from(a).sort();
  return {
    S_S: sorted(rest.subarray(0, shared)),
    S_C: sorted(rest.subarray(shared, shared + candidates)),
    S_I: sorted(rest.subarray(shared + candidates, shared + candidates + independent)),
    S_E: sorted(extra),
  };
}

/** Training indices of encoder f (S_S ∪ S_C) or g (S_S ∪ S_I), ascending. */
export function trainingIndices(split: Split, encoder: 'f' | 'g'): Int32Array {
  const other = encoder === 'f' ? split.S_C : split.S_I;
  const out = new Int32Array(split.S_S.length + other.length);
  out.set(split.S_S);
  out.set(other, split.S_S.length);
  return out.sort();
}

export interface SplitFile {
  format: 'sslmem-split';
  version: 1;
  seed: number | null;
  datasetFingerprint: string | null;
  n: number;
  subsets: Record<SubsetName, number[]>;
  /** The same subsets as sample paths, so the split stays readable and re-usable on a re-ordered dataset. */
  paths?: Record<SubsetName, string[]>;
}

export async function saveSplit(
  file: string,
  split: Split,
  info: { seed: number | null; datasetFingerprint: string | null; paths: string[] },
): Promise<void> {
  const subsets = {} as Record<SubsetName, number[]>;
  const paths = {} as Record<SubsetName, string[]>;
  for (const s of SUBSETS) {
    subsets[s] = Array.from(split[s]);
    paths[s] = subsets[s].map((i) => info.paths[i]);
  }
  const body: SplitFile = {
    format: 'sslmem-split',
    version: 1,
    seed: info.seed,
    datasetFingerprint: info.datasetFingerprint,
    n: info.paths.length,
    subsets,
    paths,
  };
  await writeJsonAtomic(file, body);
}
