/**
 * `docker compose up --build` rehearsed without a container engine, from what `docker-compose config` resolves:
 * each service's image is staged from the Dockerfile (or stood in for, when pulled), each service runs in its own
 * network namespace on the project's network with its compose `command` and `environment` over the image's ENV,
 * as the image's user, in the image's working directory (or the volume mounted there), as PID 1 of its own PID
 * namespace (behind tini with `init: true`); published ports are
 * forwarded from the namespace standing for the machine; `depends_on` conditions are waited for, health meaning
 * the compose healthcheck or else the image's HEALTHCHECK, run inside the container as Docker runs it.
 */
import { chownSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { composeConfig, type ComposeService } from './compose-config.js';
import { composeNetwork, type ComposeNetwork } from './compose-network.js';
import { containerExec, containerStart, pid1, type Container } from './container-process.js';
import { hostPath, imageBuilder, withHostNode, type Image, type ImageBuilder, type ImageUser } from './image-build.js';
import { pulledImage, type PulledImage } from './pulled-images.js';
import type { Teardown } from './teardown.js';

/** Between two runs of a failing healthcheck. Docker waits its `interval` (5 s, 10 s here); the rehearsal need not. */
const HEALTH_RETRY_MS = 500;
/** `docker compose down` waits this long after SIGTERM unless the service says otherwise (stop_grace_period). */
const DEFAULT_GRACE = '10s';

export interface ComposeStack {
  readonly network: ComposeNetwork;
  /** What happened, in order: `<service> started`, `<service> healthy`. */
  readonly events: string[];
  /** `docker compose exec <service> ...`: as the image's user, in its working directory. */
  exec(service: string, argv: string[]): Promise<{ code: number | null; output: string }>;
  /** The directory holding a named volume. */
  volume(name: string): string;
  logs(service: string): string;
  /** Resolves once a service has logged `text` (`docker compose logs -f` until it shows); rejects if it exits first. */
  logged(service: string, text: string): Promise<void>;
  /** `docker compose down` (volumes kept): SIGTERM to each service, dependents first, SIGKILL after its grace period. */
  down(): Promise<Record<string, number | string | null>>;
}

interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string | null>;
}

function milliseconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  return total;
}

function track(child: ChildProcess): Running {
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('error', (err) => {
      output += String(err);
      resolve(null);
    });
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  return { child, output: () => output, exited };
}

const isRunning = (r: Running) => r.child.exitCode === null && r.child.signalCode === null;

/** Signals a container's PID 1, as `docker stop` / `docker kill` do. */
function signal(r: Running, name: NodeJS.Signals): void {
  try {
    process.kill(pid1(r.child), name);
  } catch {
    // exited meanwhile
  }
}

/** A directory a container's user owns (its HOME, its /tmp). */
function ownDir(path: string, user: ImageUser, mode: number): string {
  mkdirSync(path, { recursive: true });
  chownSync(path, user.uid, user.gid);
  chmodSync(path, mode);
  return path;
}

/**
 * Brings the stack up in `dir` (images, volumes, homes); everything it starts or creates is undone by `teardown`.
 * Resolves once every service is started and every `depends_on` condition was met.
 */
export async function composeUp(project: string, dir: string, teardown: Teardown): Promise<ComposeStack> {
  chmodSync(dir, 0o755); // the services' users must reach their images inside it
  const { services } = await composeConfig(project);
  const names = Object.keys(services);
  const service = (name: string): ComposeService => {
    const found = services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };

  // --build: every built service's image first; builds from one Dockerfile share their stages, as BuildKit's do.
  const builders = new Map<string, ImageBuilder>();
  const images: Record<string, Image | PulledImage> = {};
  await Promise.all(
    names.map(async (name) => {
      const { build, image } = service(name);
      if (build) {
        if (!build.target) throw new Error(`${name}: the rehearsal builds named targets only`);
        const key = `${build.context}\n${build.dockerfile ?? 'Dockerfile'}`;
        if (!builders.has(key)) builders.set(key, imageBuilder(build.context, ownDir(join(dir, `build-${builders.size}`), { uid: 0, gid: 0 }, 0o755), build.dockerfile));
        images[name] = await builders.get(key)!.build(build.target);
      } else if (image) {
        images[name] = pulledImage(image, join(dir, 'pulled'));
      } else {
        throw new Error(`${name}: neither build nor image`);
      }
    }),
  );

  const volumes = new Map<string, string>();
  const volume = (name: string) => {
    if (!volumes.has(name)) volumes.set(name, ownDir(join(dir, 'volumes', name), { uid: 0, gid: 0 }, 0o755));
    return volumes.get(name)!;
  };
  /** Container paths with a named volume mounted, as directories here. Bind mounts are not understood. */
  const mounts = (name: string) =>
    new Map(
      (service(name).volumes ?? []).map((spec) => {
        const [source = '', target = ''] = spec.split(':');
        if (source.startsWith('/') || source.startsWith('.')) throw new Error(`${name}: bind mounts are not understood: ${spec}`);
        return [target, volume(source)] as const;
      }),
    );
  const inContainer = (name: string, path: string) => mounts(name).get(path) ?? hostPath(images[name]!, path);

  const network = await composeNetwork(names, teardown);

  const containers = new Map<string, Container>();
  /** The container `docker exec` enters: the image's user, its working directory, the service's environment. */
  const container = (name: string): Container => {
    let found = containers.get(name);
    if (!found) {
      const image = images[name]!;
      const others = [...mounts(name).keys()].filter((path) => path !== image.workdir);
      if (others.length) throw new Error(`${name}: volumes only at the working directory are understood, not at ${others.join(', ')}`);
      const home = join(dir, 'home', name);
      const tmp = join(dir, 'tmp', name);
      const environment = Object.entries(service(name).environment ?? {}).filter((e): e is [string, string] => e[1] !== null);
      found = {
        namespace: network.namespace(name),
        user: image.user,
        cwd: inContainer(name, image.workdir),
        // HOME and TMPDIR stand in for the container's own home directory and /tmp.
        env: withHostNode({ HOME: home, TMPDIR: tmp, ...image.env, ...Object.fromEntries(environment) }),
      };
      mkdirSync(home, { recursive: true });
      mkdirSync(tmp, { recursive: true });
      containers.set(name, found);
    }
    return found;
  };

  const published = names.flatMap((name) => (service(name).ports ?? []).map((p) => `${p.published}=${network.address(name)}:${p.target}`));
  if (published.length) {
    const publisher = track(
      spawn('ip', ['netns', 'exec', network.host, process.execPath, '--import', 'tsx', join(import.meta.dirname, 'published-ports.ts'), ...published], {
        cwd: project,
        env: { PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    teardown.add(async () => {
      publisher.child.kill('SIGKILL');
      await publisher.exited;
    });
    await new Promise<void>((resolve, reject) => {
      publisher.child.stdout?.on('data', () => publisher.output().includes('published') && resolve());
      void publisher.exited.then((code) => reject(new Error(`the published ports' forwarder exited with ${code}: ${publisher.output()}`)));
    });
  }

  const events: string[] = [];
  const running = new Map<string, Running>();
  const start = (name: string) => {
    const image = images[name]!;
    const base = container(name);
    // compose's `command` replaces the image's CMD; a pulled image's entrypoint then has its say.
    const command = service(name).command ?? image.cmd;
    if (!command) throw new Error(`${name}: no command`);
    const { argv, user, owns } = 'entrypoint' in image ? image.entrypoint(command) : { argv: command, user: image.user, owns: [] };
    for (const path of owns) chownSync(inContainer(name, path), user.uid, user.gid);
    ownDir(base.env.HOME!, user, 0o700);
    ownDir(base.env.TMPDIR!, user, 0o1777);
    const proc = track(containerStart({ ...base, user }, argv, { init: service(name).init === true }));
    running.set(name, proc);
    teardown.add(async () => {
      if (!isRunning(proc)) return;
      signal(proc, 'SIGKILL'); // PID 1 gone, its namespace's other processes go too; unshare then exits
      proc.child.kill('SIGKILL');
      await proc.exited;
    });
    events.push(`${name} started`);
  };

  const healthy = async (name: string) => {
    const test = service(name).healthcheck?.test ?? (images[name]!.healthcheck ? ['CMD', ...images[name]!.healthcheck!.argv] : undefined);
    if (!test || test[0] === 'NONE') throw new Error(`${name} has no healthcheck: depends_on service_healthy cannot be met`);
    const [form, ...rest] = test;
    const argv = form === 'CMD' ? rest : form === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : undefined;
    if (!argv) throw new Error(`${name}: healthcheck form ${form} not understood`);
    const proc = running.get(name)!;
    for (;;) {
      if ((await containerExec(container(name), argv)).code === 0) break;
      if (!isRunning(proc)) throw new Error(`${name} exited (${await proc.exited}) before it was healthy:\n${proc.output()}`);
      await delay(HEALTH_RETRY_MS);
    }
    events.push(`${name} healthy`);
  };

  const starting = new Map<string, Promise<void>>();
  const up = (name: string): Promise<void> => {
    let done = starting.get(name);
    if (!done) {
      done = (async () => {
        for (const [dependency, { condition }] of Object.entries(service(name).depends_on ?? {})) {
          await up(dependency);
          if (condition === 'service_healthy') await healthy(dependency);
          else if (condition !== 'service_started') throw new Error(`${name}: depends_on condition ${condition} not understood`);
        }
        start(name);
      })();
      starting.set(name, done);
    }
    return done;
  };
  await Promise.all(names.map(up));

  return {
    network,
    events,
    exec: (name, argv) => containerExec(container(name), argv),
    volume,
    logs: (name) => running.get(name)?.output() ?? '',
    logged: (name, text) =>
      new Promise((resolve, reject) => {
        const proc = running.get(name)!;
        const seen = () => proc.output().includes(text) && resolve();
        seen();
        proc.child.stdout?.on('data', seen);
        proc.child.stderr?.on('data', seen);
        void proc.exited.then((code) => reject(new Error(`${name} exited (${code}) without logging ${text}:\n${proc.output()}`)));
      }),
    async down() {
      const codes: Record<string, number | string | null> = {};
      const order = events.filter((e) => e.endsWith(' started')).map((e) => e.slice(0, -' started'.length));
      for (const name of order.reverse()) {
        const proc = running.get(name)!;
        if (isRunning(proc)) {
          signal(proc, 'SIGTERM');
          const grace = new AbortController();
          const killed = delay(milliseconds(service(name).stop_grace_period ?? DEFAULT_GRACE), undefined, { signal: grace.signal }).then(
            () => {
              signal(proc, 'SIGKILL');
              return true;
            },
            () => false,
          );
          await proc.exited;
          grace.abort();
          // Said here: unshare's own exit status after its child is killed is not the child's.
          if (await killed) codes[name] = 'SIGKILL';
        }
        codes[name] ??= await proc.exited;
      }
      return codes;
    },
  };
}
