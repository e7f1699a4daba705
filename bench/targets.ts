/**
 * The servers under test, each in its own process so none shares an event loop with the load generator:
 * ours (src/main.ts on the benchmark's redis-server), plain oidc-provider on memory, and a bare Koa handler.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/ports.js';
import { BENCH_CONFIG } from './fixture.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Target {
  name: string;
  kind: 'ours' | 'baseline' | 'koa';
  origin: string;
  pid: number;
  /** Resident memory of the process and its children (cluster workers), in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

function treeRss(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += treeRss(Number(child));
    }
  } catch {
    // the process ended between two reads
  }
  return total;
}

/** Set by `--profile`: ours runs under `node --cpu-prof`, writing a profile here when it stops. */
export const profiling: { dir?: string } = {};

async function launch(name: string, kind: Target['kind'], args: string[], env: Record<string, string>, ready: string, port?: number): Promise<Target> {
  port ??= await freePort();
  const profile = kind === 'ours' && profiling.dir ? ['--cpu-prof', `--cpu-prof-dir=${join(profiling.dir, name)}`] : [];
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes(ready)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening:\n${output}`)));
  });
  return {
    name,
    kind,
    origin,
    pid: child.pid!,
    rss: () => treeRss(child.pid!),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface OursOptions {
  redisUrl: string;
  alg?: string;
  workers?: number;
  extraEnv?: Record<string, string>;
}

/** Ours as an operator runs it, at the default (OWASP) argon2id parameters and info logging. */
export async function startOurs(name: string, options: OursOptions): Promise<Target> {
  const port = await freePort();
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://127.0.0.1:${port}`,
    CONFIG_DIR: BENCH_CONFIG,
    DEMO: 'true',
    REDIS_URL: options.redisUrl,
    ID_TOKEN_SIGNING_ALG: options.alg ?? 'RS256',
    LOG_LEVEL: 'info',
    ...(options.workers ? { WORKERS: String(options.workers) } : {}),
    ...options.extraEnv,
  };
  // The issuer names the port, so it is chosen here.
  return launch(name, 'ours', ['src/main.ts'], env, '"msg":"listening"', port);
}

export const startBaseline = (name: string, alg = 'RS256') => launch(name, 'baseline', ['bench/servers/baseline.ts'], { ALG: alg }, 'listening');
export const startBareKoa = () => launch('bare-koa', 'koa', ['bench/servers/bare-koa.ts'], {}, 'listening');
