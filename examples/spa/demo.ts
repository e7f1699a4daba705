/**
 * `npm run demo`: the provider on its embedded default (in-memory store, demo client and users) and the
 * example app on its own origin, registered as the demo client `demo-spa`.
 */
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/server.js';
import { loadSettings } from '../../src/config/settings.js';
import { serveSpa } from './server.js';

const settings = loadSettings({ ...process.env });
const logger = createLogger(settings.logLevel);
const provider = await startServer(settings, logger);
const spa = await serveSpa({ authority: settings.issuer, clientId: 'demo-spa', port: 4000, host: 'localhost' });

const users = (settings.demo?.users ?? []).map((u) => `${u.username} / ${u.password}`).join(', ');
process.stdout.write(`provider  ${settings.issuer}\nopen      ${spa.url}   (sign in as ${users})\n`);

const stop = async () => {
  await Promise.all([spa.close(), provider.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
