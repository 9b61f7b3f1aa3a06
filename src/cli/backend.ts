// How CLI commands reach the backend: a child process by default (the same dist/backend.js the editor
// uses), or the same message loop in this process with --in-process (easier to debug, one process).
import * as path from 'node:path';
import { BackendClient, childProcessTransport } from '../backend/client';
import { inProcessTransport } from '../backend/inProcess';
import type { OptionsSpec } from './args';
import type { CliIO } from './command';

export const backendOptions = {
  'in-process': { type: 'boolean', description: 'run the backend inside the CLI process instead of a child process' },
  verbose: { type: 'boolean', short: 'v', description: "print the backend's log on stderr" },
} satisfies OptionsSpec;

/** Starts a client for the duration of `body` and always stops the backend afterwards (else the CLI would hang). */
export async function withBackend<T>(
  opts: { 'in-process'?: boolean; verbose?: boolean },
  io: CliIO,
  body: (client: BackendClient) => Promise<T>,
): Promise<T> {
  const factory = opts['in-process'] ? inProcessTransport() : childProcessTransport(path.join(io.distDir, 'backend.js'));
  const client = new BackendClient(factory, {
    onLog: (m) => {
      if (opts.verbose || m.level === 'error') io.err(`[backend ${m.level}] ${m.message}\n`);
    },
  });
  try {
    return await body(client);
  } finally {
    client.dispose();
  }
}
