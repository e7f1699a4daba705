/**
 * Serves the implicit-flow example on its own origin, oidc-client's dist file beside it:
 * `npx tsx examples/spa-implicit/server.ts --authority http://localhost:3000 --client-id ID --port 4000`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serveStaticSite, type RunningSite } from '../static-server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LIBRARY = join(dirname(createRequire(import.meta.url).resolve('oidc-client/package.json')), 'dist', 'oidc-client.min.js');

export function serveImplicitSpa(options: { authority: string; clientId: string; port: number; host?: string }): Promise<RunningSite> {
  return serveStaticSite({ ...options, root: join(HERE, 'public'), vendor: { '/vendor/oidc-client.min.js': LIBRARY } });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { authority: { type: 'string' }, 'client-id': { type: 'string' }, port: { type: 'string', default: '4000' } } });
  if (!values.authority || !values['client-id']) throw new Error('usage: server.ts --authority ISSUER --client-id ID [--port 4000]');
  const site = await serveImplicitSpa({ authority: values.authority, clientId: values['client-id'], port: Number(values.port) });
  process.stdout.write(`open ${site.url}\n`);
}
