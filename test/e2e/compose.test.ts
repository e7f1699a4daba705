/**
 * The compose stack and the image, checked without a container engine: `docker-compose config` (Debian's
 * docker-compose validates alone) must accept the file, and the stack must be wired as docs/operations.md says.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { composeConfig, type ComposeService } from '../support/compose-config.js';
import { freePort } from '../support/ports.js';
import { startTestProvider } from '../support/provider.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

let services: Record<string, ComposeService>;
let volumes: Record<string, unknown>;

beforeAll(async () => {
  ({ services, volumes } = await composeConfig(ROOT));
});

/** The start command docs/operations.md documents for the server in a container. */
function documentedStartCommand(): string {
  const command = read('docs/operations.md').match(/start command is `([^`]+)`/)?.[1];
  if (!command) throw new Error('docs/operations.md documents no start command');
  return command;
}

describe('docker-compose.yml', () => {
  test('docker-compose config accepts it: redis, the provider and the example app', () => {
    expect(Object.keys(services).sort()).toEqual(['provider', 'redis', 'spa']);
  });

  test('redis persists append-only on a named volume and has a healthcheck', () => {
    const { redis } = services;
    expect(redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(redis!.volumes).toEqual(['redis-data:/data:rw']);
    expect(Object.keys(volumes)).toEqual(['redis-data']);
    expect(redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  test('the provider is built from the Dockerfile, waits for a healthy Redis, runs the documented start command', () => {
    const { provider } = services;
    expect(provider!.build).toMatchObject({ target: 'provider' });
    expect(provider!.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(provider!.command!.join(' ')).toBe(documentedStartCommand());
    expect(provider!.environment).toMatchObject({ ISSUER: 'http://localhost:3000', REDIS_URL: 'redis://redis:6379', DEMO: 'true', NODE_ENV: 'development' });
    expect(provider!.ports).toEqual([{ published: 3000, target: 3000 }]);
  });

  test('the example app is on its own origin, and the demo client accepts its redirect URIs', () => {
    const { spa, provider } = services;
    expect(spa!.ports).toEqual([{ published: 4000, target: 4000 }]);
    const args = spa!.command!;
    const arg = (name: string) => args[args.indexOf(name) + 1];
    expect(arg('--authority')).toBe(provider!.environment!.ISSUER);
    expect(arg('--port')).toBe('4000');
    const demo = JSON.parse(read('config/demo.json')) as { clients: { client_id: string; redirect_uris: string[] }[] };
    const client = demo.clients.find((c) => c.client_id === arg('--client-id'));
    expect(client?.redirect_uris).toEqual(expect.arrayContaining(['http://localhost:4000/', 'http://localhost:4000/silent-renew.html']));
    expect(new URL(provider!.environment!.ISSUER!).origin).not.toBe('http://localhost:4000');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stage = (name: string) => dockerfile.split(/^FROM /m).find((s) => new RegExp(`AS ${name}\\n`).test(s)) ?? '';

  test('the provider stage: production dependencies, production mode, a non-root user, a healthcheck, the documented command', () => {
    expect(stage('deps')).toContain('npm ci --omit=dev');
    const provider = stage('provider');
    expect(provider).toContain('COPY --from=deps /app/node_modules');
    expect(provider).toContain('ENV NODE_ENV=production');
    expect(provider).toMatch(/^USER node$/m);
    expect(provider).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    const cmd = JSON.parse(provider.match(/^CMD (\[.*\])$/m)![1]!) as string[];
    expect(cmd.join(' ')).toBe(documentedStartCommand());
  });

  test("the HEALTHCHECK command exits 0 against a live server and 1 when nothing answers", async () => {
    const line = stage('provider').match(/^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m)?.[1];
    const [node, ...args] = JSON.parse(line!) as string[];
    expect(node).toBe('node');
    const check = (port: number) =>
      promisify(execFile)(process.execPath, args, { env: { PORT: String(port) } }).then(
        () => 0,
        (err: { code?: number }) => err.code,
      );
    const op = await startTestProvider(undefined);
    try {
      expect(await check(op.port)).toBe(0);
    } finally {
      await op.close(500);
    }
    expect(await check(await freePort())).toBe(1);
  });

  test('the start command runs the server compiled in the build stage, as npm start does', () => {
    expect(documentedStartCommand()).toBe('node --max-semi-space-size=64 dist/start.cjs');
    expect(stage('build')).toMatch(/^RUN npm run build$/m);
    expect(stage('provider')).toContain('COPY --from=build /app/dist ./dist');
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(scripts.start).toBe(documentedStartCommand());
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  });
});
