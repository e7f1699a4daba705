/** Fetching what a client registered: refused before any connection when the host is not public. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fetchPublic, NotPublicError, publicLookup } from '../../src/http/public-fetch.js';

let server: Server;
let port: number;
let requests = 0;
const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (allowLoopback: boolean) => ({ allowLoopback, timeoutMs: 2000, maxBytes: 1024 });

describe('fetchPublic', () => {
  test('a name resolving to loopback, or a loopback literal, is refused without connecting', async () => {
    requests = 0;
    expect(await fetchPublic(`http://localhost:${port}/logo.png`, options(false))).toBeUndefined();
    expect(await fetchPublic(`http://127.0.0.1:${port}/logo.png`, options(false))).toBeUndefined();
    expect(await fetchPublic(`http://[::ffff:127.0.0.1]:${port}/logo.png`, options(false))).toBeUndefined();
    expect(requests).toBe(0);
  });

  test('development allows loopback', async () => {
    expect(await fetchPublic(`http://localhost:${port}/logo.png`, options(true))).toEqual({ contentType: 'image/png', body: PNG });
  });

  test('a body over the limit is dropped', async () => {
    expect(await fetchPublic(`http://127.0.0.1:${port}/logo.png`, { ...options(true), maxBytes: 4 })).toBeUndefined();
  });

  test('the lookup hands the connection only addresses it checked', async () => {
    const lookup = publicLookup(false);
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (err) => resolve(err)));
    expect(error).toBeInstanceOf(NotPublicError);
    expect(error?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1): not a public address$/);
    const allowed = await new Promise<unknown>((resolve) => publicLookup(true)('localhost', { all: true } as object, (_err, addresses) => resolve(addresses)));
    expect(allowed).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });
});
