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

/** The kind of run whose files these are: the paper's four-subset protocol or a whole-dataset run (sslmem/whole/). */
export type RunMode = 'paper' | 'whole';

/**
 * A whole-dataset run labels its rows with two of the protocol's names, chosen for what they mean in the
 * protocol: S_C "the points whose memorization is measured" = every non-control image, S_E "in no encoder's
 * training data" = the control set. So readers that rank S_C and take the noise level from S_E (the score
 * panel, the Explorer badges, the top-samples tree) keep working; captions say "scored" / "control".
 */
export const WHOLE_SUBSETS = { scored: 'S_C', control: 'S_E' } as const satisfies Record<string, SubsetName>;

/** The rows a run ranks (its "most memorized" population): S_C in both modes. */
export const RANKED_SUBSET: SubsetName = 'S_C';

/** The rows that are controls of the score: S_S and S_E in the paper protocol, the control set in whole mode. */
export function controlSubsets(mode: RunMode): SubsetName[] {
  return mode === 'whole' ? [WHOLE_SUBSETS.control] : ['S_S', 'S_E'];
}

/** What a subset is called in captions. */
export function subsetCaption(subset: SubsetName, mode: RunMode): string {
  if (mode === 'whole') return subset === WHOLE_SUBSETS.control ? 'control' : subset === WHOLE_SUBSETS.scored ? 'scored' : subset;
  return subset;
}

/** The two-subset split a whole-dataset run's score table is built on (every image is a row). */
export function wholeSplit(n: number, control: ArrayLike<number>): Split {
  const isControl = new Uint8Array(n);
  for (let k = 0; k < control.length; k++) isControl[control[k]] = 1;
  const scored: number[] = [],
    ctrl: number[] = [];
  for (let i = 0; i < n; i++) (isControl[i] ? ctrl : scored).push(i);
  return { S_S: new Int32Array(0), S_C: Int32Array.from(scored), S_I: new Int32Array(0), S_E: Int32Array.from(ctrl) };
}
