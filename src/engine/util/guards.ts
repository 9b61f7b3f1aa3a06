// The one plain-object guard, at the bottom of the engine so the engine's readers of stored JSON (run
// configs) and the protocol's validators of webview messages (src/protocol/guards.ts re-exports it) share it.
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
