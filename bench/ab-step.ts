// A/B of two variants of the same train step, interleaved in one process (one step of A, one of B per round,
// the order flipping every round), so both see the same background load. A variant is chosen at
// graph-emission time by an environment variable:
// `AB_VAR=NAME AB_A=a AB_B=b node dist/bench/ab-step.js [quick|smallCnn|resnet18] [batch] [rounds]`,
// or by Trainer options on the same graph (JSON merged into the TrainerConfig), e.g.
// `AB_TRAINER_A='{}' AB_TRAINER_B='{"cpuOverrides":{"extra":{"session":{"intra_op.allow_spinning":"0"}}}}'`.
// It prints the per-round median ratio, process CPU time per step, the load average, and whether both
// trainers gave the same loss at every step and the same state after the last one, byte for byte.
import { loadavg } from 'node:os';
import { resnet18 } from '../src/engine/models/resnet18';
import { smallCnn } from '../src/engine/models/small-cnn';
import { simclr } from '../src/engine/methods/simclr';
import { fashionMnistRecipe, simclrRecipe } from '../src/engine/augment/config';
import { Trainer, type TrainerConfig } from '../src/engine/runtime/trainer';
import { augmentationOf, buildProblem } from '../src/engine/sslmem/config';
import { PRESETS } from '../src/engine/sslmem/presets';

async function main() {
  const [model = 'quick', batchArg, roundsArg] = process.argv.slice(2);
  const batch = Number(batchArg ?? (model === 'resnet18' ? 16 : model === 'quick' ? 128 : 256));
  const rounds = Number(roundsArg ?? 8);
  const threads = Number(process.env.BENCH_THREADS ?? 2);
  const v = process.env.AB_VAR ?? 'AB_UNUSED',
    vals = [process.env.AB_A ?? 'A', process.env.AB_B ?? 'B'];
  const extras = [process.env.AB_TRAINER_A, process.env.AB_TRAINER_B].map((j) => JSON.parse(j ?? '{}') as Partial<TrainerConfig>);
  const make = async (val: string, extra: Partial<TrainerConfig>) => {
    process.env[v] = val;
    const problem =
      model === 'resnet18'
        ? simclr(resnet18({ inChannels: 3, imageSize: 32 }))
        : model === 'quick'
          ? buildProblem(PRESETS.quick)
          : simclr(smallCnn({ inChannels: 1, imageSize: 28 }));
    const augment =
      model === 'resnet18' ? simclrRecipe(3, [32, 32]) : model === 'quick' ? augmentationOf(PRESETS.quick) : fashionMnistRecipe([28, 28]);
    const t = await Trainer.create({
      problem,
      batch,
      augment,
      provider: 'cpu',
      threads,
      optimizer: { kind: 'adam' },
      learningRate: 1e-3,
      ...extra,
    });
    t.init(0);
    return { t, problem };
  };
  const A = await make(vals[0], extras[0]),
    B = await make(vals[1], extras[1]);
  const [c, h, w] = A.problem.inputShape;
  const images = new Float32Array(batch * c * h * w).map((_, i) => ((i * 2654435761) >>> 0) / 4294967296);
  const ms: number[][] = [[], []],
    cpu: number[][] = [[], []], // process CPU time (user + system) per step: spinning threads show here
    losses: number[][] = [[], []];
  for (let r = -2; r < rounds; r++) {
    // ABBA: the order flips every round, so neither variant always runs right after the other.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const x = [A, B][i];
      const s = performance.now();
      const c0 = process.cpuUsage();
      const res = (await x.t.step(images)) as unknown as { loss?: number } | number;
      const e = performance.now() - s;
      const c = process.cpuUsage(c0);
      if (r >= 0) {
        ms[i].push(e);
        cpu[i].push((c.user + c.system) / 1000);
        losses[i].push(typeof res === 'number' ? res : (res?.loss ?? NaN));
      }
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratios = ms[0].map((a, i) => a / ms[1][i]);
  console.log(
    `${model} batch ${batch}: ${v}=${vals[0]} ${med(ms[0]).toFixed(0)} ms, ${v}=${vals[1]} ${med(ms[1]).toFixed(0)} ms; A/B per round median ${med(ratios).toFixed(3)}`,
  );
  console.log(`  CPU ms per step: A ${med(cpu[0]).toFixed(0)}, B ${med(cpu[1]).toFixed(0)}`);
  console.log(`  A ${ms[0].map((x) => x.toFixed(0)).join(' ')}\n  B ${ms[1].map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  losses A ${losses[0].slice(0, 3).join(' ')}\n  losses B ${losses[1].slice(0, 3).join(' ')}`);
  const [sa, sb] = [(await A.t.snapshot()).tensors, (await B.t.snapshot()).tensors];
  const sameState = [...sa].every(([name, t]) => Buffer.from(t.data.buffer).equals(Buffer.from(sb.get(name)!.data.buffer)));
  const sameLosses = losses[0].every((l, i) => Object.is(l, losses[1][i]));
  console.log(`  same losses at every step: ${sameLosses}; same state after ${A.t.stepIndex} steps, byte for byte: ${sameState}`);
  console.log(
    `  A ${JSON.stringify(extras[0])} B ${JSON.stringify(extras[1])}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  await A.t.release();
  await B.t.release();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
