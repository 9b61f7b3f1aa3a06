// report.md: the report for people. Everything in it comes from report.json.
import type { Report, TestName } from './report';
import { SUBSETS } from '../../runs/subsets';
import { distinctDecimals, fixed } from './tau-labels';
import { markdownText } from '../../runs/escape';

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const fmtP = (p: number) =>
  !Number.isFinite(p) ? String(p) : p === 0 || p < 1e-300 ? '< 1e-300' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
const NORMALISATION_TEXT = {
  symmetric: '(L_g − L_f) / (L_g + L_f), in [−1, 1]',
  range: '(L_g − L_f) / (max − min of L_g − L_f over the scored points)',
  raw: 'L_g − L_f (representation distance units)',
};
const TEST_TEXT: Record<TestName, string> = { C_vs_S: 'S_C vs S_S', C_vs_E: 'S_C vs S_E', I_vs_S: 'S_I vs S_S' };

/** Where the intervals come from (runs/score-stderr.ts; docs/confidence-intervals.md). */
function confidenceText(r: Report): string {
  const c = r.confidence;
  return c.stderr === 'pairs'
    ? `95 % CI = score ± ${c.z}·s.e., s.e. from the spread of the ${c.seed_pairs} (f, g) seed pairs' scores (s.d./√${c.seed_pairs}); with few pairs the interval is approximate (a normal quantile, not Student's t).`
    : `95 % CI = score ± ${c.z}·s.e., s.e. from the K view pairs of one (f, g) pair: it leaves out the noise of training f and g (more seed pairs measure that).`;
}

export function renderReportMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# SSLMem report${r.runId ? ` — run ${r.runId}` : ''}`, '');
  out.push(
    `Score: **${NORMALISATION_TEXT[r.normalisation]}**. L_f / L_g are alignment losses of encoder f` +
      " (trained on S_S ∪ S_C) and g (trained on S_S ∪ S_I). High score = f aligns the point's views much better than g: memorised.",
    '',
  );
  out.push(
    '## Subsets',
    '',
    '| subset | n | mean | median | std | mean L_f | mean L_g | mean s.e. L_f | mean s.e. L_g |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of SUBSETS) {
    const x = r.subsets[s];
    out.push(
      `| ${s} | ${x.n} | ${fmt(x.mean)} | ${fmt(x.median)} | ${fmt(x.std)} | ${fmt(x.lf_mean)} | ${fmt(x.lg_mean)} | ${fmt(x.lf_stderr_mean)} | ${fmt(x.lg_stderr_mean)} |`,
    );
  }
  out.push(
    '',
    '## Welch t-tests (two-sided)',
    '',
    '| test | mean difference | t | df | p | expected | as expected (p < 0.01) |',
    '|---|---|---|---|---|---|---|',
  );
  for (const name of Object.keys(r.tests) as TestName[]) {
    const t = r.tests[name];
    out.push(
      `| ${TEST_TEXT[name]} | ${fmt(t.meanDifference)} | ${fmt(t.t, 3)} | ${fmt(t.df, 1)} | ${fmtP(t.p)} | ${t.expected} | ${t.holds ? 'yes' : '**no**'} |`,
    );
  }
  out.push('', '## Fraction of S_C memorised at threshold τ', '', '| τ | fraction |', '|---|---|');
  const curve = r.threshold_curve.filter((_, i) => r.threshold_curve.length <= 21 || i % 2 === 0);
  // As many decimals as it takes for the printed rows' τ to differ (scores may all lie within ±0.1).
  const tauDecimals = distinctDecimals(curve.map((p) => p.tau));
  for (const p of curve) out.push(`| ${fixed(p.tau, tauDecimals)} | ${fmt(p.fraction, 3)} |`);
  out.push(
    '',
    `## Most memorised candidates (top ${r.top_k.S_C.length} of S_C)`,
    '',
    confidenceText(r),
    '',
    '| # | path | label | score [95 % CI] |',
    '|---|---|---|---|',
  );
  r.top_k.S_C.forEach((e, i) =>
    out.push(`| ${i + 1} | ${markdownText(e.path)} | ${e.label} | ${fmt(e.score)} [${fmt(e.ci_low)}, ${fmt(e.ci_high)}] |`),
  );
  out.push('', '## Skipped inputs', '');
  if (r.skipped.length === 0) out.push('None: every input file was used.');
  else {
    out.push(`${r.skipped.length} file(s) could not be used:`, '');
    // File names and reasons are dataset-controlled text: escaped (a name may hold a newline, '# x' or '<img …>').
    for (const s of r.skipped.slice(0, 200)) out.push(`- ${markdownText(s.path)}: ${markdownText(s.reason)}`);
    if (r.skipped.length > 200) out.push(`- … and ${r.skipped.length - 200} more (all listed in report.json)`);
  }
  out.push('', '## Timings', '', '| stage | seconds |', '|---|---|');
  for (const [stage, seconds] of Object.entries(r.timings)) out.push(`| ${stage} | ${fmt(seconds, 1)} |`);
  return out.join('\n') + '\n';
}
