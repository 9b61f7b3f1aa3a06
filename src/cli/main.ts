// Dispatches `sslmem <command> [options]` to a subcommand. Kept apart from src/cli.ts (process wiring) so
// tests can run the whole CLI with buffered output.
import { parseArgs, UsageError } from './args';
import { EXIT, type CliIO } from './command';
import { commands } from './commands';
import { overview, usageOf } from './commands/help';
import { BackendError } from '../protocol/backend';

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(overview(commands));
    return EXIT.ok;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`sslmem: unknown command '${name}'. Run 'sslmem help' for the list of commands.\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(usageOf(cmd));
    return EXIT.ok;
  }
  try {
    return await cmd.run(parseArgs(rest, cmd.options), io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`sslmem ${cmd.name}: ${err.message}\n\n${usageOf(cmd)}`);
      return EXIT.usage;
    }
    io.err(`sslmem ${cmd.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    // An explicit --ep that cannot run here is a choice to change, like a usage mistake (no usage text: the
    // message says what to use instead).
    if (err instanceof BackendError && err.code === 'provider-unavailable') return EXIT.usage;
    return EXIT.failed;
  }
}
