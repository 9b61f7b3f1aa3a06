// A named section of report.md, between HTML comment markers so a rerun replaces it instead of appending a
// second copy (the report stage rewrites report.md without it; a rerun of the analysis adds it back).
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../util/atomic';

export function replaceSection(text: string, name: string, body: string): string {
  const begin = `<!-- sslmem:${name} -->`,
    end = `<!-- /sslmem:${name} -->`;
  const block = `${begin}\n${body.trimEnd()}\n${end}\n`;
  const i = text.indexOf(begin),
    j = text.indexOf(end);
  if (i >= 0 && j > i) return text.slice(0, i) + block + text.slice(j + end.length).replace(/^\n/, '');
  return `${text.trimEnd()}${text.trim() ? '\n\n' : ''}${block}`;
}

export async function writeReportSection(file: string, name: string, body: string): Promise<void> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  await writeFileAtomic(file, replaceSection(text, name, body));
}
