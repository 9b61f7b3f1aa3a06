// On resume, a run whose report stage says 'done' is only done if its results are intact: a truncated or
// deleted scores.csv (disk full, a careless edit) sends the cheap report stage back to 'pending'.
import { promises as fs } from 'node:fs';
import type { RunHandle } from '../../runs';
import { checkScoresCsv } from '../../runs/scores-csv';
import { openScoresBin } from '../../runs/scores-bin-reader';

/** Rows scores.bin says the run scored, or undefined when scores.bin is missing or unreadable. */
export async function scoredRowCount(binFile: string): Promise<number | undefined> {
  try {
    const reader = await openScoresBin(binFile);
    try {
      return reader.header.n;
    } finally {
      await reader.close();
    }
  } catch {
    return undefined;
  }
}

/** Problems with the run's results files, or null when they are whole. */
export async function resultsProblem(run: RunHandle): Promise<string | null> {
  const n = await scoredRowCount(run.path('scores.bin'));
  if (n === undefined) return 'scores.bin is missing or unreadable';
  const csv = await fs.readFile(run.path('scores.csv'), 'utf8').catch(() => null);
  if (csv === null) return 'scores.csv is missing';
  try {
    checkScoresCsv(csv, n);
  } catch (err) {
    return (err as Error).message;
  }
  for (const f of ['report.json', 'report.md'])
    if (
      !(await fs.stat(run.path(f)).then(
        (s) => s.size > 0,
        () => false,
      ))
    )
      return `${f} is missing or empty`;
  return null;
}

/** Re-opens the report stage of a 'done' run whose results are damaged; returns whether it did. `more`: problems
 *  with a kind of run's own result files (a whole run's atypicality.svg), checked when the shared ones are whole. */
export async function reopenDamagedReport(
  run: RunHandle,
  stage: string,
  log?: (m: string) => void,
  more?: () => Promise<string | null>,
): Promise<boolean> {
  if (!run.isDone(stage)) return false;
  const problem = (await resultsProblem(run)) ?? (await more?.()) ?? null;
  if (!problem) return false;
  log?.(`run ${run.id}: ${problem}; the report stage runs again`);
  await run.update((m) => {
    m.stages[stage] = { ...m.stages[stage], status: 'pending' };
    m.status = 'interrupted';
  });
  return true;
}
