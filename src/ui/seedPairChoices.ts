// The Compute command's "seed pairs" quick pick (issue 15 item 2), as plain data: no `vscode`, so a unit test
// covers it. The choice goes to the backend as the `seedPairs` override (backend/sslmemJobs.ts checks 1–16).
import { PRESETS, isPresetName } from '../engine/sslmem/presets';

/** The preset's own seed pairs (1 for a name that is not a preset). */
export const presetSeedPairs = (preset: string) => (isPresetName(preset) ? PRESETS[preset].seedPairs : 1);

/** The (f, g) seed pairs to average: the preset's, or 1, 2, 3, 5 (the backend accepts 1–16: sslmemJobs.ts). */
export function seedPairChoices(preset: string): { label: string; pairs: number; detail: string }[] {
  const dflt = presetSeedPairs(preset);
  const detail = (n: number) =>
    n === 1
      ? 'one f and one g: scores with a view-level standard error only (the noise of training f and g is not in it)'
      : `${n} independent trainings of f and g, ${n}× the training time; each image gets a 95 % interval from the pairs' spread`;
  return [dflt, ...[1, 2, 3, 5].filter((n) => n !== dflt)].map((n) => ({
    label: `seed pairs: ${n}${n === dflt ? ' (preset default)' : ''}`,
    pairs: n,
    detail: detail(n),
  }));
}
