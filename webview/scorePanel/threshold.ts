// The threshold slider's number: what fraction of S_C scores above τ. Pure, so unit tests cover it.

/** Fraction of the (ascending) scores strictly above tau: binary search, so the slider stays live at 50k. */
export function fractionAbove(sorted: readonly number[], tau: number): number {
  if (sorted.length === 0) return NaN;
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= tau) lo = mid + 1; else hi = mid; }
  return (sorted.length - lo) / sorted.length;
}
