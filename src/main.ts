/** Process entry: settings → stores → app → listen, and a clean stop on SIGTERM/SIGINT. */
import cluster from 'node:cluster';
import { startWorkers } from './cluster.js';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';
import { createAdminCommand } from './accounts/first-admin.js';
import { loopbackUrl, newCliToken, removeCliTarget, writeCliTarget } from './cli/token-file.js';
import { loadSettings, type Settings } from './config/settings.js';
import { SettingsError } from './config/settings-error.js';
import { demoTryUrl } from './config/demo-callback.js';
import { RedisUnreachable } from './storage/redis.js';

function banner(settings: Settings, running: Partial<RunningServer>, cliTokenFile: string | undefined): string {
  const lines = [`oidc-op is listening: issuer ${settings.issuer}`, `  discovery  ${settings.issuer}/.well-known/openid-configuration`];
  if (!settings.redis) {
    lines.push('  storage    IN MEMORY: nothing survives a restart; not for production (set REDIS_URL)');
  }
  if (settings.landingPage) lines.push(`  home       ${settings.issuer}/`);
  for (const client of settings.demo?.clients ?? []) lines.push(`  try        ${demoTryUrl(settings.issuer, client)}`);
  if (cliTokenFile) lines.push(`  admin      npx oidc-op client list   (reaches this server through ${cliTokenFile})`);
  if (running.firstAdmin?.outcome === 'none') lines.push(`  no administrator yet; create one:\n             ${createAdminCommand()}`);
  for (const user of settings.demo?.users ?? []) lines.push(`  demo user  ${user.username} / ${user.password}${user.role === 'admin' ? `  (administrator: ${settings.issuer}/admin)` : ''}`);
  return lines.join('\n');
}

/** Why the address could not be taken, in one line naming the variable to change; undefined for another fault. */
function listenRefusal(code: string | undefined, { port, host }: Settings): string | undefined {
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is already in use: set PORT to a free port (or HOST), or stop what listens there`;
  if (code === 'EACCES') return `port ${port} on ${host} needs privileges this user lacks: set PORT to 1024 or above`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${host} is not an address of this machine: set HOST (0.0.0.0 listens on every address)`;
  return undefined;
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`oidc-op cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(settings.logLevel);
  if (!settings.redis) logger.warn('storage is in memory: nothing survives a restart, this is not for production');
  // WORKERS > 1: this process only keeps the workers (each one runs this file again) and speaks for them.
  const primary = settings.workers > 1 && cluster.isPrimary;
  // In memory, the command line cannot open the store: it sends its commands here, with a token only our user can read.
  const cliToken = !settings.redis && !settings.production && !primary && !cluster.isWorker ? newCliToken() : undefined;
  let running: { port: number; close(): Promise<void> } & Partial<RunningServer>;
  try {
    running = primary ? await startWorkers(settings.workers, logger) : await startServer(settings, logger, { cliToken });
  } catch (err) {
    const refusal = listenRefusal((err as NodeJS.ErrnoException).code, settings);
    if (refusal) {
      process.stderr.write(`oidc-op cannot start: ${refusal}\n`);
      process.exit(1);
    }
    throw err;
  }
  let cliTarget = cliToken ? { file: settings.cliTokenFile, token: cliToken } : undefined;
  if (cliTarget) {
    await writeCliTarget(cliTarget.file, { url: loopbackUrl(settings.host, running.port), token: cliTarget.token }).catch((err: unknown) => {
      logger.warn({ file: cliTarget!.file, err: (err as Error).message }, 'could not write the command line token file (CLI_TOKEN_FILE): `oidc-op` cannot reach this server');
      cliTarget = undefined;
    });
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    logger.flush();
    const removed = cliTarget ? removeCliTarget(cliTarget.file, cliTarget.token).catch(() => undefined) : Promise.resolve();
    Promise.all([removed, running.close()]).then(
      () => {
        logger.info('stopped: requests finished, Redis closed');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  // Before "listening" is announced: a supervisor may signal as soon as it reads that line.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const where = { issuer: settings.issuer, port: running.port, storage: settings.redis?.mode ?? 'memory', ...(primary ? { workers: settings.workers } : {}) };
  logger.info(where, cluster.isWorker ? 'worker listening' : 'listening');
  logger.flush(); // at once, not with the next batch: whoever started us waits for this line
  if (!settings.production && !cluster.isWorker) process.stdout.write(`${banner(settings, running, cliTarget?.file)}\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof SettingsError || err instanceof RedisUnreachable ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`oidc-op cannot start: ${message}\n`);
  process.exit(1);
});
