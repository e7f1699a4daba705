/**
 * One redis-server process (standalone, cluster node or Sentinel) on a given loopback port: the one place the tests
 * spawn Redis. It can be killed and started again on the same port and arguments, as a crash and a restart would be,
 * and paused and resumed, as a hung server would be.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RedisProcess {
  readonly port: number;
  /** Everything it has written to stdout, over every start. */
  output(): string;
  /** Spawns it and resolves once its output shows it ready. */
  start(): Promise<void>;
  /** Kills it (SIGKILL, as a crash would); nothing when it is not running. */
  stop(): Promise<void>;
  /** SIGSTOP: its connections stay open and nothing answers. */
  pause(): void;
  resume(): void;
  /** Resolves once its output after the first `since` characters matches `pattern`; rejects if it exits first. */
  waitFor(pattern: RegExp, since?: number): Promise<void>;
}

export interface RedisProcessOptions {
  port: number;
  /** A configuration file, for a process that must own one (Sentinel rewrites its own). */
  config?: string;
  /** redis-server's arguments, after --port and --bind. */
  args: string[];
  /** What its output says once it can be used: a standalone server or a cluster node accepting connections. */
  readyWhen?: RegExp;
}

/** Append-only persistence with an fsync on every write: a process killed with SIGKILL comes back with all of it. */
export const PERSISTENT = ['--appendonly', 'yes', '--appendfsync', 'always'];

export function redisProcess({ port, config, args, readyWhen = /Ready to accept connections/ }: RedisProcessOptions): RedisProcess {
  let child: ChildProcess | undefined;
  let text = '';
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const waitFor = (pattern: RegExp, since = 0) =>
    new Promise<void>((resolve, reject) => {
      const watched = child;
      if (!watched) return reject(new Error('redis-server is not running'));
      const done = () => {
        watched.stdout?.off('data', check);
        watched.off('exit', exited);
      };
      const check = () => {
        if (!pattern.test(text.slice(since))) return;
        done();
        resolve();
      };
      const exited = (code: number | null) => {
        done();
        reject(new Error(`redis-server exited with ${code}: ${text}`));
      };
      watched.stdout?.on('data', check);
      watched.once('exit', exited);
      check();
    });

  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    if (!child?.pid || !running()) throw new Error(`redis-server is not running: cannot send ${name}`);
    process.kill(child.pid, name);
  };

  return {
    port,
    output: () => text,
    async start() {
      const since = text.length;
      child = spawn('redis-server', [...(config ? [config] : []), '--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const spawned = child;
      await Promise.race([waitFor(readyWhen, since), new Promise((_, reject) => spawned.once('error', reject))]);
    },
    async stop() {
      const current = child;
      child = undefined;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGKILL');
      await exited;
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    waitFor,
  };
}
