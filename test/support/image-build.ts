/**
 * Stages a Dockerfile target's file system the way `docker build --target` would, without a container engine:
 * each stage is a directory standing for the image's `/`, its COPY lines copy from the build context (minus
 * .dockerignore) or from other stages (`--from`), and its RUN lines run here. What the image would run on (the
 * base image's programs: node, npm) comes from the host; only its users and ENV are taken from a table.
 * A file a COPY line leaves out is missing here too, so the services started from these trees fail as the
 * containers would.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { basename, delimiter, dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { buildContext, type BuildContext } from './build-context.js';
import { parseDockerfile, type Stage } from './dockerfile.js';

export interface ImageUser {
  uid: number;
  gid: number;
}

export interface Image {
  /** The directory that stands for the image's `/`. */
  root: string;
  /** The image's working directory (absolute, inside the image). */
  workdir: string;
  env: Record<string, string>;
  user: ImageUser;
  /** The users the image's /etc/passwd knows, by name. */
  users: Record<string, ImageUser>;
  cmd?: string[];
  healthcheck?: { argv: string[]; options: Record<string, string> };
  exposed: string[];
}

interface BaseImage {
  env: Record<string, string>;
  users: Record<string, ImageUser>;
}

/** What the rehearsal takes from each base image the Dockerfile may start from (from the image's config and /etc/passwd). */
const BASE_IMAGES: Record<string, BaseImage> = {
  'node:22-bookworm-slim': {
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    users: { root: { uid: 0, gid: 0 }, node: { uid: 1000, gid: 1000 } },
  },
};

/** A path inside the image, as a path on the host. */
export function hostPath(image: Image, path: string): string {
  return join(image.root, posix.resolve(image.workdir, path));
}

/** The image's environment with the host's node (the runtime the rehearsal uses) first on PATH. */
export function withHostNode(env: Record<string, string>): Record<string, string> {
  const path = env.PATH ?? '';
  const node = dirname(process.execPath);
  return { ...env, PATH: path.split(delimiter).includes(node) ? path : `${node}${delimiter}${path}` };
}

type RunStep = (image: Image, project: string) => Promise<void>;

/** The RUN steps the Dockerfile may use, and how each is done here. Any other step is an error. */
const RUN_STEPS: Record<string, RunStep> = {
  // Really run, in the stage's directory: the provider must start on production dependencies only. From npm's
  // cache where it can (the host's `npm ci` filled it), so the rehearsal costs no downloads. Under the umask a
  // build container has, whatever this process's is (the image's user must read the result), and with the
  // dependencies' install scripts run, as the image's npm 10 runs them (npm 11 here would skip them unless told).
  'npm ci --omit=dev': async (image) => {
    await promisify(execFile)('sh', ['-c', 'umask 022 && exec npm ci --omit=dev --prefer-offline --no-audit --no-fund --dangerously-allow-all-scripts'], {
      cwd: hostPath(image, '.'),
      env: withHostNode({ ...image.env, HOME: process.env.HOME ?? '/root' }),
      maxBuffer: 16 * 1024 * 1024,
    });
  },
  // Shrinks the image's layer; here it would empty the host's npm cache, which the install above reads from.
  'npm cache clean --force': async () => {},
  // Every dependency from the same lock file is what the project's own `npm ci` installed: the stage's
  // node_modules is that directory, rather than a second full install (the stage only lends one package out).
  'npm ci --ignore-scripts': async (image, project) => {
    symlinkSync(join(project, 'node_modules'), hostPath(image, 'node_modules'));
  },
  // Really run: the server the stack starts is the one compiled here, from the stage's own copy of src.
  'npm run build': async (image) => {
    await promisify(execFile)('sh', ['-c', 'umask 022 && exec npm run build'], { cwd: hostPath(image, '.'), env: withHostNode({ ...image.env, HOME: process.env.HOME ?? '/root' }) });
  },
};

export interface ImageBuilder {
  /** Builds (once) the stage named `target` and the stages it needs. */
  build(target: string): Promise<Image>;
}

/** `dir` receives one directory per stage; the caller removes it. */
export function imageBuilder(project: string, dir: string, dockerfile = 'Dockerfile'): ImageBuilder {
  const context: BuildContext = buildContext(project);
  const stages = parseDockerfile(readFileSync(join(project, dockerfile), 'utf8'));
  const built = new Map<Stage, Promise<Image>>();
  const named = (name: string) => {
    const stage = stages.find((s) => s.name === name);
    if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
    return stage;
  };
  const stageImage = (stage: Stage): Promise<Image> => {
    let image = built.get(stage);
    if (!image) {
      image = buildStage(stage, join(dir, stage.name ?? `stage-${stages.indexOf(stage)}`));
      built.set(stage, image);
    }
    return image;
  };

  async function start(stage: Stage, root: string): Promise<Image> {
    const parent = stages.find((s) => s.name === stage.from);
    if (parent) {
      const image = await stageImage(parent);
      cpSync(image.root, root, { recursive: true, verbatimSymlinks: true });
      return { ...image, root, env: { ...image.env } };
    }
    const base = BASE_IMAGES[stage.from];
    if (!base) throw new Error(`the rehearsal knows no base image ${stage.from}: add what it needs to BASE_IMAGES`);
    mkdirSync(root, { recursive: true });
    return { root, workdir: '/', env: { ...base.env }, user: base.users.root!, users: base.users, exposed: [] };
  }

  /** COPY: a directory's contents go into the destination; files go into it when it is a directory. */
  async function copy(image: Image, sources: string[], dest: string, from?: string): Promise<void> {
    const intoDir = dest.endsWith('/') || sources.length > 1;
    for (const source of sources) {
      let path: string;
      if (from) {
        path = join((await stageImage(named(from))).root, posix.resolve('/', source));
      } else {
        const inContext = posix.normalize(source);
        if (inContext.startsWith('..') || context.excluded(inContext)) throw new Error(`COPY ${source}: not in the build context`);
        path = join(context.root, inContext);
      }
      if (!existsSync(path)) throw new Error(`COPY ${from ? `--from=${from} ` : ''}${source}: not found`);
      const target = !statSync(path).isDirectory() && intoDir ? join(hostPath(image, dest), basename(source)) : hostPath(image, dest);
      const filter = from ? undefined : (src: string) => !context.excluded(relative(context.root, src));
      cpSync(path, target, { recursive: true, verbatimSymlinks: true, ...(filter ? { filter } : {}) });
    }
  }

  async function buildStage(stage: Stage, root: string): Promise<Image> {
    const image = await start(stage, root);
    for (const step of stage.instructions) {
      switch (step.kind) {
        case 'WORKDIR':
          image.workdir = posix.resolve(image.workdir, step.path);
          mkdirSync(hostPath(image, '.'), { recursive: true });
          break;
        case 'COPY':
          await copy(image, step.sources, step.dest, step.from);
          break;
        case 'RUN':
          for (const part of step.command.split('&&').map((p) => p.trim())) {
            const run = RUN_STEPS[part];
            if (!run) throw new Error(`the rehearsal does not know how to RUN ${part}: add it to RUN_STEPS`);
            await run(image, project);
          }
          break;
        case 'ENV':
          Object.assign(image.env, step.vars);
          break;
        case 'USER': {
          const user = image.users[step.user];
          if (!user) throw new Error(`USER ${step.user}: the base image has no such user`);
          image.user = user;
          break;
        }
        case 'EXPOSE':
          image.exposed.push(...step.ports);
          break;
        case 'HEALTHCHECK':
          image.healthcheck = { argv: step.argv, options: step.options };
          break;
        case 'CMD':
          image.cmd = step.argv;
          break;
      }
    }
    return image;
  }

  return { build: (target) => stageImage(named(target)) };
}
