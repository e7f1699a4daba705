/** The audit event's bounds, its trails and its packing into Redis entries: pure, no server. */
import { describe, expect, test } from '@jest/globals';
import { pino } from 'pino';
import { AuditLog, auditLogCopy, type AuditEvent } from '../../src/audit/audit.js';
import { bounded, FIELD_BOUNDS, MAX_EVENT_BYTES, trailOf, trailsOf } from '../../src/audit/audit-event.js';
import { MemoryAudit } from '../../src/audit/memory-audit.js';
import { ENTRY_BYTES, packEntries } from '../../src/audit/redis-audit.js';

const TIME = '2026-12-01T00:00:00.000Z';
const base: AuditEvent = { time: TIME, type: 'login', outcome: 'failure' };

describe('bounded', () => {
  test('cuts each text field to its bound and says so; a short event is kept as it is, without the flag', () => {
    const long = { actor: 'a'.repeat(300), user: 'u'.repeat(15_900), client: 'c'.repeat(200), ip: '1'.repeat(100), action: 'x'.repeat(201) };
    expect(bounded({ ...base, ...long })).toEqual({
      ...base,
      actor: 'a'.repeat(FIELD_BOUNDS.actor),
      user: 'u'.repeat(FIELD_BOUNDS.user),
      client: 'c'.repeat(FIELD_BOUNDS.client),
      ip: '1'.repeat(FIELD_BOUNDS.ip),
      action: 'x'.repeat(FIELD_BOUNDS.action),
      truncated: true,
    });
    const short = { ...base, user: 'alice', client: 'app', ip: '10.0.0.1', action: 'throttled', count: 3 };
    expect(bounded(short)).toEqual(short);
    expect(FIELD_BOUNDS).toEqual({ actor: 256, user: 256, client: 128, ip: 64, action: 200 });
  });

  test('never splits a surrogate pair, and keeps only the schema fields', () => {
    const emoji = `${'u'.repeat(FIELD_BOUNDS.user - 1)}😀😀`;
    const cut = bounded({ ...base, user: emoji, password: 'hunter2' } as AuditEvent);
    expect(cut.user).toBe('u'.repeat(FIELD_BOUNDS.user - 1));
    expect(cut).not.toHaveProperty('password');
  });

  test('the largest bounded event (every field full of control characters) fits MAX_EVENT_BYTES, which fits one Redis entry', () => {
    const worst = bounded({
      time: TIME,
      type: 'consent.revoked',
      outcome: 'success',
      ...Object.fromEntries(Object.keys(FIELD_BOUNDS).map((f) => [f, '\x01'.repeat(10_000)])),
      count: Number.MAX_SAFE_INTEGER,
    });
    expect(Buffer.byteLength(JSON.stringify(worst))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(MAX_EVENT_BYTES).toBeLessThanOrEqual(ENTRY_BYTES);
  });
});

describe('trails', () => {
  test('refusals of someone not signed in go to signin; admin changes, consents and successful sign-ins to admin; tokens to tokens', () => {
    expect(trailOf({ type: 'login', outcome: 'failure' })).toBe('signin');
    expect(trailOf({ type: 'admin', outcome: 'failure', actor: 'registration' })).toBe('signin');
    expect(trailOf({ type: 'login', outcome: 'success' })).toBe('admin');
    expect(trailOf({ type: 'admin', outcome: 'failure', actor: 'cli:root' })).toBe('admin');
    expect(trailOf({ type: 'consent.given', outcome: 'success' })).toBe('admin');
    expect(trailOf({ type: 'token.issued', outcome: 'success' })).toBe('tokens');
    expect(trailsOf('login')).toEqual(['admin', 'signin']);
    expect(trailsOf('consent.revoked')).toEqual(['admin']);
  });
});

describe('packEntries', () => {
  test('packs events in order into JSON arrays of at most ENTRY_BYTES each', () => {
    const events = Array.from({ length: 100 }, (_, i) => bounded({ ...base, user: `${i}`.padEnd(FIELD_BOUNDS.user, '\x1b') }));
    const entries = packEntries(events);
    expect(entries.length).toBeGreaterThan(1);
    for (const entry of entries) expect(Buffer.byteLength(entry)).toBeLessThanOrEqual(ENTRY_BYTES);
    expect(entries.flatMap((e) => JSON.parse(e) as AuditEvent[])).toEqual(events);
  });
});

describe('AuditLog', () => {
  test('repeated refusals from one address in a batch are one event with their count; other addresses and successes are their own', async () => {
    const audit = new AuditLog(new MemoryAudit());
    for (let i = 0; i < 50; i++) audit.record({ type: 'login', outcome: 'failure', user: `u${i}`, ip: '192.0.2.7', action: 'throttled' });
    audit.record({ type: 'login', outcome: 'failure', user: 'v', ip: '192.0.2.8', action: 'throttled' });
    audit.record({ type: 'login', outcome: 'failure', user: 'w', ip: '192.0.2.7', action: 'wrong username or password' });
    audit.record({ type: 'login', outcome: 'success', user: 'alice', ip: '192.0.2.7' });
    audit.record({ type: 'login', outcome: 'success', user: 'alice', ip: '192.0.2.7' });
    const events = await audit.tail(10);
    const summary = events.map((e) => [e.ip, e.action ?? e.outcome, e.user, e.count]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['192.0.2.7', 'throttled', 'u0', 50],
        ['192.0.2.8', 'throttled', 'v', 1],
        ['192.0.2.7', 'wrong username or password', 'w', 1],
        ['192.0.2.7', 'success', 'alice', undefined],
      ]),
    );
    expect(events).toHaveLength(5);
  });

  test('each written event goes to the copy, bounded and counted', async () => {
    const copied: AuditEvent[] = [];
    const audit = new AuditLog(new MemoryAudit(), undefined, undefined, (e) => copied.push(e));
    for (let i = 0; i < 3; i++) audit.record({ type: 'login', outcome: 'failure', user: 'm'.repeat(15_900), ip: '192.0.2.7', action: 'throttled' });
    await audit.flush();
    expect(copied).toEqual([{ time: expect.any(String), type: 'login', outcome: 'failure', user: 'm'.repeat(256), ip: '192.0.2.7', action: 'throttled', count: 3, truncated: true }]);
  });
});

describe('auditLogCopy', () => {
  const logged = (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    auditLogCopy(logger)({ time: TIME, type: 'admin', outcome: 'success', actor: 'cli:root', action: 'client update' });
    logger.info('an ordinary line');
    return lines;
  };

  test('writes one info line per event with the schema version, even when the log level is warn; silent stays silent', () => {
    const line = { level: 30, msg: 'audit', audit: { v: 1, time: TIME, type: 'admin', outcome: 'success', actor: 'cli:root', action: 'client update' } };
    expect(logged('warn')).toEqual([expect.objectContaining(line)]);
    expect(logged('info')).toEqual([expect.objectContaining(line), expect.objectContaining({ msg: 'an ordinary line' })]);
    expect(logged('silent')).toEqual([]);
  });
});
