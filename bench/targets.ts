/**
 * The servers under test, each in its own process so none shares an event loop with the load generator:
 * ours (compiled as `npm start` runs it, on the benchmark's redis-server), plain oidc-provider on memory, and a
 * bare Koa handler.
 * Each writes its stdout and stderr to a file of its own (bench/results/logs/<run>/), never to a pipe into this process:
 * ours logs a line per request, and reading tens of thousands of lines a second would spend the load
 * generator's CPU, on the same cores as the servers, on ours only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
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
  /** CPU time (user + system) the process and its children have used so far, in seconds. */
  cpuSeconds(): number;
  /** Where its stdout and stderr go. */
  logFile: string;
  stop(): Promise<void>;
}

/** A figure of a process (from /proc) summed over it and its descendants. */
function treeSum(pid: number, of: (pid: number) => number): number {
  let total = 0;
  try {
    total += of(pid);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += treeSum(Number(child), of);
    }
  } catch {
    // the process ended between two reads
  }
  return total;
}

const rssOf = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

function cpuOf(pid: number): number {
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
}

/** This run's server logs: a directory per run, so runs side by side (a smoke test during a benchmark) keep theirs apart. */
const LOGS = join(ROOT, 'bench', 'results', 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const READY_POLL_MS = 50;

/** Resolves once `file` contains `ready`, reading it every READY_POLL_MS until then (and never after). */
function waitForLine(file: string, ready: string, child: ChildProcess, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const tail = () => readFileSync(file, 'utf8').slice(-20_000);
    const timer = setInterval(() => {
      if (tail().includes(ready)) {
        clearInterval(timer);
        child.off('exit', onExit);
        resolve();
      }
    }, READY_POLL_MS);
    const onExit = (code: number | null) => {
      clearInterval(timer);
      reject(new Error(`${name} exited with ${code} before listening (${file}):\n${tail()}`));
    };
    child.once('exit', onExit);
  });
}

/** Set by `--profile`: ours and plain oidc-provider run under `node --cpu-prof`, each writing a profile here when it stops. */
export const profiling: { dir?: string } = {};

/** `root`: the checkout the server runs from (another revision's, for `--against`); `args`: node's, after profiling's. */
async function launch(name: string, kind: Target['kind'], args: string[], env: Record<string, string>, ready: string, port?: number, root = ROOT): Promise<Target> {
  port ??= await freePort();
  const profile = kind !== 'koa' && profiling.dir ? ['--cpu-prof', `--cpu-prof-dir=${join(profiling.dir, name)}`] : [];
  const origin = `http://127.0.0.1:${port}`;
  mkdirSync(LOGS, { recursive: true });
  const logFile = join(LOGS, `${name}.log`);
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [...profile, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  closeSync(log); // the child holds its own copy
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForLine(logFile, ready, child, name);
  return {
    name,
    kind,
    origin,
    pid: child.pid!,
    logFile,
    rss: () => treeSum(child.pid!, rssOf),
    cpuSeconds: () => treeSum(child.pid!, cpuOf),
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
  /** Run ours from this checkout rather than this one (bench/revision.ts). */
  root?: string;
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
    // The load generator is one address starting thousands of sign-ins: the flood limit would refuse it. The counter
    // is still taken on every new interaction, so its cost stays in the figures.
    INTERACTION_RATE_LIMIT: '100000',
    ...(options.workers ? { WORKERS: String(options.workers) } : {}),
    ...options.extraEnv,
  };
  // The issuer names the port, so it is chosen here.
  return launch(name, 'ours', ourEntry(options.root ?? ROOT), env, '"msg":"listening"', port, options.root);
}

const built = new Map<string, string[]>();

/**
 * How node starts ours in `root`: with the node arguments of that checkout's `npm start`, compiled there first (`npm
 * run build`, once per run), as the image runs it; a revision whose start script ran tsx runs its TypeScript through
 * tsx, as it shipped.
 */
function ourEntry(root: string): string[] {
  let entry = built.get(root);
  if (!entry) {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
    const node = /^node (.+)$/.exec(scripts.start)?.[1];
    if (node) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    entry = node ? node.split(' ') : ['--import', 'tsx', 'src/main.ts'];
    built.set(root, entry);
  }
  return entry;
}

export const startBaseline = (name: string, alg = 'RS256') => launch(name, 'baseline', ['--import', 'tsx', 'bench/servers/baseline.ts'], { ALG: alg }, 'listening');
/** The bare Koa handler serves the documents of `documentsFrom` (ours), so both answer the same bytes. */
export const startBareKoa = (documentsFrom: Target) => launch('bare-koa', 'koa', ['--import', 'tsx', 'bench/servers/bare-koa.ts'], { DOCUMENTS_FROM: documentsFrom.origin }, 'listening');
