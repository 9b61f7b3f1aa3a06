// Issue 15 item 4: is the whole-dataset score high on atypical images? For a finished whole-dataset run:
//   - where the planted images (file names starting "planted-", scripts/validation/plant-atypical.mjs) rank
//     among the scored images (percentile: 100 = the top score), and how many the BH count flags;
//   - atypicality = mean distance to the k nearest other images (k = 10) in an encoder's representation
//     (L2-normalised repr of the un-augmented image; averaged over the run's m encoders, each of which saw
//     half the images), and in pixel space for comparison;
//   - Spearman correlation of the score with each atypicality, over the scored images, with and without the
//     planted ones.
// Usage: node dist/bench/whole-validation.js <run-folder> [--threads n]   (prints JSON on stdout)
// The representation kNN and Spearman's ρ are the engine's (sslmem/whole/atypicality.ts, atypicality-math.ts),
// which a whole run's report stage also uses for its `atypicality` column and figure.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadDataset } from '../src/engine/data';
import { runConfigOf } from '../src/engine/sslmem/run-config';
import { readManifest } from '../src/engine/runs';
import { ATYPICALITY_K as K, wholeAtypicality } from '../src/engine/sslmem/whole/atypicality';
import { knnDistance, spearman } from '../src/engine/sslmem/whole/atypicality-math';

async function main(): Promise<void> {
  const [runDir, ...rest] = process.argv.slice(2);
  const threads = rest[0] === '--threads' ? Number(rest[1]) : undefined;
  const manifest = await readManifest(runDir);
  const config = runConfigOf(manifest.config, manifest.preset, path.join(runDir, 'manifest.json'));
  if (config.kind !== 'whole') throw new Error('not a whole-dataset run');
  const { dataset } = await loadDataset(config.data, config.sslmem.decode, { cacheDir: config.cacheDir ?? undefined });
  const [head, ...lines] = readFileSync(path.join(runDir, 'scores.csv'), 'utf8').trimEnd().split('\n');
  const cols = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  const scored = rows.filter((r) => r.subset === 'S_C');
  const score = new Map(rows.map((r) => [Number(r.index), Number(r.normalised)]));
  const isPlanted = (i: number) => path.basename(dataset.paths[i]).startsWith('planted-');

  // Percentile among the scored images: 100 × (share of scored images scoring at or below it).
  const sortedScores = scored.map((r) => Number(r.normalised)).sort((a, b) => a - b);
  const percentile = (s: number) => (100 * sortedScores.filter((x) => x <= s).length) / sortedScores.length;
  const planted = scored.filter((r) => isPlanted(Number(r.index)));
  const plantedPct = planted.map((r) => percentile(Number(r.normalised))).sort((a, b) => a - b);
  const memorized = scored.filter((r) => Number(r.q_value) <= config.fdr);

  const pixel = knnDistance(
    Float32Array.from(dataset.images, (x) => x / 255),
    dataset.n,
    dataset.channels * dataset.height * dataset.width,
    K,
    false,
  );
  const reprKnn = await wholeAtypicality(runDir, config.encoders, { config: config.sslmem, dataset, provider: 'cpu', threads });
  const corr = (atyp: Float64Array, keep: (i: number) => boolean) => {
    const idx = scored.map((r) => Number(r.index)).filter(keep);
    return spearman(
      idx.map((i) => score.get(i)!),
      idx.map((i) => atyp[i]),
    ).rho;
  };
  const median = (xs: number[]) =>
    xs.length ? (xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2) : NaN;
  const byKind = (prefix: string) =>
    planted
      .filter((r) => path.basename(r.path).startsWith(prefix))
      .map((r) => percentile(Number(r.normalised)))
      .sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        run: manifest.id,
        n: dataset.n,
        scored: scored.length,
        control: rows.length - scored.length,
        planted: {
          total: dataset.paths.filter((_, i) => isPlanted(i)).length,
          scored: planted.length,
          percentile: { median: median(plantedPct), min: plantedPct[0], max: plantedPct[plantedPct.length - 1] },
          inverted: { median: median(byKind('planted-inv')), min: byKind('planted-inv')[0] },
          noise: { median: median(byKind('planted-noise')), min: byKind('planted-noise')[0] },
          inTop5pct: plantedPct.filter((p) => p >= 95).length,
          inTop10pct: plantedPct.filter((p) => p >= 90).length,
          memorizedAtFdr: memorized.filter((r) => isPlanted(Number(r.index))).length,
        },
        memorizedAtFdr: memorized.length,
        fdr: config.fdr,
        spearman: {
          reprKnn: { all: corr(reprKnn, () => true), withoutPlanted: corr(reprKnn, (i) => !isPlanted(i)) },
          pixelKnn: { all: corr(pixel, () => true), withoutPlanted: corr(pixel, (i) => !isPlanted(i)) },
        },
      },
      null,
      2,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
