// A synthetic but complete score table: a split of n samples, with L_f lower than L_g on S_C and higher on
// S_I (as trained encoders give), so the report's tests have a known direction.
import { Rng } from '../../../src/engine/util/prng';
import { drawSplit } from '../../../src/engine/sslmem/split';
import { scoredIndices } from '../../../src/engine/runs/subsets';
import { computeScores } from '../../../src/engine/sslmem/scores';
import { buildScoreTable, type ScoreTable } from '../../../src/engine/runs/score-table';

export function syntheticTable(n: number, seed = 1): ScoreTable {
  const paths = Array.from({ length: n }, (_, i) =>
    i === 3 ? 'odd, "quoted"\nname ü.png' : `class${i % 3}/${String(i).padStart(5, '0')}.png`,
  );
  const dataset = { paths, labels: Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : i % 3)), classNames: ['a', 'b', 'c'] };
  const split = drawSplit(n, { seed });
  const rows = scoredIndices(split);
  const rng = new Rng(seed + 100);
  const subsetOf = new Map<number, string>();
  for (const s of ['S_S', 'S_C', 'S_I', 'S_E'] as const) for (const i of split[s]) subsetOf.set(i, s);
  const lf: number[] = [],
    lg: number[] = [];
  for (const i of rows) {
    const base = 0.5 + 0.3 * rng.nextFloat();
    const shift = subsetOf.get(i) === 'S_C' ? 0.15 : subsetOf.get(i) === 'S_I' ? -0.15 : 0;
    lg.push(base + 0.05 * rng.nextFloat());
    lf.push(base - shift + 0.05 * rng.nextFloat());
  }
  const scores = computeScores({ lf, lg, lfStderr: lf.map(() => 0.01), lgStderr: lg.map(() => 0.02) });
  return buildScoreTable(dataset, split, rows, { ...scores });
}
