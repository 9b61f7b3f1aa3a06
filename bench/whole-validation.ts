// Issue 15 item 4: is the whole-dataset score high on atypical images? For a finished whole-dataset run:
//   - where the planted images (file names starting "planted-", scripts/validation/plant-atypical.mjs) rank
//     among the scored images (percentile: 100 = the top score), and how many the BH count flags;
//   - atypicality = mean distance to the k nearest other images (k = 10) in an encoder's representation
//     (L2-normalised repr of the un-augmented image; averaged over the run's m encoders, each of which saw
//     half the images), and in pixel space for comparison;
//   - Spearman correlation of the score with each atypicality, over the scored images, with and without the
//     planted ones.
// Usage: node dist/bench/whole-validation.js <run-folder> [--threads n]   (prints JSON on stdout)
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadDataset, type Dataset } from '../src/engine/data';
import { runConfigOf } from '../src/engine/sslmem/run-config';
import { readCheckpoint } from '../src/engine/artifacts/checkpoint';
import { buildEncode } from '../src/engine/artifacts/encode';
import * as io from '../src/engine/artifacts/io-names';
import { openSession } from '../src/engine/runtime/session';
import { buildProblem } from '../src/engine/sslmem/config';
import { weightsOf } from '../src/engine/sslmem/train-encoder';
import { readManifest } from '../src/engine/runs';

const K = 10;

async function representations(
  runDir: string,
  j: number,
  dataset: Dataset,
  config: Parameters<typeof buildProblem>[0],
  threads?: number,
): Promise<{ repr: Float32Array; dim: number }> {
  const problem = buildProblem(config);
  const B = 100;
  const artifact = buildEncode(problem, {
    batch: B,
    weights: weightsOf(await readCheckpoint(path.join(runDir, `e${j}`, 'checkpoint.bin'))),
  });
  const { session } = await openSession(artifact.onnx, [io.REPR], { provider: 'cpu', threads });
  const dim = artifact.outputs
    .find((o) => o.name === io.REPR)!
    .shape.slice(1)
    .reduce((a, b) => a * b, 1);
  const size = dataset.channels * dataset.height * dataset.width;
  const repr = new Float32Array(dataset.n * dim);
  try {
    for (let start = 0; start < dataset.n; start += B) {
      const images = new Float32Array(B * size);
      const real = Math.min(B, dataset.n - start);
      for (let i = 0; i < real * size; i++) images[i] = dataset.images[start * size + i] / 255;
      const out = await session.run({
        [io.IMAGES]: new ort.Tensor('float32', images, [B, dataset.channels, dataset.height, dataset.width]),
      });
      repr.set((out[io.REPR].data as Float32Array).subarray(0, real * dim), start * dim);
    }
  } finally {
    await session.release();
  }
  return { repr, dim };
}

/** Mean distance to the K nearest other rows (rows L2-normalised first when `normalise`). */
function knnDistance(x: Float32Array, n: number, dim: number, normalise: boolean): Float64Array {
  const v = Float64Array.from(x);
  if (normalise)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += v[i * dim + d] ** 2;
      const norm = Math.sqrt(s) || 1;
      for (let d = 0; d < dim; d++) v[i * dim + d] /= norm;
    }
  const sq = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d] ** 2;
    return s;
  });
  const out = new Float64Array(n);
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) {
        dist[j] = Infinity;
        continue;
      }
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[i * dim + d] * v[j * dim + d];
      dist[j] = Math.sqrt(Math.max(0, sq[i] + sq[j] - 2 * dot));
    }
    const nearest = Float64Array.from(dist).sort().subarray(0, K);
    out[i] = nearest.reduce((a, b) => a + b, 0) / K;
  }
  return out;
}

function ranks(values: number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const r = new Array<number>(values.length);
  for (let k = 0; k < order.length;) {
    let e = k;
    while (e + 1 < order.length && values[order[e + 1]] === values[order[k]]) e++;
    for (let t = k; t <= e; t++) r[order[t]] = (k + e) / 2 + 1; // ties: mean rank
    k = e + 1;
  }
  return r;
}

function spearman(a: number[], b: number[]): number {
  const ra = ranks(a),
    rb = ranks(b);
  const ma = ra.reduce((s, x) => s + x, 0) / ra.length,
    mb = rb.reduce((s, x) => s + x, 0) / rb.length;
  let num = 0,
    da = 0,
    db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

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
    false,
  );
  const reprKnn = new Float64Array(dataset.n);
  for (let j = 0; j < config.encoders; j++) {
    const { repr, dim } = await representations(runDir, j, dataset, config.sslmem, threads);
    knnDistance(repr, dataset.n, dim, true).forEach((d, i) => {
      reprKnn[i] += d / config.encoders;
    });
  }
  const corr = (atyp: Float64Array, keep: (i: number) => boolean) => {
    const idx = scored.map((r) => Number(r.index)).filter(keep);
    return spearman(
      idx.map((i) => score.get(i)!),
      idx.map((i) => atyp[i]),
    );
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
