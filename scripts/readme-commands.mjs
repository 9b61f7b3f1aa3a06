#!/usr/bin/env node
// The README's Quickstart commands, one per line, exactly as a new user would type them: the lines of the
// first ```bash block under "## Quickstart", without their trailing `# comments`. `.ci/run` executes what
// this prints, so CI and the README cannot drift apart (test/unit/foundation/readmeCommands.test.ts checks
// that the block still holds the two commands the README promises).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Quickstart commands of a README's markdown text. Throws when the section or its block is missing. */
export function quickstartCommands(markdown) {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Quickstart'));
  if (!section) throw new Error('README has no "## Quickstart" section');
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('the Quickstart section has no ```bash block');
  return block[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readme = fileURLToPath(new URL('../README.md', import.meta.url));
  for (const command of quickstartCommands(readFileSync(readme, 'utf8'))) console.log(command);
}
