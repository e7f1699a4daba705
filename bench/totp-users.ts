/**
 * The people of the password + TOTP scenario: a pool of accounts with an authenticator app, written straight into
 * the benchmark's Redis beside the fixture's users (the bench user's own argon2id hash, so the password costs what it
 * costs in the password-only scenario). Each (account, 30-second step) accepts one code, as a phone would be used:
 * the pool is large enough that no account signs in twice within a step at the rates measured, and each flow takes
 * the next account in turn with the code its app shows now (otpauth, what phone apps follow).
 */
import type { Redis } from 'ioredis';
import { Secret, TOTP } from 'otpauth';
import type { UserRecord } from '../src/accounts/users.js';
import { usernameKey } from '../src/accounts/users.js';
import type { MfaRecord } from '../src/mfa/factors.js';
import { RedisCollection } from '../src/storage/redis-collection.js';
import { USERS } from './fixture.js';
import type { Person } from './load.js';

/** Accounts in the pool: at 100 flows/s, each is used once a minute, two steps apart. */
export const TOTP_POOL = 6000;

/** Pools made so far in this run: each server under test (ours, ours at another revision) gets accounts of its own. */
let pools = 0;

export async function totpPeople(redis: Redis, size = TOTP_POOL): Promise<() => Person> {
  // The servers share the benchmark's Redis: a second pool on the same accounts would replace the first one's keys.
  const first = pools++ * size;
  const users = new RedisCollection<UserRecord>(redis, 'users');
  const factors = new RedisCollection<MfaRecord>(redis, 'mfa');
  const template = USERS[0]!;
  const model = await users.get(template.sub);
  if (!model) throw new Error(`the bench user ${template.username} is not in Redis: start ours (DEMO=true) first`);
  const now = new Date().toISOString();
  const pool = await Promise.all(
    Array.from({ length: size }, async (_, n) => {
      const i = first + n;
      const username = `totp-bench-${i}`;
      const sub = `70790000${String(i).padStart(24, '0')}`;
      const secret = new Secret({ size: 20 }).base32;
      // Written again on each run: the keys of an earlier run are not known to this one.
      await users.remove(sub);
      await users.insert(sub, { ...model, sub, username, createdAt: now, updatedAt: now }, usernameKey(username));
      await factors.remove(sub);
      await factors.insert(sub, { totp: { secret, enrolledAt: now }, updatedAt: now });
      const app = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
      return { username, password: template.password, code: () => app.generate() };
    }),
  );
  let next = 0;
  return () => pool[next++ % pool.length]!;
}
