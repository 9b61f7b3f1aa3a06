// Per-node ORT profile of one engine train step (no PyTorch): kernel time per op type and per
// (op, input shapes), so a change in a formulation can be traced to the nodes it touches.
// `node dist/bench/step-profile.js [resnet18|smallCnn|quick] [batch] [steps]` (quick: the quick preset's model and augmentation); threads from BENCH_THREADS (2).
// Profiling slows the steps a little; compare shares and per-node times between runs of this script only.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resnet18 } from '../src/engine/models/resnet18';
import { smallCnn } from '../src/engine/models/small-cnn';
import { simclr } from '../src/engine/methods/simclr';
import { fashionMnistRecipe, simclrRecipe } from '../src/engine/augment/config';
import { Trainer } from '../src/engine/runtime/trainer';
import { augmentationOf, buildProblem } from '../src/engine/sslmem/config';
import { PRESETS } from '../src/engine/sslmem/presets';

interface Ev {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[] };
}

async function main() {
  const [model = 'resnet18', batchArg, stepsArg] = process.argv.slice(2);
  const batch = Number(batchArg ?? (model === 'resnet18' ? 16 : model === 'quick' ? 128 : 256));
  const steps = Number(stepsArg ?? 4);
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const problem =
    model === 'resnet18'
      ? simclr(resnet18({ inChannels: 3, imageSize: 32 }))
      : model === 'quick'
        ? buildProblem(PRESETS.quick)
        : simclr(smallCnn({ inChannels: 1, imageSize: 28 }));
  const augment =
    model === 'resnet18' ? simclrRecipe(3, [32, 32]) : model === 'quick' ? augmentationOf(PRESETS.quick) : fashionMnistRecipe([28, 28]);
  const prefix = `step-profile-${process.pid}`;
  const trainer = await Trainer.create({
    problem,
    batch,
    augment,
    provider: 'cpu',
    threads,
    optimizer: { kind: 'adam' },
    learningRate: 1e-3,
    profilePrefix: prefix,
  });
  trainer.init(0);
  const [c, h, w] = problem.inputShape;
  const images = new Float32Array(batch * c * h * w).map((_, i) => ((i * 2654435761) >>> 0) / 4294967296);
  await trainer.step(images); // warm-up (its events are dropped below by skipping the first step's share)
  const load0 = loadavg()[0];
  const wall: number[] = [];
  for (let s = 0; s < steps; s++) {
    const t = performance.now();
    await trainer.step(images);
    wall.push(performance.now() - t);
  }
  trainer.opened.session.endProfiling();
  await trainer.release();
  const file = readdirSync('.')
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .pop()!;
  const events = (JSON.parse(readFileSync(file, 'utf8')) as Ev[]).filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  rmSync(file);
  // The first step is warm-up: drop the first 1/(steps+1) of the node events (each step runs the same nodes).
  const perStep = events.length / (steps + 1);
  const measured = events.slice(Math.round(perStep));
  const byOp = new Map<string, number>(),
    byShape = new Map<string, { us: number; count: number }>();
  for (const e of measured) {
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    const shapes = (e.args?.input_type_shape ?? []).map((s) => JSON.stringify(Object.values(s)[0])).join(' ');
    const key = `${op} ${shapes}`;
    const r = byShape.get(key) ?? { us: 0, count: 0 };
    r.us += e.dur;
    r.count++;
    byShape.set(key, r);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  const ms = (us: number) => (us / 1000 / steps).toFixed(1);
  console.log(`${model} batch ${batch}, ${threads} threads, ${steps} steps; load ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
  console.log(`wall ms/step: ${wall.map((x) => x.toFixed(0)).join(' ')}; kernel ms/step ${ms(total)}`);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 14))
    console.log(`  ${op.padEnd(22)} ${ms(us).padStart(8)} ms  ${((100 * us) / total).toFixed(1)}%`);
  console.log('top (op, input shapes):');
  for (const [k, r] of [...byShape].sort((a, b) => b[1].us - a[1].us).slice(0, Number(process.env.TOP ?? 40))) {
    console.log(`  ${ms(r.us).padStart(8)} ms  x${r.count / steps}  ${k}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
