// Summarises an onnxruntime profile (session option enableProfiling): kernel time per op type, so a slow
// train step can be traced to the ops that dominate it.
import { readFileSync } from 'node:fs';

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

export function opTimes(profileFile: string, runs: number): { op: string; msPerStep: number; share: number }[] {
  const events = JSON.parse(readFileSync(profileFile, 'utf8')) as ProfileEvent[];
  const byOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  return [...byOp]
    .sort((a, b) => b[1] - a[1])
    .map(([op, us]) => ({ op, msPerStep: +(us / 1000 / runs).toFixed(2), share: +(us / total).toFixed(3) }));
}
