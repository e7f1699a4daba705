/**
 * `npm run demo`: the provider with the demo client and users (in memory, or loaded into the Redis REDIS_URL names)
 * and the example app on its own origin, registered as the demo client `demo-spa`.
 */
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/server.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { AppError } from '../../src/errors.js';
import { serveSpa } from './server.js';

/** One line on standard error, exit 1: why the demo cannot run. */
function refuse(why: string): never {
  process.stderr.write(`npm run demo: ${why}\n`);
  process.exit(1);
}

let settings: Settings;
try {
  // The demo's client and users are what it shows: on, also with Redis, unless DEMO says otherwise.
  settings = loadSettings({ DEMO: 'true', ...process.env });
} catch (err) {
  refuse(err instanceof AppError ? err.message : String(err));
}
if (!settings.demo) refuse('DEMO=false: the demo needs its client and users (unset DEMO)');
const logger = createLogger(settings.logLevel);
const provider = await startServer(settings, logger).catch((err: unknown) => {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') refuse(`port ${settings.port} is already in use: set PORT to a free port`);
  refuse(err instanceof AppError ? `${err.message} (the demo data goes into the Redis REDIS_URL names)` : String(err));
});
const spa = await serveSpa({ authority: settings.issuer, clientId: 'demo-spa', port: 4000, host: 'localhost' });

const users = settings.demo.users.map((u) => `${u.username} / ${u.password}`).join(', ');
const storage = settings.redis ? 'demo users loaded into Redis (REDIS_URL); demo client from config/demo.json' : 'in memory';
process.stdout.write(`provider  ${settings.issuer}   (${storage})\nopen      ${spa.url}   (sign in as ${users})\n`);

const stop = async () => {
  await Promise.all([spa.close(), provider.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
