/**
 * The audit trail through the real server: a flood of refused sign-ins with huge usernames over the login route
 * stays within the trails' bounds in Redis, is counted per address, and pushes no admin change out; and every
 * event also goes out as one JSON log line of the documented schema (docs/audit.md), with no password in it.
 */
import { USERNAME_MAX } from '../../src/input-bounds.js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { AUDIT_TRAILS } from '../../src/audit/audit-event.js';
import { AUDIT_STREAMS, trailBoundBytes } from '../../src/audit/redis-audit.js';
import { authorizeUrl, implicitParams, signIn, submitLogin } from '../support/flows.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { UserAgent } from '../support/user-agent.js';

/** Every line the server's logger writes, parsed. */
const logLines: Record<string, unknown>[] = [];
const auditLines = () => logLines.filter((l) => l.msg === 'audit').map((l) => l.audit as Record<string, unknown>);

let redis: TestRedis;
let op: TestProvider;
let client: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  op = await startTestProvider(redis, { LOG_LEVEL: 'info' }, logger);
  client = new Redis(redis.url, { keyPrefix: redis.prefix });
});
afterAll(async () => {
  await client?.quit();
  await op?.close(500);
  await redis?.close();
});

async function adminApi(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${op.issuer}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

// First: the flood below trips the throttle for this address.
describe('the log copy', () => {
  test('a sign-in writes its audit lines with the documented fields, and no password', async () => {
    const before = logLines.length;
    const final = await signIn(new UserAgent(op.issuer), authorizeUrl(op.issuer, implicitParams()), ALICE);
    expect(final.status).toBe(302);
    await op.stores.audit.flush();

    const lines = logLines.slice(before).filter((l) => l.msg === 'audit');
    const fields = new Set(['v', 'time', 'type', 'outcome', 'actor', 'user', 'client', 'ip', 'action', 'count', 'truncated']);
    for (const line of lines) {
      expect(line).toMatchObject({ level: 30, time: expect.any(Number) });
      for (const key of Object.keys(line.audit as object)) expect(fields.has(key)).toBe(true);
    }
    const audits = lines.map((l) => l.audit);
    expect(audits).toEqual(
      expect.arrayContaining([
        { v: 1, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), type: 'login', outcome: 'success', actor: ALICE.username, user: ALICE.sub, client: 'spa-both', ip: expect.any(String) },
        expect.objectContaining({ v: 1, type: 'token.issued', outcome: 'success', user: ALICE.sub, client: 'spa-both', action: 'authorization id_token token' }),
      ]),
    );
    expect(JSON.stringify(logLines)).not.toContain(ALICE.password);
    expect(JSON.stringify(auditLines())).not.toContain('a wrong password');
  });
});

describe('a flood of refused sign-ins through the login route', () => {
  test('refuses oversized usernames at the edge; at the bound it stays within each trail bound, is counted per address, and leaves the earlier admin change in the tail', async () => {
    const { token } = await op.stores.adminTokens.create('flood-test');
    const created = await adminApi('POST', '/clients', token, { name: 'Before the flood', redirectUris: ['https://before.example.test/cb'], responseTypes: ['id_token token'] });
    expect(created.status).toBe(201);
    const clientId = String(created.json.client_id);

    const ua = new UserAgent(op.issuer);
    const page = await ua.follow(authorizeUrl(op.issuer, implicitParams()));
    // An oversized username is refused at the edge: it never reaches the throttle, the trail or the log.
    const oversized = await Promise.all(Array.from({ length: 20 }, (_, i) => submitLogin(ua, page, `${i}`.padEnd(15_900, 'm'), 'a wrong password')));
    expect(oversized.map((hop) => hop.status)).toEqual(Array(20).fill(400));
    const posts = 600;
    const statuses: number[] = [];
    for (let sent = 0; sent < posts; sent += 20) {
      const wave = Array.from({ length: 20 }, (_, i) => submitLogin(ua, page, `${sent + i}`.padEnd(USERNAME_MAX, 'm'), 'a wrong password'));
      statuses.push(...(await Promise.all(wave)).map((hop) => hop.status));
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(posts / 2); // the address throttle tripped
    await op.stores.audit.flush();

    for (const trail of AUDIT_TRAILS) {
      expect(Number(await client.call('MEMORY', 'USAGE', AUDIT_STREAMS[trail].key, 'SAMPLES', '0'))).toBeLessThanOrEqual(trailBoundBytes(trail));
    }
    const { json } = await adminApi('GET', '/audit?limit=10000&type=login', token);
    const refusals = (json.events as Record<string, unknown>[]).filter((e) => e.outcome === 'failure' && e.client === 'spa-both');
    // Every attempt at the bound is accounted for, in far fewer events; none of the oversized ones.
    expect(refusals.reduce((sum, e) => sum + Number(e.count ?? 1), 0)).toBe(posts);
    expect(refusals.length).toBeLessThan(posts / 4);
    expect(refusals.some((e) => e.action === 'throttled' && Number(e.count) > 1)).toBe(true);
    for (const e of refusals) expect(e.user).toMatch(/^\d+m+$/);
    for (const e of refusals) expect(String(e.user).length).toBe(USERNAME_MAX);

    const admin = await adminApi('GET', '/audit?limit=50&type=admin', token);
    expect(admin.json.events).toEqual(expect.arrayContaining([expect.objectContaining({ outcome: 'success', action: 'client create', client: clientId, actor: 'token:flood-test' })]));
  });
});
