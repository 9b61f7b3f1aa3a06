// `sslmem help [command]`: the command list, or one command's usage and options.
import { formatOptions, UsageError } from '../args';
import { defineCommand, EXIT, type CliCommand } from '../command';

export function usageOf(cmd: CliCommand): string {
  const opts = Object.keys(cmd.options).length ? ' [options]' : '';
  return `usage: sslmem ${cmd.name}${opts}${cmd.args ? ` ${cmd.args}` : ''}\n\n${cmd.summary}\n${opts ? `\noptions:\n${formatOptions(cmd.options)}\n` : ''}`;
}

export function overview(all: readonly CliCommand[]): string {
  const width = Math.max(...all.map((c) => c.name.length));
  const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `SSLMem Studio command line: memorization analysis of self-supervised image encoders.\n\nusage: sslmem <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'sslmem help <command>' for a command's options.\n`;
}

/** Built with a getter for the full list, since help is itself one of the commands it lists. */
export function helpCommand(all: () => readonly CliCommand[]): CliCommand {
  return defineCommand({
    name: 'help',
    summary: 'show this help, or the options of one command',
    args: '[command]',
    options: {},
    async run({ positionals }, io) {
      if (positionals.length === 0) {
        io.out(overview(all()));
        return EXIT.ok;
      }
      const cmd = all().find((c) => c.name === positionals[0]);
      if (!cmd) throw new UsageError(`unknown command '${positionals[0]}'`);
      io.out(usageOf(cmd));
      return EXIT.ok;
    },
  });
}
