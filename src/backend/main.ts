// Entry point of the backend process (bundled to dist/backend.js). The extension host and the CLI start
// it with child_process.fork; training and scoring run here so minutes of work or a native crash never
// freeze or kill the editor. All traffic goes over the IPC channel (see src/protocol/backend.ts).
import { BackendServer } from './server';

if (!process.send) {
  console.error('dist/backend.js is the SSLMem backend process; start it with child_process.fork (or use dist/cli.js).');
  process.exit(2);
}
const send = process.send.bind(process);
const server = new BackendServer((msg) => {
  send(msg);
});

process.on('message', (msg) => server.handle(msg));

// The parent decides when this process ends. Ctrl-C in a terminal signals the whole process group, so the
// CLI's child would die before the CLI could cancel its job cleanly: ignore SIGINT here, and exit when the
// parent goes away (IPC disconnect) instead.
process.on('SIGINT', () => server.log('debug', 'SIGINT ignored; the parent cancels jobs over IPC'));
process.on('disconnect', () => {
  server.cancelAll();
  process.exit(0);
});

process.on('uncaughtException', (err) => {
  // Report, then die: the host restarts a fresh process on its next request rather than trusting this one.
  // IPC sends are asynchronous, so exit from the send callback (with a timer in case the channel is gone).
  setTimeout(() => process.exit(70), 500).unref();
  send({ kind: 'log', level: 'error', message: `uncaught exception: ${err.stack ?? err.message}` }, undefined, {}, () => process.exit(70));
});

server.log('info', `backend started: pid ${process.pid}, node ${process.version}`);
