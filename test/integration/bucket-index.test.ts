/** The shared-hash indexes (session uids, account grants) against a real redis-server: bounded, and expiring. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { epochSeconds as now } from '../../src/time.js';
import { BucketIndex, bucketKey, FULL_PASS_ITEMS, liveItems } from '../../src/storage/bucket-index.js';
import { useTestRedis } from '../support/test-redis.js';

const fixture = useTestRedis();
let redis: ReturnType<typeof fixture.redis>;
beforeEach(() => void (redis = fixture.redis()));
afterEach(() => fixture.clear());

/** An account's grants, more than an entry holds before additions to it are appended. */
const ids = Array.from({ length: FULL_PASS_ITEMS + 8 }, (_, i) => `grant-${String(i).padStart(2, '0')}`);

/** Fields that land in the same bucket as `field`. */
const neighbours = (field: string, count: number) =>
  Array.from({ length: 200_000 }, (_, i) => `${field}-${i}`)
    .filter((f) => bucketKey('SessionUids', f) === bucketKey('SessionUids', field))
    .slice(0, count);

describe('bucket index', () => {
  test('put replaces an entry, add joins it once, drop removes items and the entry once empty', async () => {
    const index = new BucketIndex(redis, 'AccountGrants');
    const t = now();
    await index.change('acct', 'put', ['a'], t + 60);
    await index.change('acct', 'put', ['b'], t + 60);
    expect(await index.read('acct')).toEqual(['b']);
    await index.change('acct', 'add', ['c', 'b'], t + 60);
    expect(await index.read('acct')).toEqual(['b', 'c']);
    await index.change('acct', 'drop', ['b', 'missing']);
    expect(await index.read('acct')).toEqual(['c']);
    await index.change('acct', 'drop', ['c']);
    expect(await index.read('acct')).toEqual([]);
    expect(await redis.hexists(bucketKey('AccountGrants', 'acct'), 'acct')).toBe(0);
    expect(await redis.exists(bucketKey('AccountGrants', 'acct'))).toBe(0); // the empty bucket is gone
  });

  test("an entry's expiry only extends; the bucket expires with its last entry", async () => {
    const index = new BucketIndex(redis, 'AccountGrants');
    const bucket = bucketKey('AccountGrants', 'acct');
    const t = now(); // one clock reading: a second ticking over between the write and the check must not fail it
    await index.change('acct', 'add', ['a'], t + 600);
    await index.change('acct', 'add', ['b'], t + 60);
    expect((await redis.hget(bucket, 'acct'))!.split(' ')[0]).toBe(String(t + 600));
    expect(await redis.ttl(bucket)).toBeGreaterThan(590);
  });

  test('the items of a longer entry carry their own expiries; a change drops the expired ones', async () => {
    const index = new BucketIndex(redis, 'AccountGrants');
    const bucket = bucketKey('AccountGrants', 'acct');
    const t = now(); // one clock reading: the expiries written and expected are the same numbers
    await index.change('acct', 'put', ['one'], t + 60);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 60} one`); // one item: the form earlier versions wrote
    // Two grants, one of them expired since (as if written a while ago).
    await redis.hset(bucket, 'acct', `${t + 60} old~${t - 1} live`);
    expect(await index.read('acct')).toEqual(['live']);
    await index.change('acct', 'add', ['new'], t + 600);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 600} live~${t + 60} new~${t + 600}`);
    expect(await index.read('acct')).toEqual(['live', 'new']);
    await index.change('acct', 'add', ['live'], t + 30); // never shortened
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 600} live~${t + 60} new~${t + 600}`);
    await index.change('acct', 'drop', ['new']);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 60} live`);
  });

  test('an entry of the earlier form ("<exp> <item> <item>") is read, and written back with expiries per item at its next change', async () => {
    const index = new BucketIndex(redis, 'AccountGrants');
    const bucket = bucketKey('AccountGrants', 'acct');
    const t = now(); // one clock reading: the expiries written and expected are the same numbers
    await redis.hset(bucket, 'acct', `${t + 60} a b`);
    expect(await index.read('acct')).toEqual(['a', 'b']);
    await index.change('acct', 'add', ['c'], t + 120);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 120} a~${t + 60} b~${t + 60} c~${t + 120}`);
    await redis.hset(bucket, 'acct', `${t - 1} a b`);
    expect(await index.read('acct')).toEqual([]);
    await index.change('acct', 'drop', ['a']);
    expect(await redis.hexists(bucket, 'acct')).toBe(0);
  });

  test('an addition to a long entry is appended unless it draws the full pass, which drops the expired items', async () => {
    const bucket = bucketKey('AccountGrants', 'acct');
    const appending = new BucketIndex(redis, 'AccountGrants', () => 0.99);
    const fullPass = new BucketIndex(redis, 'AccountGrants', () => 0);
    const t = now(); // one clock reading: the expiries written and expected are the same numbers
    // Five expired since they were written, the rest live.
    const items = ids.map((id, i) => `${id}~${i < 5 ? t - 1 : t + 300 + i}`);
    const long = `${t + 600} ${items.join(' ')}`;
    await redis.hset(bucket, 'acct', long);
    await redis.expireat(bucket, t + 600);

    await appending.change('acct', 'add', ['grant-new'], t + 700);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 700} ${items.join(' ')} grant-new~${t + 700}`);
    expect(await redis.call('EXPIRETIME', bucket)).toBe(t + 700);
    expect(await appending.read('acct')).toEqual([...ids.slice(5), 'grant-new']);

    // An item already there is merged by the full pass, never appended twice.
    await appending.change('acct', 'add', ['grant-20'], t + 800);
    expect(await redis.hget(bucket, 'acct')).not.toContain('grant-00');
    expect((await redis.hget(bucket, 'acct'))!.match(/grant-20~/g)).toHaveLength(1);
    expect(await appending.read('acct')).toEqual([...ids.slice(5), 'grant-new']);

    await redis.hset(bucket, 'acct', long);
    await fullPass.change('acct', 'add', ['grant-new'], t + 700);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 700} ${items.slice(5).join(' ')} grant-new~${t + 700}`);
  });

  test('a long entry of the earlier form, items without their own expiry, gets the full pass whatever the draw', async () => {
    const bucket = bucketKey('AccountGrants', 'acct');
    const appending = new BucketIndex(redis, 'AccountGrants', () => 0.99);
    const t = now();
    await redis.hset(bucket, 'acct', `${t + 600} ${ids.join(' ')}`);
    await appending.change('acct', 'add', ['grant-new'], t + 700);
    expect(await redis.hget(bucket, 'acct')).toBe(`${t + 700} ${ids.map((id) => `${id}~${t + 600}`).join(' ')} grant-new~${t + 700}`);
  });

  test('liveItems: items take their own expiry, else the entry\'s; never-expiring ones stay', () => {
    expect(liveItems('100 s1', 99)).toEqual(['s1']);
    expect(liveItems('100 s1', 100)).toEqual([]);
    expect(liveItems('- s1', 1e12)).toEqual(['s1']);
    expect(liveItems('- a~100 b~200 c', 150)).toEqual(['b', 'c']);
    expect(liveItems('200 a~100 b', 150)).toEqual(['b']);
    expect(liveItems('100 a b', 150)).toEqual([]);
  });

  test('entries that never expire keep the bucket; the others still leave it when theirs pass', async () => {
    const index = new BucketIndex(redis, 'SessionUids');
    const [forever, shortLived, writer] = neighbours('uid', 3) as [string, string, string];
    await index.change(forever, 'put', ['s1']);
    await redis.hset(bucketKey('SessionUids', forever), shortLived, `${now() - 1} s2`);
    await index.change(writer, 'put', ['s3'], now() + 60);
    expect(await redis.ttl(bucketKey('SessionUids', forever))).toBe(-1);
    expect(await index.read(forever)).toEqual(['s1']);
    expect(await redis.hexists(bucketKey('SessionUids', forever), shortLived)).toBe(0);
  });

  test('a bucket keeps only live entries: a write drops every neighbour whose expiry passed, and it stays a listpack', async () => {
    const index = new BucketIndex(redis, 'SessionUids');
    const fields = neighbours('uid', 20);
    expect(fields).toHaveLength(20);
    for (const field of fields.slice(0, 15)) await index.change(field, 'put', ['gone'], now() + 60);
    // Their minute passes.
    const bucket = bucketKey('SessionUids', fields[0]!);
    for (const field of fields.slice(0, 15)) await redis.hset(bucket, field, `${now() - 1} gone`);
    for (const field of fields.slice(15)) await index.change(field, 'put', ['live'], now() + 60);
    expect((await redis.hkeys(bucket)).sort()).toEqual(fields.slice(15).sort());
    expect(await redis.object('ENCODING', bucket)).toBe('listpack');
  });
});
