// The shape of one CLI subcommand. Each lives in its own file under src/cli/commands/ and is listed once in
// src/cli/commands/index.ts — adding `run`, `score`, `report`, `export`, `demo` later touches nothing else.
import type { OptionsSpec, ParsedArgs } from './args';

/** Where a command writes and what it can see: process streams in dist/cli.js, buffers in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars redraw in place only then). */
  errIsTTY: boolean;
  /** Folder holding dist/backend.js. */
  distDir: string;
  /** Ctrl-C: subscribe for the duration of a command; returns an unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export interface CliCommand<S extends OptionsSpec = OptionsSpec> {
  name: string;
  summary: string;
  /** Positional arguments, for the usage line (e.g. '<dataset-folder>'); empty when none. */
  args?: string;
  options: S;
  run(args: ParsedArgs<S>, io: CliIO): Promise<number>;
}

/** Keeps a command's option types while storing it in a list of mixed commands. */
export function defineCommand<S extends OptionsSpec>(cmd: CliCommand<S>): CliCommand {
  return cmd as unknown as CliCommand;
}

/**
 * Ctrl-C for a long command: the first press says `message` and aborts the returned signal (the job stops at
 * its next safe point and stays resumable); a second press exits at once. Call `unsubscribe` when done.
 */
export function cancelOnInterrupt(io: CliIO, message: string): { signal: AbortSignal; unsubscribe: () => void } {
  const abort = new AbortController();
  let interrupts = 0;
  const unsubscribe = io.onInterrupt(() => {
    if (++interrupts === 1) {
      io.err(`\n${message}\n`);
      abort.abort();
    } else process.exit(EXIT.cancelled);
  });
  return { signal: abort.signal, unsubscribe };
}
