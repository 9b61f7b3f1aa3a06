// Shared by the in-host suites: the activated extension's API, and polling (the workbench tells the
// extension host about tabs and webviews asynchronously, so assertions wait for them).
import * as vscode from 'vscode';
import type { SslmemApi } from '../../src/extension';

export const EXTENSION_ID = 'sslmem.sslmem-studio';

export async function activeApi(): Promise<{ api: SslmemApi; extension: vscode.Extension<SslmemApi> }> {
  const extension = vscode.extensions.getExtension<SslmemApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  return { api, extension };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the first value an event fires that passes `accept`. */
export function nextEvent<T>(event: vscode.Event<T>, accept: (v: T) => boolean, timeoutMs = 15_000, what = 'event'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event((v) => {
      if (accept(v)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(v);
      }
    });
  });
}
