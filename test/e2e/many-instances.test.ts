/**
 * Two provider processes on one Redis behind one address, as behind a load balancer: a session made on one is
 * honoured by the other (cookies signed with the shared COOKIE_KEYS, every record in Redis).
 */
import { createServer, request, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ALICE, testEnv } from '../support/provider.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { freePort } from '../support/ports.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

/** A one-address front that sends each request to the backend the test chooses, counting what each served. */
interface Front {
  url: string;
  backend: number;
  served: Map<number, number>;
  server: Server;
}

async function startFront(port: number): Promise<Front> {
  const front: Front = { url: `http://127.0.0.1:${port}`, backend: 0, served: new Map(), server: createServer() };
  front.server.on('request', (req, res) => {
    const target = front.backend;
    front.served.set(target, (front.served.get(target) ?? 0) + 1);
    const upstream = request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.server.listen(port, '127.0.0.1', resolve));
  return front;
}

let redis: TestRedis;
let front: Front;
const instances: ServerProcess[] = [];
const ports: number[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  const frontPort = await freePort();
  front = await startFront(frontPort);
  const cookieKeys = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')].join(',');
  for (let i = 0; i < 2; i++) {
    // One issuer, the front's address; each process on its own port, with the same cookie keys.
    const env = await testEnv(redis, { COOKIE_KEYS: cookieKeys });
    ports.push(Number(env.PORT));
    instances.push(await startServerProcess({ ...env, ISSUER: front.url }));
  }
}, 60_000);

afterAll(async () => {
  for (const instance of instances) if (instance.child.exitCode === null) await instance.stop();
  await new Promise((resolve) => front?.server.close(resolve));
  await redis?.close();
});

describe('two processes on one Redis', () => {
  test('sign in on the first; the second, alone after the first stops, signs in silently on that session', async () => {
    const [first, second] = ports as [number, number];
    front.backend = first;
    const ua = new UserAgent(front.url);
    const signedIn = fragmentParams((await signIn(ua, authorizeUrl(front.url, implicitParams()), ALICE)).location);
    expect(signedIn.get('id_token')).toBeTruthy();
    expect(front.served.get(second) ?? 0).toBe(0);

    expect(await instances[0]!.stop()).toBe(0);
    front.backend = second;
    const silent = await ua.follow(authorizeUrl(front.url, implicitParams({ prompt: 'none', nonce: 'on-the-second', response_type: 'id_token token' })));
    const fragment = fragmentParams(silent.location);
    expect(fragment.get('error')).toBeNull();
    const { payload } = await verifyIdToken(front.url, fragment.get('id_token')!, 'spa-both');
    expect(payload).toMatchObject({ sub: ALICE.sub, nonce: 'on-the-second', sid: expect.any(String) });
    expect(front.served.get(second)).toBeGreaterThan(0);

    // The access token the first one issued is honoured by the second.
    const userinfo = await fetch(`${front.url}/me`, { headers: { authorization: `Bearer ${signedIn.get('access_token')}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: ALICE.sub });
  });
});
