// `sslmem version`: what the backend runs on (node, onnxruntime-node, execution providers in this build).
import { withBackend, backendOptions } from '../backend';
import { defineCommand, EXIT } from '../command';

export const versionCommand = defineCommand({
  name: 'version',
  summary: 'show the versions of node, onnxruntime-node and the execution providers the backend can load',
  options: { ...backendOptions, json: { type: 'boolean', description: 'print machine-readable JSON' } },
  async run({ options }, io) {
    const info = await withBackend(options, io, (client) => client.request('version', {}));
    if (options.json) {
      io.out(`${JSON.stringify(info, null, 2)}\n`);
    } else {
      const providers = info.backends.map((b) => (b.bundled ? b.name : `${b.name} (needs extra libraries)`)).join(', ');
      io.out(`sslmem backend  protocol ${info.protocolVersion}, pid ${info.pid}\n`);
      io.out(`node             ${info.node} (${info.platform}-${info.arch})\n`);
      io.out(`onnxruntime-node ${info.onnxruntimeNode}\n`);
      io.out(`providers        ${providers}\n`);
    }
    return EXIT.ok;
  },
});
