/**
 * The example app alone, for the compose stack (where the provider runs in its own container):
 * `serve.ts --authority http://localhost:3000 --client-id demo-spa --port 4000 --host 0.0.0.0`.
 */
import { parseArgs } from 'node:util';
import { serveSpa } from './server.js';

const { values } = parseArgs({
  options: {
    authority: { type: 'string', default: 'http://localhost:3000' },
    'client-id': { type: 'string', default: 'demo-spa' },
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const spa = await serveSpa({ authority: values.authority, clientId: values['client-id'], port: Number(values.port), host: values.host });
process.stdout.write(`example app ${spa.url} (provider ${values.authority}, client ${values['client-id']})\n`);

const stop = () => void spa.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
