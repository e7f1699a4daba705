/**
 * A throwaway Apache httpd (Debian's apache2) on a free loopback port: its own ServerRoot, config, PidFile, logs and
 * document root in a temporary folder, the modules it needs loaded from /usr/lib/apache2/modules, a site config
 * included, and the environment the site config reads (${NAME}).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export const apacheInstalled = () => existsSync(APACHE) && existsSync(join(MODULES, 'mod_auth_openidc.so'));

export interface ApacheOptions {
  /** Copied into the temporary folder as the document root. */
  htdocs: string;
  /** Site config files Include-d after the server's own lines. */
  include: string[];
  /** Module names (the file is mod_NAME.so) beyond the ones every server here needs. */
  modules?: string[];
  /** The environment the included config reads; APP_ORIGIN is added. */
  env?: Record<string, string>;
  /** The port to listen on (a free one when not given): a client registered before Apache starts names it. */
  port?: number;
}

export interface RunningApache {
  origin: string;
  root: string;
  /** Everything Apache wrote to its error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Debian's apache2 has core, unixd, log_config and so built in. */
const BASE_MODULES = ['mpm_event', 'authz_core', 'authz_user', 'authn_core', 'mime', 'dir', 'include'];

export async function startApache({ htdocs, include, modules = [], env = {}, port: wanted }: ApacheOptions): Promise<RunningApache> {
  const root = await mkdtemp(join(tmpdir(), 'apache-'));
  await chmod(root, 0o755); // the worker processes run as www-data when started by root
  await cp(htdocs, join(root, 'htdocs'), { recursive: true });
  const port = wanted ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const asRoot = process.getuid?.() === 0;
  const conf = [
    `ServerRoot "${root}"`,
    `ServerName 127.0.0.1`,
    `Listen 127.0.0.1:${port}`,
    `PidFile "${root}/httpd.pid"`,
    `DefaultRuntimeDir "${root}"`,
    `Mutex file:${root} default`,
    `ErrorLog "${root}/error.log"`,
    `LogLevel notice`,
    ...[...BASE_MODULES, ...modules].map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    `TypesConfig /etc/mime.types`,
    `AddType text/html .shtml`,
    `AddOutputFilter INCLUDES .shtml`,
    `DirectoryIndex index.html index.shtml`,
    `DocumentRoot "${root}/htdocs"`,
    `<Directory "${root}/htdocs">`,
    `  Options +IncludesNoExec`,
    `  Require all granted`,
    `</Directory>`,
    ...include.map((file) => `Include "${file}"`),
    '',
  ].join('\n');
  await writeFile(join(root, 'httpd.conf'), conf);

  const child: ChildProcess = spawn(APACHE, ['-f', join(root, 'httpd.conf'), '-DFOREGROUND'], {
    env: { PATH: process.env.PATH ?? '', ...env, APP_ORIGIN: origin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Syntax errors come on stderr, before the error log is open; the rest goes to the log file, watched for the line
  // that says the server is serving.
  let startup = '';
  const errorLog = join(root, 'error.log');
  const log = () => startup + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const watcher = watch(root);
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (log().includes('resuming normal operations')) resolve();
    };
    watcher.on('change', check);
    child.stdout!.on('data', (chunk: Buffer) => (startup += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (startup += chunk.toString()));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`apache2 exited ${code} before serving:\n${log()}`)));
    check();
  }).finally(() => watcher.close());
  try {
    await ready;
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    origin,
    root,
    errorLog: log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(root, { recursive: true, force: true });
    },
  };
}
