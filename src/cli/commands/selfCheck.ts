// `sslmem self-check`: runs the backend's selfCheck job (a job that computes nothing; it exercises progress,
// cancellation and process plumbing). Progress bar on stderr; Ctrl-C cancels the job cleanly.
import { BackendError } from '../../protocol/backend';
import { withBackend, backendOptions } from '../backend';
import { defineCommand, EXIT, cancelOnInterrupt } from '../command';
import { ProgressLine } from '../progress';

export const selfCheckCommand = defineCommand({
  name: 'self-check',
  summary: 'run the backend self-check job (progress + cancellation round trip; computes nothing)',
  options: {
    ...backendOptions,
    steps: { type: 'number', description: 'number of steps (default 20)', placeholder: 'n' },
    'step-ms': { type: 'number', description: 'milliseconds per step (default 100)', placeholder: 'ms' },
  },
  async run({ options }, io) {
    const { signal, unsubscribe } = cancelOnInterrupt(io, 'cancelling… (Ctrl-C again to quit at once)');
    const bar = new ProgressLine(io.err, io.errIsTTY);
    try {
      const result = await withBackend(options, io, (client) =>
        client.request(
          'selfCheck',
          { steps: options.steps ?? 20, stepMs: options['step-ms'] ?? 100 },
          { signal: signal, onProgress: (p) => bar.update(p.step, p.steps, p.message) },
        ),
      );
      bar.finish();
      io.out(`self-check passed: ${result.stepsDone} steps in ${result.elapsedMs} ms (backend pid ${result.pid})\n`);
      return EXIT.ok;
    } catch (err) {
      bar.finish();
      if (err instanceof BackendError && err.code === 'cancelled') {
        io.err('self-check cancelled\n');
        return EXIT.cancelled;
      }
      throw err;
    } finally {
      unsubscribe();
    }
  },
});
