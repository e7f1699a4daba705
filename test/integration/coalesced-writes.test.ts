/** Commands made in one turn of the event loop leave in one write, on every socket the client connects. */
import { afterEach, expect, test } from '@jest/globals';
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/storage/redis.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let redis: Redis | undefined;
afterEach(() => redis?.disconnect());

const socketOf = (client: Redis) => (client as unknown as { stream: Socket }).stream;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("a turn's commands wait in the corked socket and leave together once the turn is over, each with its own reply", async () => {
  redis = createRedis({ mode: 'standalone', url: fixture.server().url, keyPrefix: fixture.server().prefix }) as Redis;
  await redis.connect();
  const socket = socketOf(redis);
  await nextTurn();
  expect(socket.writableCorked).toBe(0);
  const replies = Promise.all([redis.set('coalesced', 'v'), redis.get('coalesced'), redis.incr('coalesced:n'), redis.get('missing')]);
  expect(socket.writableCorked).toBe(1);
  expect(socket.writableLength).toBeGreaterThan(0); // held, not yet written
  expect(await replies).toEqual(['OK', 'v', 1, null]);
  expect(socket.writableCorked).toBe(0);
  expect(socket.writableLength).toBe(0);
});

test('a reconnected client coalesces on its new socket', async () => {
  redis = createRedis({ mode: 'standalone', url: fixture.server().url, keyPrefix: fixture.server().prefix }) as Redis;
  await redis.connect();
  const first = socketOf(redis);
  const ready = new Promise((resolve) => redis!.once('ready', resolve));
  redis.disconnect(true);
  await ready;
  const second = socketOf(redis);
  expect(second).not.toBe(first);
  const reply = redis.incr('coalesced:reconnected');
  expect(second.writableCorked).toBe(1);
  expect(await reply).toBe(1);
});
