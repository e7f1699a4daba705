/** The server as an operator runs it: a separate process, restarted on the same Redis, refusing bad configuration. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { useConfigDirs } from '../support/config-dir.js';
import { ALICE, testEnv } from '../support/provider.js';
import { freePort } from '../support/ports.js';
import { failedStart, startServerProcess } from '../support/process.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.close();
});

describe('restart on the same Redis', () => {
  test('sessions, grants, issued access tokens and signing keys survive a restart; SIGTERM exits 0', async () => {
    const env = await testEnv(redis);
    const issuer = env.ISSUER!;
    const first = await startServerProcess(env);
    const ua = new UserAgent(issuer);
    let accessToken: string;
    let kid: string | undefined;
    try {
      const final = await signIn(ua, authorizeUrl(issuer, implicitParams({ scope: 'openid email' })), ALICE);
      const fragment = fragmentParams(final.location);
      accessToken = fragment.get('access_token')!;
      kid = (await verifyIdToken(issuer, fragment.get('id_token')!, 'spa-both')).protectedHeader.kid;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(first.output()).toContain('"msg":"stopping"');

    const second = await startServerProcess(env);
    try {
      // The session cookie and the grant from before the restart: no login, no consent.
      const silent = await ua.follow(authorizeUrl(issuer, implicitParams({ prompt: 'none', nonce: 'after', state: 'after' })));
      expect(silent.status).toBe(302);
      const fragment = fragmentParams(silent.location);
      expect(fragment.get('error')).toBeNull();
      const { payload, protectedHeader } = await verifyIdToken(issuer, fragment.get('id_token')!, 'spa-both');
      expect(payload.sub).toBe(ALICE.sub);
      expect(protectedHeader.kid).toBe(kid);

      const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(userinfo.status).toBe(200);
      expect(await userinfo.json()).toMatchObject({ sub: ALICE.sub, email: 'alice@example.com' });
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('start-up refusals name what is wrong', () => {
  const configDir = useConfigDirs();

  test('a bad client in config/clients.json: the file and the field', async () => {
    const dir = configDir({ 'clients.json': JSON.stringify([{ client_id: 'x', redirect_uris: ['not a url'], response_types: ['id_token'] }]) });
    const { code, output } = await failedStart({ NODE_ENV: 'test', CONFIG_DIR: dir, REDIS_URL: redis.url });
    expect(code).toBe(1);
    expect(output).toContain('clients.json');
    expect(output).toContain('[0].redirect_uris[0]');
    expect(output).toContain('must be an absolute URL');
    expect(output).not.toMatch(/at \w+ \(/); // a message, not a stack trace
  });

  test('an http redirect URI that is not loopback: the file, the field and the rule', async () => {
    const dir = configDir({ 'clients.json': JSON.stringify([{ client_id: 'x', redirect_uris: ['http://app.example/cb'], response_types: ['id_token'] }]) });
    const { code, output } = await failedStart({ NODE_ENV: 'test', CONFIG_DIR: dir, REDIS_URL: redis.url });
    expect(code).toBe(1);
    expect(output).toContain(`${join(dir, 'clients.json')} [0].redirect_uris[0]: http://app.example/cb must use https`);
  });

  test('an unreachable Redis: where (without the password) and why, at once and without a stack trace', async () => {
    const port = await freePort();
    const { code, output } = await failedStart({ NODE_ENV: 'test', REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(output).toContain(`oidc-op cannot start: cannot reach Redis at REDIS_URL redis://:***@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(output).not.toContain('hunter2');
    expect(output).not.toContain('Unhandled error event');
    expect(output).not.toMatch(/at \w+ \(/);
  });

  test('a bad environment variable: its name', async () => {
    const { code, output } = await failedStart({ NODE_ENV: 'test', PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toMatch(/PORT: /);
  });

  test('production refuses the in-memory store, generated keys and demo data', async () => {
    const { code, output } = await failedStart({ NODE_ENV: 'production', ISSUER: 'https://id.example.com' });
    expect(code).toBe(1);
    expect(output).toContain('NODE_ENV=production refuses to start');
    expect(output).toContain('REDIS_URL');
    expect(output).toContain('JWKS');
    expect(output).toContain('COOKIE_KEYS');
  });
});
