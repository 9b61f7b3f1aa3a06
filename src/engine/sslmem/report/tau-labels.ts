// Printing thresholds τ so that neighbouring values never read the same. Scores may sit in a band of ±0.1
// (or span hundreds in raw units), so a fixed number of decimals either hides the steps between τ values
// or prints noise. No imports: the score panel's browser bundle uses this too, next to report.md.

/** x with `decimals` decimals; a negative zero prints as zero ("-0.000" says nothing a reader can use). */
export function fixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/**
 * The fewest decimals (at least `min`, at most `max`) at which every two consecutive values that differ
 * also print differently. Checked on the values themselves rather than derived from their spacing by a
 * formula: rounding near a half-way point can merge two values a formula says are apart.
 */
export function distinctDecimals(values: readonly number[], min = 2, max = 12): number {
  for (let d = min; d < max; d++) {
    let distinct = true;
    for (let i = 1; i < values.length && distinct; i++) {
      if (values[i] !== values[i - 1] && fixed(values[i], d) === fixed(values[i - 1], d)) distinct = false;
    }
    if (distinct) return d;
  }
  return max;
}
