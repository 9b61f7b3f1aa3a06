// Scores of a whole-dataset run. For image x: L_in(x) = mean alignment loss over the m/2 encoders whose
// training data hold x, L_out(x) = mean over the other m/2; the score is today's normalisation with
// L_f ↔ L_in and L_g ↔ L_out (scores.ts computeScores). Its standard error comes from the encoder-level
// spread: se_in = sd(losses of the in-encoders)/√(m/2), se_out likewise, combined by the delta method of the
// normalisation (raw: √(se_in² + se_out²)). Control images (no encoder trained on them; a pseudo-membership
// from the design) give the null: p(x) = (1 + #{controls with score ≥ s(x)}) / (1 + #controls) — for a control
// image itself the others only (leave-one-out). Benjamini–Hochberg over the non-control images at the run's FDR
// says how many are memorized. Pure math: the float64 reference check lives in the tests.
import type { Normalisation } from '../../runs/subsets';
import { computeScores, type Scores } from '../scores';
import type { WholeDesign } from './design';
import { controlFlags } from './design';

export interface WholeScores extends Scores {
  /** Standard error of the normalised score (encoder-level spread). */
  scoreStderr: Float64Array;
  /** p-value against the control set's scores (NaN where the score is NaN). */
  pValue: Float64Array;
  /** Benjamini–Hochberg adjusted p-value among the non-control images (NaN for controls). */
  qValue: Float64Array;
  /** 1 = memorized at the FDR (q ≤ fdr), non-control images only. */
  memorized: Uint8Array;
  isControl: Uint8Array;
  fdr: number;
  memorizedCount: number;
}

/** L_in, L_out and their encoder-level standard errors per image; `losses[j][i]` = encoder j's loss on image i. */
export function inOutLosses(losses: ArrayLike<number>[], design: WholeDesign) {
  const { n, m } = design;
  if (losses.length !== m) throw new Error(`expected losses of ${m} encoders, got ${losses.length}`);
  for (const l of losses) if (l.length !== n) throw new Error(`an encoder's losses cover ${l.length} images, the design ${n}`);
  const lin = new Float64Array(n),
    lout = new Float64Array(n),
    seIn = new Float64Array(n),
    seOut = new Float64Array(n);
  const half = m / 2;
  const meanSe = (values: number[]): [number, number] => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : NaN;
    return [mean, Math.sqrt(variance / values.length)];
  };
  for (let i = 0; i < n; i++) {
    const ins: number[] = [],
      outs: number[] = [];
    for (let j = 0; j < m; j++) ((design.masks[i] >> j) & 1 ? ins : outs).push(losses[j][i]);
    if (ins.length !== half) throw new Error(`image ${i} is in ${ins.length} of ${m} training sets, not ${half}`);
    [lin[i], seIn[i]] = meanSe(ins);
    [lout[i], seOut[i]] = meanSe(outs);
  }
  return { lin, lout, seIn, seOut };
}

/** Standard error of the normalised score from those of L_in and L_out (independent encoders: variances add). */
export function scoreStderrOf(
  normalisation: Normalisation,
  lin: number,
  lout: number,
  seIn: number,
  seOut: number,
  spread: number,
): number {
  if (normalisation === 'raw') return Math.hypot(seIn, seOut);
  if (normalisation === 'range') return spread > 0 ? Math.hypot(seIn, seOut) / spread : 0;
  // s = (o − i)/(o + i): ∂s/∂o = 2i/(o+i)², ∂s/∂i = −2o/(o+i)².
  const sum = lin + lout;
  if (!(sum > 0)) return NaN;
  return (2 / (sum * sum)) * Math.hypot(lin * seOut, lout * seIn);
}

/** p-values of `scores` against the null sample `nulls` (a NaN score gets NaN; NaN nulls are not counted). */
export function nullPValues(scores: ArrayLike<number>, nulls: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(nulls)
    .filter((x) => !Number.isNaN(x))
    .sort();
  const c = sorted.length;
  return Float64Array.from(scores, (s) => {
    if (Number.isNaN(s)) return NaN;
    let lo = 0,
      hi = c; // first position with sorted[pos] >= s
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] >= s) hi = mid;
      else lo = mid + 1;
    }
    return (1 + c - lo) / (1 + c);
  });
}

/** Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1); NaN p-values stay NaN and are not counted. */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: p.length }, (_, i) => i)
    .filter((i) => !Number.isNaN(p[i]))
    .sort((a, b) => p[a] - p[b] || a - b);
  const q = new Float64Array(p.length).fill(NaN);
  const k = order.length;
  let running = 1;
  for (let r = k - 1; r >= 0; r--) {
    running = Math.min(running, (p[order[r]] * k) / (r + 1));
    q[order[r]] = running;
  }
  return q;
}

export function computeWholeScores(
  losses: ArrayLike<number>[],
  design: WholeDesign,
  normalisation: Normalisation,
  fdr: number,
): WholeScores {
  const { lin, lout, seIn, seOut } = inOutLosses(losses, design);
  const base = computeScores({ lf: lin, lg: lout, lfStderr: seIn, lgStderr: seOut }, normalisation);
  const n = design.n;
  let min = Infinity,
    max = -Infinity;
  for (const x of base.raw) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const spread = max - min;
  const scoreStderr = Float64Array.from({ length: n }, (_, i) => scoreStderrOf(normalisation, lin[i], lout[i], seIn[i], seOut[i], spread));
  const isControl = controlFlags(design);
  const controls = Array.from(design.control);
  const scored = Array.from({ length: n }, (_, i) => i).filter((i) => !isControl[i]);
  const s = base.normalised;
  const pValue = new Float64Array(n);
  const pScored = nullPValues(
    scored.map((i) => s[i]),
    controls.map((i) => s[i]),
  );
  scored.forEach((i, r) => {
    pValue[i] = pScored[r];
  });
  // A control against the other controls: including itself would make the null's own p-values too large by one count.
  controls.forEach((i) => {
    pValue[i] = nullPValues(
      [s[i]],
      controls.filter((j) => j !== i).map((j) => s[j]),
    )[0];
  });
  const qValue = new Float64Array(n).fill(NaN);
  const qScored = benjaminiHochberg(scored.map((i) => pValue[i]));
  scored.forEach((i, r) => {
    qValue[i] = qScored[r];
  });
  const memorized = Uint8Array.from(qValue, (q) => (q <= fdr ? 1 : 0));
  const memorizedCount = memorized.reduce((a, b) => a + b, 0);
  return { ...base, scoreStderr, pValue, qValue, memorized, isControl, fdr, memorizedCount };
}
