// Runs the backend's message loop inside the calling process (CLI --in-process): no child, same code path.
// Messages are cloned in both directions so handlers and callers never share mutable objects — the same
// guarantee the IPC channel gives.
import type { TransportFactory } from './client';
import { BackendServer } from './server';

export function inProcessTransport(): TransportFactory {
  return (events) => {
    let alive = true;
    const server = new BackendServer((msg) => {
      if (alive) queueMicrotask(() => events.onMessage(structuredClone(msg)));
    });
    return {
      pid: process.pid,
      send: (msg) => {
        if (alive) server.handle(structuredClone(msg));
      },
      kill: () => {
        if (!alive) return;
        alive = false;
        server.cancelAll();
        events.onExit(0, null);
      },
    };
  };
}
