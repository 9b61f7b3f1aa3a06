// A tiny argument parser (no dependencies): `--name value`, `--name=value`, `-n value`, boolean `--flag`
// and `--no-flag`, and `--` to end options. Each subcommand declares its options; anything undeclared is
// a usage error, so a typo never silently falls back to a default.

export type OptionType = 'boolean' | 'string' | 'number';
export interface OptionSpec {
  type: OptionType;
  short?: string;
  description: string;
  placeholder?: string;
}
export type OptionsSpec = Record<string, OptionSpec>;

type ValueOf<T extends OptionType> = T extends 'boolean' ? boolean : T extends 'number' ? number : string;
export type OptionValues<S extends OptionsSpec> = { [K in keyof S]?: ValueOf<S[K]['type']> };
export interface ParsedArgs<S extends OptionsSpec> {
  options: OptionValues<S>;
  positionals: string[];
}

/** A mistake in how the command was called: reported with usage help and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs<S extends OptionsSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const options: Record<string, string | number | boolean> = {};
  const positionals: string[] = [];
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, o]) => o.short)
      .map(([name, o]) => [o.short as string, name]),
  );

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }

    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      const long = byShort.get(arg.slice(1));
      if (!long) throw new UsageError(`unknown option '${arg}'`);
      name = long;
    }

    if (!(name in spec) && name.startsWith('no-') && spec[name.slice(3)]?.type === 'boolean' && inline === undefined) {
      options[name.slice(3)] = false;
      continue;
    }
    const opt = spec[name];
    if (!opt) throw new UsageError(`unknown option '--${name}'`);
    if (opt.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new UsageError(`--${name} takes no value (or =true / =false)`);
      options[name] = inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    if (opt.type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
      options[name] = n;
    } else {
      options[name] = raw;
    }
  }
  return { options: options as OptionValues<S>, positionals };
}

/** The options block of a command's help text, one aligned line per option. */
export function formatOptions(spec: OptionsSpec): string {
  const rows = Object.entries(spec).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'boolean' ? '' : ` <${o.placeholder ?? o.type}>`}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(0, ...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`).join('\n');
}
