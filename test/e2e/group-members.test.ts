/**
 * A group's members on a real Redis, through the command line and the admin API: pages by offset and limit read
 * the member index, never every user; every change keeps the index equal to the user records; an export imported
 * into an empty Redis brings the index with it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { jsonOf, runCli } from '../support/cli.js';
import { useConfigDirs } from '../support/config-dir.js';
import { FAST_ARGON2, useProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const fixture = useProvider();
const files = useConfigDirs();
let target: TestRedis;
let token = '';

const cliOn = (redis: () => TestRedis) => (args: string[], stdin?: string) => runCli(args, { REDIS_URL: redis().url, REDIS_KEY_PREFIX: redis().prefix, NODE_ENV: 'test', ...FAST_ARGON2 }, stdin);
const cli = cliOn(() => fixture.redis);
const onTarget = cliOn(() => target);

beforeAll(async () => {
  target = await startTestRedis();
  token = String(jsonOf(await cli(['admin-token', 'create', '--name', 'members-robot', '--json'])).token);
});
afterAll(async () => {
  await target?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${fixture.op.issuer}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** The member index as the user records say it should be, and as Redis holds it: group key → usernames. */
async function indexAndRecords(server: TestRedis): Promise<{ expected: Record<string, string[]>; actual: Record<string, string[]> }> {
  const redis = new Redis(server.url, { keyPrefix: server.prefix });
  try {
    const expected: Record<string, string[]> = {};
    for (const json of await redis.hvals('{users}:records')) {
      const user = JSON.parse(json) as { username: string; groups?: string[] };
      for (const group of new Set((user.groups ?? []).map((g) => g.toLowerCase()))) (expected[group] ??= []).push(user.username);
    }
    for (const members of Object.values(expected)) members.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const actual: Record<string, string[]> = {};
    for (const set of await redis.smembers('{users}:indexes')) actual[set.replace(/^group:/, '')] = await redis.zrange(`{users}:index:${set}`, '0', '-1');
    return { expected, actual };
  } finally {
    redis.disconnect();
  }
}

async function expectIndexMatches(server: TestRedis) {
  const { expected, actual } = await indexAndRecords(server);
  expect(actual).toEqual(expected);
}

/** The commands Redis ran while `run` ran, each as its arguments (MONITOR). */
async function commandsDuring(run: () => Promise<unknown>): Promise<string[][]> {
  const client = new Redis(fixture.redis.url);
  const monitor = await client.monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
  try {
    await run();
    // A marker after the run: every command before it has been reported once the marker is.
    const marker = `marker-${Date.now()}`;
    const heard = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => args.includes(marker) && resolve()));
    await client.echo(marker);
    await heard;
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
  return seen;
}

const usersRecords = () => `${fixture.redis.prefix}{users}:records`;
/** A command that reads every user: HVALS, HGETALL, HKEYS or HSCAN of the users' records. */
const readsEveryUser = (commands: string[][]) => commands.filter(([name, key]) => ['hvals', 'hgetall', 'hkeys', 'hscan'].includes(String(name).toLowerCase()) && key === usersRecords());

describe('a group of many users, through the command line and the admin API', () => {
  const members = Array.from({ length: 25 }, (_, i) => `crew${String(i).padStart(2, '0')}`);

  test('pages by offset and limit come from the index; each change keeps index and records equal', async () => {
    expect((await cli(['group', 'create', 'Crew', '--description', 'On board'])).code).toBe(0);
    expect((await api('POST', '/groups', { name: 'Bridge' })).status).toBe(201);
    for (const username of members) expect((await api('POST', '/users', { username, password: 'long enough password', groups: ['crew'] })).status).toBe(201);
    for (let i = 0; i < 15; i++) expect((await api('POST', '/users', { username: `passenger${i}`, password: 'long enough password' })).status).toBe(201);
    await expectIndexMatches(fixture.redis);

    let pages: unknown[] = [];
    const reads = await commandsDuring(async () => {
      pages = [(await api('GET', '/groups/CREW?offset=0&limit=10')).json, (await api('GET', '/groups/crew?offset=20&limit=10')).json];
    });
    expect(pages).toEqual([
      expect.objectContaining({ name: 'Crew', members: members.slice(0, 10), memberCount: 25, next: 10 }),
      expect.objectContaining({ name: 'Crew', members: members.slice(20), memberCount: 25 }),
    ]);
    expect((pages[1] as Record<string, unknown>).next).toBeUndefined();
    expect(readsEveryUser(reads)).toEqual([]);
    expect(reads.some(([name, key]) => String(name).toLowerCase() === 'zrange' && key === `${fixture.redis.prefix}{users}:index:group:crew`)).toBe(true);

    const shown = jsonOf(await cli(['group', 'show', 'crew', '--offset', '10', '--limit', '10', '--json']));
    expect(shown).toMatchObject({ name: 'Crew', members: members.slice(10, 20), memberCount: 25, next: 20 });
    expect((await cli(['group', 'show', 'crew', '--limit', '501'])).stderr).toMatch(/limit/);

    // Every path that changes a membership.
    expect((await cli(['group', 'add-member', 'bridge', 'crew00', 'passenger0'])).code).toBe(0);
    expect((await cli(['group', 'remove-member', 'crew', 'crew01'])).code).toBe(0);
    expect((await cli(['user', 'update', 'crew02', '--group', 'Bridge'])).code).toBe(0);
    expect((await cli(['user', 'create', '--username', 'late', '--password-stdin', '--group', 'Crew', '--group', 'Bridge'], 'long enough password\n')).code).toBe(0);
    expect((await api('PATCH', '/users/passenger1', { groups: ['Crew'] })).status).toBe(200);
    expect((await api('DELETE', '/groups/crew/members/crew03')).status).toBe(204);
    expect((await api('DELETE', '/users/crew04')).status).toBe(204);
    expect((await cli(['user', 'delete', 'crew05'])).code).toBe(0);
    await expectIndexMatches(fixture.redis);
    expect(jsonOf(await cli(['group', 'show', 'crew', '--limit', '500', '--json']))).toMatchObject({ memberCount: 25 - 5 + 2 });
  });

  test('export → import into an empty Redis brings the index; deleting a group reads only its members', async () => {
    const document = jsonOf(await cli(['export', '--json']));
    const file = join(files({ 'export.json': document }), 'export.json');
    expect(jsonOf(await onTarget(['import', file, '--json']))).toMatchObject({ imported: { users: (document.users as unknown[]).length, groups: 2 } });
    await expectIndexMatches(target);
    const onSource = jsonOf(await cli(['group', 'show', 'crew', '--limit', '500', '--json']));
    expect(jsonOf(await onTarget(['group', 'show', 'crew', '--limit', '500', '--json']))).toEqual(onSource);
    expect(jsonOf(await onTarget(['group', 'show', 'bridge', '--json']))).toMatchObject({ members: ['crew00', 'crew02', 'late', 'passenger0'], memberCount: 4 });

    const reads = await commandsDuring(async () => expect((await api('DELETE', '/groups/Crew')).status).toBe(204));
    expect(readsEveryUser(reads)).toEqual([]);
    await expectIndexMatches(fixture.redis);
    expect((await api('GET', '/users/passenger1')).json?.groups).toBeUndefined();
    expect((await api('GET', '/users/late')).json).toMatchObject({ groups: ['Bridge'] });
  });
});
