// report.md of a whole-dataset run. Everything in it comes from report.json (whole-report.ts).
import { ATYPICALITY_FIGURE, type WholeReport } from './whole-report-types';
import { markdownText } from '../../runs/escape';

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const fmtP = (p: number) => (!Number.isFinite(p) ? String(p) : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
const NORMALISATION_TEXT = {
  symmetric: '(L_out − L_in) / (L_out + L_in), in [−1, 1]',
  range: '(L_out − L_in) / (max − min of L_out − L_in over all images)',
  raw: 'L_out − L_in (representation distance units)',
};

export function renderWholeMarkdown(r: WholeReport, classNames: string[]): string {
  const w = r.whole;
  const out: string[] = [];
  out.push(`# SSLMem whole-dataset report — run ${r.runId}`, '');
  out.push(
    `${w.encoders} encoders (preset ${w.preset ?? '?'}, ${w.epochs} epochs, seed ${w.seed}; ran on ${w.provider ?? '?'}` +
      `${w.threads !== null ? ` with ${w.threads} thread${w.threads === 1 ? '' : 's'}` : ''}), each trained on half of the ${w.scored} scored images: every scored image is in the` +
      ` training data of exactly ${w.encoders / 2}. ${w.control} control images are in none (their scores are the null distribution).`,
    '',
  );
  out.push(
    `Score: **${NORMALISATION_TEXT[r.normalisation]}**, L_in = mean alignment loss of the encoders that trained on the image,` +
      " L_out = of those that did not. High score = the image's views align much better in the encoders that saw it: memorised." +
      ' Standard error: from the spread over encoders. p-value: (1 + #controls scoring ≥ the image) / (1 + #controls).',
    '',
  );
  out.push(
    `**${w.memorized} of ${w.scored} images are memorized at a false-discovery rate of ${w.fdr}** (Benjamini–Hochberg over the p-values).`,
    '',
  );
  // The control set bounds what BH can find: no p-value is below 1/(1 + c), and BH's first step needs p ≤ fdr·k/N.
  const floor = 1 / (1 + w.control),
    needed = Math.ceil((floor * w.scored) / w.fdr);
  out.push(
    `With ${w.control} control images no p-value is below ${fmtP(floor)}, so at this FDR the count stays 0 unless at least ${needed}` +
      ` images beat every control; a larger control set (--control) resolves smaller p-values.`,
    '',
  );
  out.push('## Scores', '', '| set | n | mean | median | std |', '|---|---|---|---|---|');
  out.push(`| scored | ${r.scored.n} | ${fmt(r.scored.mean)} | ${fmt(r.scored.median)} | ${fmt(r.scored.std)} |`);
  out.push(`| control (null) | ${r.null.n} | ${fmt(r.null.mean)} | ${fmt(r.null.median)} | ${fmt(r.null.std)} |`, '');
  out.push(
    `Null: 95th percentile ${fmt(r.null.p95)}, 99th ${fmt(r.null.p99)}, max ${fmt(r.null.max)}. Median standard error of a scored image's score: ${fmt(r.medianStderr)}.`,
  );
  const t = r.scoredVsControl;
  out.push(`Scored vs control (Welch, two-sided): mean difference ${fmt(t.meanDifference)}, t ${fmt(t.t, 3)}, p ${fmtP(t.p)}.`, '');
  const a = r.atypicality;
  if (a) {
    out.push('## Score and atypicality', '');
    if ('skipped' in a) out.push(`Not computed: ${markdownText(a.skipped)}.`, '');
    else
      out.push(
        `Atypicality = mean distance to the ${a.k} nearest other images in the L2-normalised representation of the un-augmented` +
          ` image, averaged over the ${w.encoders} encoders (column \`atypicality\` of scores.csv). The paper finds memorised images` +
          ` atypical: **Spearman ρ(score, atypicality) = ${fmt(a.rho, 3)}, p ${fmtP(a.p)}** over the ${a.n} scored images (controls grey, not counted).`,
        '',
        `![Score against atypicality: ρ ${fmt(a.rho, 3)}, p ${fmtP(a.p)}](${ATYPICALITY_FIGURE})`,
        '',
      );
  }
  out.push(
    `## Most memorised images (top ${r.top_k.scored.length})`,
    '',
    '| # | path | label | score | s.e. | p | q |',
    '|---|---|---|---|---|---|---|',
  );
  r.top_k.scored.forEach((e, i) =>
    out.push(
      `| ${i + 1} | ${markdownText(e.path)} | ${e.label >= 0 ? markdownText(classNames[e.label] ?? String(e.label)) : '—'} | ${fmt(e.score)} | ${fmt(e.stderr)} | ${fmtP(e.p)} | ${fmtP(e.q)} |`,
    ),
  );
  out.push('', '## Skipped inputs', '');
  if (r.skipped.length === 0) out.push('None: every input file was used.');
  else {
    out.push(`${r.skipped.length} file(s) could not be used:`, '');
    for (const s of r.skipped.slice(0, 200)) out.push(`- ${markdownText(s.path)}: ${markdownText(s.reason)}`);
    if (r.skipped.length > 200) out.push(`- … and ${r.skipped.length - 200} more (all listed in report.json)`);
  }
  out.push('', '## Timings', '', '| stage | seconds |', '|---|---|');
  for (const [stage, seconds] of Object.entries(r.timings)) out.push(`| ${stage} | ${fmt(seconds, 1)} |`);
  return out.join('\n') + '\n';
}
