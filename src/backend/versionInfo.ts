// Versions of the pieces the backend runs on. onnxruntime-node is required lazily here (not at module
// load) so that a broken native install turns into a clear error on `version` instead of a backend
// that dies at start-up and restarts in a loop.
import { PROTOCOL_VERSION, type VersionInfo, type SupportedBackend } from '../protocol/backend';

export function versionInfo(): VersionInfo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as {
    env: { versions: { node?: string; common?: string } };
    listSupportedBackends(): SupportedBackend[];
  };
  return {
    protocolVersion: PROTOCOL_VERSION,
    node: process.versions.node,
    onnxruntimeNode: ort.env.versions.node ?? 'unknown',
    backends: ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled })),
    pid: process.pid,
    platform: process.platform,
    arch: process.arch,
  };
}
