/**
 * SIGTERM on the real process: it stops accepting at once, lets a request in flight finish, writes what it
 * buffered, closes Redis and exits 0.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { ALICE, testEnv } from '../support/provider.js';
import { startServerProcess } from '../support/process.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { UserAgent } from '../support/user-agent.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.close();
});

async function opened(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** Resolves with what the server sent once it closes the connection or the response is complete. */
function responseOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('close', () => resolve(text));
  });
}

describe('SIGTERM', () => {
  test('refuses new connections, finishes the request in flight, flushes, closes Redis, exits 0', async () => {
    const env = await testEnv(redis);
    const port = Number(env.PORT);
    const server = await startServerProcess(env);
    // A login just before the signal: its audit event is still in the buffer when the signal comes.
    await signIn(new UserAgent(env.ISSUER!), authorizeUrl(env.ISSUER!, implicitParams()), ALICE);

    // A token request whose body is only half sent: in flight until the test sends the rest.
    const body = 'grant_type=authorization_code&code=abc';
    const inFlight = await opened(port);
    const answer = responseOf(inFlight);
    inFlight.write(`POST /token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
    // A full round trip on another connection: by its answer, the server has read the first request's head.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);

    const stopping = new Promise<void>((resolve) => {
      const onData = () => {
        if (server.output().includes('"msg":"stopping"')) resolve();
      };
      server.child.stdout?.on('data', onData);
    });
    const exited = server.stop();
    await stopping;

    // New connections are refused while the old one is still being served. The log line comes just before the
    // listener closes: a connection made in between is reset unserved; the next ones are refused.
    let refusal: string | undefined;
    for (let attempt = 0; attempt < 100 && refusal !== 'ECONNREFUSED'; attempt++) {
      const socket = connect(port, '127.0.0.1');
      const outcome = await Promise.race([
        once(socket, 'error').then(([err]) => (err as NodeJS.ErrnoException).code),
        once(socket, 'close').then(() => 'closed'),
      ]);
      socket.destroy();
      expect(['ECONNREFUSED', 'ECONNRESET', 'closed']).toContain(outcome);
      refusal = outcome;
    }
    expect(refusal).toBe('ECONNREFUSED');
    expect(inFlight.destroyed).toBe(false);

    inFlight.write(body.slice(10));
    const response = await answer;
    // Answered in full, by the token endpoint, after reading the whole body: an OAuth error about the request.
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toMatch(/"error":"invalid_\w+"/);
    inFlight.destroy();

    expect(await exited).toBe(0);
    const output = server.output();
    expect(output.indexOf('"msg":"stopped: requests finished, Redis closed"')).toBeGreaterThan(output.indexOf('"msg":"stopping"'));

    // The buffered audit event was written before Redis was closed.
    const reader = new Redis(redis.url, { keyPrefix: redis.prefix });
    try {
      const entries = await reader.xrange('audit', '-', '+'); // the stream RedisAudit appends to
      const events = entries.flatMap(([, fields]) => JSON.parse(fields[1]!) as { type: string; outcome: string }[]);
      expect(events).toContainEqual(expect.objectContaining({ type: 'login', outcome: 'success' }));
    } finally {
      reader.disconnect();
    }
  });
});
