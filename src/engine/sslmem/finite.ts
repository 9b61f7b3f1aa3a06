// A scoring stage whose encoder produced NaN/Inf (a broken imported model, a diverged training) must fail,
// naming the encoder and the first bad sample, rather than let the report turn NaN into "score 0, p = 1".

/** Throws unless every loss is finite. `rows[j]` is the dataset index of `losses[j]`. */
export function assertFiniteLosses(who: string, losses: ArrayLike<number>, rows: ArrayLike<number>, paths: readonly string[]): void {
  let bad = 0,
    first = -1;
  for (let j = 0; j < losses.length; j++)
    if (!Number.isFinite(losses[j])) {
      bad++;
      if (first < 0) first = j;
    }
  if (bad === 0) return;
  const index = rows[first];
  throw new Error(
    `encoder ${who} gave a non-finite alignment loss (${losses[first]}) for ${bad} of ${losses.length} samples, first ${paths[index] ?? `#${index}`} (dataset index ${index}); its representations are not usable`,
  );
}
