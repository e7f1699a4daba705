/**
 * An account's grants kept together in one Redis string, which is also the index `user consents` lists: one key
 * per account instead of a key per grant plus an index key per account (each Redis key costs ~170 bytes before
 * its value, a third of what a signed-in user cost).
 *
 * A grant's id starts with its account's tag (8 characters of the account id's SHA-256, then a `.` that
 * oidc-provider's own ids never contain), so `Grant.find(id)` reads the record in one GET, as before. Accounts
 * whose tags collide share a record; a grant's payload names its account. Ids without a tag (grants written before
 * this layout, or made by oidc-provider itself) keep their own key and the account's sorted-set index.
 *
 * The record is one line per grant, `<grantId> <compact grant>` (see compact-records.ts), what `redis-cli GET`
 * shows. Writes go through a script that replaces the grant's line, drops expired lines and sets the record's
 * expiry to its longest-lived grant's, so the record never outlives its grants and needs no TTL read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { decode, encode, GRANT } from './compact-records.js';
import type { RedisClient } from './redis.js';

const TAG = /^[A-Za-z0-9_-]{8}\./;

export const accountTag = (accountId: string) => createHash('sha256').update(accountId).digest('base64url').slice(0, 8);

/** A new grant's id for an account: its tag, `.`, 34 random characters (204 bits; 43 characters in all, like oidc-provider's). */
export const newGrantId = (accountId: string) => `${accountTag(accountId)}.${randomBytes(26).toString('base64url').slice(0, 34)}`;

/** The account record a grant lives in, or undefined for a grant with its own key. */
export const accountGrantsRecordKey = (grantId: string) => (TAG.test(grantId) ? `oidc:Grants:{${grantId.slice(0, 8)}}` : undefined);

/** The same record, from the account. */
export const grantsRecordOf = (accountId: string) => `oidc:Grants:{${accountTag(accountId)}}`;

// The expiry of a line is its grant's exp, the second element of the compact array; a line without one keeps the record.
const WRITE = `
local now = tonumber(ARGV[3])
local prefix = ARGV[1] .. ' '
local kept, latest, forever = {}, 0, false
local function keep(line)
  local exp = tonumber(string.match(line, '^%S+ %[[^,]*,(%d+)[,%]]'))
  if not exp then forever = true elseif exp <= now then return else latest = math.max(latest, exp) end
  kept[#kept + 1] = line
end
local value = redis.call('GET', KEYS[1])
if value then
  for line in string.gmatch(value, '[^\\n]+') do
    if string.sub(line, 1, #prefix) ~= prefix then keep(line) end
  end
end
if ARGV[2] ~= '' then keep(ARGV[2]) end
if #kept == 0 then redis.call('DEL', KEYS[1]) return 0 end
if forever then redis.call('SET', KEYS[1], table.concat(kept, '\\n'))
else redis.call('SET', KEYS[1], table.concat(kept, '\\n'), 'EX', latest - now) end
return #kept`;

type WithGrantLines = RedisClient & { oidcGrantLine(key: string, grantId: string, line: string, now: number): Promise<number> };

export function withGrantLines(redis: RedisClient): WithGrantLines {
  if (!('oidcGrantLine' in redis)) redis.defineCommand('oidcGrantLine', { numberOfKeys: 1, lua: WRITE });
  return redis as WithGrantLines;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

/** Writes a grant's line. A grant saved with an expiry but no exp gets exp = now + expiry: its line needs one to expire. */
export async function writeGrant(redis: RedisClient, key: string, grantId: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
  const now = epochSeconds();
  const withExp = typeof payload.exp !== 'number' && expiresIn ? { ...payload, exp: now + expiresIn } : payload;
  await withGrantLines(redis).oidcGrantLine(key, grantId, `${grantId} ${encode(GRANT, grantId, withExp)}`, now);
}

export async function removeGrant(redis: RedisClient, key: string, grantId: string): Promise<void> {
  await withGrantLines(redis).oidcGrantLine(key, grantId, '', epochSeconds());
}

/** Each line of a record as [grantId, payload]. */
export function grantsIn(record: string): [string, AdapterPayload][] {
  return record.split('\n').map((line) => {
    const space = line.indexOf(' ');
    const grantId = line.slice(0, space);
    return [grantId, decode(GRANT, grantId, line.slice(space + 1))];
  });
}

/** One grant's payload from its account's record. */
export function grantIn(record: string, grantId: string): AdapterPayload | undefined {
  const prefix = `${grantId} `;
  const start = record.startsWith(prefix) ? 0 : record.indexOf(`\n${prefix}`) + 1;
  if (start === 0 && !record.startsWith(prefix)) return undefined;
  const end = record.indexOf('\n', start);
  return decode(GRANT, grantId, record.slice(start + prefix.length, end === -1 ? undefined : end));
}
