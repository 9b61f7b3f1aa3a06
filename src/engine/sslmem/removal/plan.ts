// Which points the retrain-after-removal experiment removes (method spec §3). The pool is f's training data
// (S_S ∪ S_C): the memorized removal takes the k points of the pool with the highest score of the run
// (ties broken by dataset index, so the choice is deterministic); the control takes k points of the same
// pool uniformly at random, one draw per seed. Pure functions: tested directly.
import { Rng } from '../../util/prng';
import type { RemovalKind } from './types';

/** A k as given: an integer ≥ 1 is a count, a value in (0, 1) a fraction of the pool (rounded). */
export function resolveK(k: number, poolSize: number): number {
  if (!(k > 0) || (k >= 1 && !Number.isInteger(k))) throw new Error(`k must be a whole count ≥ 1 or a fraction in (0, 1), got ${k}`);
  const count = k < 1 ? Math.round(k * poolSize) : k;
  if (count < 1) throw new Error(`k = ${k} of a pool of ${poolSize} removes no point`);
  if (count >= poolSize) throw new Error(`k = ${k} would remove all ${poolSize} training points of f`);
  return count;
}

/**
 * The k pool members with the highest score. `scoreOf(i)` is the run's score of dataset index i (NaN
 * scores are never chosen). Returned ascending by dataset index.
 */
export function memorizedRemoval(pool: ArrayLike<number>, scoreOf: (index: number) => number, k: number): Int32Array {
  const ranked = Array.from(pool)
    .filter((i) => !Number.isNaN(scoreOf(i)))
    .sort((a, b) => scoreOf(b) - scoreOf(a) || a - b);
  if (ranked.length < k) throw new Error(`only ${ranked.length} scored points in the pool, cannot remove ${k}`);
  return Int32Array.from(ranked.slice(0, k)).sort();
}

/**
 * k pool members drawn uniformly without replacement. The stream is keyed by (seed, k) so the draws for
 * different k are independent, and the same (seed, k) always gives the same set. Ascending.
 */
export function randomRemoval(pool: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (k > pool.length) throw new Error(`cannot draw ${k} of ${pool.length} points`);
  const rng = new Rng(((seed + 1) * 1_000_003 + k * 7919) >>> 0);
  return rng.shuffle(Int32Array.from(pool)).subarray(0, k).slice().sort();
}

/** The pool without the removed points, ascending. */
export function keptIndices(pool: ArrayLike<number>, removed: ArrayLike<number>): Int32Array {
  const gone = new Set(Array.from(removed));
  return Int32Array.from(Array.from(pool).filter((i) => !gone.has(i))).sort();
}

export interface RetrainSpec {
  kind: RemovalKind;
  k: number;
  seed: number;
}

/** Folder name of one retrained encoder under `<run>/retrain/`. */
export function retrainDirName(s: RetrainSpec): string {
  return `${s.kind}-k${s.k}-s${s.seed}`;
}

/**
 * Every retraining the experiment needs, in the order they run: for each k, the memorized removal (once:
 * it is deterministic) then the random removals for seeds 0..seeds-1. With `baseline`, a full-data
 * retraining first (needed when the retraining recipe differs from the run's, e.g. fewer epochs, so that
 * the original f is no fair reference).
 */
export function planRetrains(ks: number[], seeds: number, baseline: boolean): RetrainSpec[] {
  const specs: RetrainSpec[] = baseline ? [{ kind: 'none', k: 0, seed: 0 }] : [];
  for (const k of ks) {
    specs.push({ kind: 'memorized', k, seed: 0 });
    for (let s = 0; s < seeds; s++) specs.push({ kind: 'random', k, seed: s });
  }
  return specs;
}
