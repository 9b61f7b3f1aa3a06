// Which encoder trained on which subset (method spec §2), and the detail pane's loss labels that follow from
// it. Pure, so unit tests cover it: "L_f (trained on it)" is only true for S_S and S_C.
import type { SubsetName } from '../../src/protocol/scorePanel';

/** Whether f and g had the sample in their training data. */
export const TRAINED_ON: Record<SubsetName, { f: boolean; g: boolean }> = {
  S_S: { f: true, g: true },
  S_C: { f: true, g: false },
  S_I: { f: false, g: true },
  S_E: { f: false, g: false },
};

/** The labels of the L_f and L_g rows for a sample of `subset`. */
export function lossLabels(subset: SubsetName): { lf: string; lg: string } {
  const seen = TRAINED_ON[subset];
  const what = (trained: boolean) => (trained ? 'trained on it' : 'never saw it');
  return { lf: `L_f (${what(seen.f)})`, lg: `L_g (${what(seen.g)})` };
}
