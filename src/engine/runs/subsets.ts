// The vocabulary a run's files share with the method (split.json, scores.csv, scores.bin, report.json): the four
// subsets of the SSLMem protocol and the score normalisations. It lives here, below sslmem/, so the run store
// can read and write those files without importing the method (sslmem/split.ts draws the split).
export const SUBSETS = ['S_S', 'S_C', 'S_I', 'S_E'] as const;
export type SubsetName = (typeof SUBSETS)[number];

/** Sample indices (ascending) per subset. */
export type Split = Record<SubsetName, Int32Array>;

/** How L_g − L_f is scaled into a score (method spec §3). */
export type Normalisation = 'symmetric' | 'range' | 'raw';

/** Subset of each sample (null for samples in no subset). */
export function subsetOfEach(split: Split, n: number): (SubsetName | null)[] {
  const out: (SubsetName | null)[] = new Array(n).fill(null);
  for (const name of SUBSETS) for (const i of split[name]) out[i] = name;
  return out;
}

/** All scored samples (the union of the four subsets), ascending. */
export function scoredIndices(split: Split): Int32Array {
  return Int32Array.from(SUBSETS.flatMap((s) => Array.from(split[s]))).sort();
}
