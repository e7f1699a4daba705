/**
 * Connections cannot hold the process: a client that never finishes its headers is cut after the headers timeout,
 * and connections beyond the cap are dropped as they arrive while the server keeps answering everyone else.
 */
import { once } from 'node:events';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestProvider, type TestProvider } from '../support/provider.js';

/** One request on a connection of its own, closed after the answer (no keep-alive socket left behind). */
function status(op: TestProvider, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: op.port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).once('error', reject);
  });
}

async function open(op: TestProvider): Promise<Socket> {
  const socket = connect(op.port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** What a socket sees first: data from the server, or its closing. */
function firstOf(socket: Socket): Promise<'data' | 'close'> {
  return new Promise((resolve) => {
    socket.once('data', () => resolve('data'));
    socket.once('close', () => resolve('close'));
    socket.once('error', () => undefined); // a reset arrives as an error before 'close'
  });
}

describe('slow headers', () => {
  let op: TestProvider;
  beforeAll(async () => {
    op = await startTestProvider(undefined, { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '1000' });
  });
  afterAll(() => op?.close(500));

  test('half a header, then silence: the server answers 408 and closes the socket', async () => {
    const socket = await open(op);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(await status(op, '/healthz')).toBe(200);
  });
});

describe('connection cap', () => {
  const CAP = 3;
  let op: TestProvider;
  beforeAll(async () => {
    op = await startTestProvider(undefined, { HTTP_MAX_CONNECTIONS: String(CAP) });
  });
  afterAll(() => op?.close(500));

  test(`beyond ${CAP} connections a new one is dropped; once they go, a normal request works`, async () => {
    const accepted: Socket[] = [];
    op.server.on('connection', (socket: Socket) => accepted.push(socket));
    const held = [];
    for (let i = 0; i < CAP; i++) held.push(await open(op));
    while (accepted.length < CAP) await once(op.server, 'connection');

    const dropped = once(op.server, 'drop');
    const extra = await open(op);
    const seen = firstOf(extra);
    extra.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await seen).toBe('close');
    await dropped;

    const gone = accepted.map((socket) => once(socket, 'close'));
    for (const socket of held) socket.destroy();
    await Promise.all(gone);
    expect(await status(op, '/healthz')).toBe(200);
  });
});
