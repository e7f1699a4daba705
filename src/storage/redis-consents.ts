/**
 * The grants of an account: the lines of its record (account-grants.ts), and those of grants with keys of their own
 * (written before that layout) through their index, written with each by the adapter.
 */
import type { AdapterPayload } from 'oidc-provider';
import type { Consent, ConsentStore } from '../admin/consents.js';
import { grantsIn, grantsRecordOf } from './account-grants.js';
import { accountGrantsKey, RedisAdapter } from './redis-adapter.js';
import type { RedisClient } from './redis.js';

type GrantPayload = AdapterPayload & { openid?: { scope?: string; claims?: string[] } };

const isoFromEpoch = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined);

export class RedisConsents implements ConsentStore {
  readonly #grants: RedisAdapter;

  constructor(private readonly redis: RedisClient) {
    this.#grants = new RedisAdapter(redis, 'Grant');
  }

  async list(accountId: string): Promise<Consent[]> {
    const index = accountGrantsKey(accountId);
    const [record, ids] = await Promise.all([this.redis.get(grantsRecordOf(accountId)), this.redis.zrangebyscore(index, Date.now(), '+inf')]);
    const grants = await Promise.all(ids.map((id) => this.#grants.find(id)));
    // A grant oidc-provider destroyed itself (logout, revocation) leaves its id behind: drop it now.
    const gone = ids.filter((_, i) => !grants[i]);
    if (gone.length) await this.redis.zrem(index, ...gone);
    // A record's expired lines stay until its next write: left out here.
    const now = Date.now() / 1000;
    const lines = (record ? grantsIn(record) : []).filter(([, g]) => !(typeof g.exp === 'number' && g.exp <= now));
    const all: [string, AdapterPayload | undefined][] = [...lines, ...ids.map((id, i): [string, AdapterPayload | undefined] => [id, grants[i]])];
    return all.flatMap(([grantId, grant]) => {
      const g = grant as GrantPayload | undefined;
      if (!g || g.accountId !== accountId || typeof g.clientId !== 'string') return [];
      const createdAt = isoFromEpoch(g.iat);
      const expiresAt = isoFromEpoch(g.exp);
      return [{ grantId, clientId: g.clientId, scope: g.openid?.scope ?? '', claims: g.openid?.claims ?? [], ...(createdAt ? { createdAt } : {}), ...(expiresAt ? { expiresAt } : {}) }];
    });
  }

  async revoke(accountId: string, clientId: string): Promise<Consent[]> {
    const revoked = (await this.list(accountId)).filter((c) => c.clientId === clientId);
    for (const { grantId } of revoked) {
      // Tokens first: should this stop half-way, the grant is still listed and a second revoke finishes the job.
      await this.#grants.revokeByGrantId(grantId);
      await this.#grants.destroy(grantId);
      await this.redis.zrem(accountGrantsKey(accountId), grantId); // a grant with its own key: out of the index too
    }
    return revoked;
  }
}
