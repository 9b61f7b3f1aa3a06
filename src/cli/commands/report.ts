// `sslmem report <run-folder> [--json]`: print a finished run's report.md (or report.json). Reads files only:
// no backend, no onnxruntime, so it works anywhere a run folder can be read.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../args';
import { defineCommand, EXIT } from '../command';

/**
 * The path of one result file of a run, or an error that says why it is not there: not a run folder, or a run
 * that has not written its results yet (with its status and how to finish it).
 */
export async function runResultFile(runDir: string, name: string): Promise<string> {
  const dir = path.resolve(runDir);
  const file = path.join(dir, name);
  if (
    await fs.stat(file).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return file;
  const manifestText = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => null);
  if (manifestText === null) throw new Error(`${dir} is not a run folder (no manifest.json)`);
  let status = 'unknown';
  try {
    status = String((JSON.parse(manifestText) as { status?: unknown }).status);
  } catch {
    /* damaged manifest: status unknown */
  }
  const hint = status === 'done' ? '' : `; finish it with: sslmem resume ${dir}`;
  throw new Error(`run ${path.basename(dir)} has no ${name} (status: ${status})${hint}`);
}

export function oneRunFolder(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('give exactly one run folder');
  return positionals[0];
}

export const reportCommand = defineCommand({
  name: 'report',
  summary: "print a run's report (report.md, or report.json with --json)",
  args: '<run-folder>',
  options: { json: { type: 'boolean', description: 'print report.json instead of report.md' } },
  async run({ options, positionals }, io) {
    const file = await runResultFile(oneRunFolder(positionals), options.json ? 'report.json' : 'report.md');
    io.out(await fs.readFile(file, 'utf8'));
    return EXIT.ok;
  },
});
