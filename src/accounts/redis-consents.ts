/** The grants of an account, through its entry in the account index (written with each grant by the adapter) and the adapter itself. */
import type { AdapterPayload } from 'oidc-provider';
import type { Consent, ConsentStore } from './consents.js';
import type { BucketIndex } from '../storage/bucket-index.js';
import { accountGrants, parseGrantItem } from '../storage/account-grants.js';
import { RedisAdapter } from '../storage/redis-adapter.js';
import type { RedisClient } from '../storage/redis.js';

type GrantPayload = AdapterPayload & { openid?: { scope?: string; claims?: string[] } };

const isoFromEpoch = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined);

export class RedisConsents implements ConsentStore {
  readonly #grants: RedisAdapter;
  readonly #index: BucketIndex;

  constructor(redis: RedisClient) {
    this.#grants = new RedisAdapter(redis, 'Grant');
    this.#index = accountGrants(redis);
  }

  async list(accountId: string): Promise<Consent[]> {
    return (await this.#listed(accountId)).map(({ consent }) => consent);
  }

  /** The account's consents, each with the index item it was found under (what a revocation drops). */
  async #listed(accountId: string): Promise<{ item: string; consent: Consent }[]> {
    const items = await this.#index.read(accountId);
    const ids = items.map((item) => parseGrantItem(item).grantId);
    const grants = await Promise.all(ids.map((id) => this.#grants.find(id)));
    // A grant oidc-provider destroyed itself (logout, revocation) or one expired leaves its id behind: drop it now.
    const gone = items.filter((_, i) => !grants[i]);
    if (gone.length) await this.#index.change(accountId, 'drop', gone);
    return grants.flatMap((grant, i) => {
      const g = grant as GrantPayload | undefined;
      if (!g || g.accountId !== accountId || typeof g.clientId !== 'string') return [];
      const createdAt = isoFromEpoch(g.iat);
      const expiresAt = isoFromEpoch(g.exp);
      const consent = { grantId: ids[i]!, clientId: g.clientId, scope: g.openid?.scope ?? '', claims: g.openid?.claims ?? [], ...(createdAt ? { createdAt } : {}), ...(expiresAt ? { expiresAt } : {}) };
      return [{ item: items[i]!, consent }];
    });
  }

  async revoke(accountId: string, clientId: string): Promise<Consent[]> {
    return this.#revoke(accountId, (await this.#listed(accountId)).filter(({ consent }) => consent.clientId === clientId));
  }

  /** Every grant of the account and their tokens (a credential change): storage freed, not only refused. */
  async revokeAll(accountId: string): Promise<Consent[]> {
    return this.#revoke(accountId, await this.#listed(accountId));
  }

  async #revoke(accountId: string, revoked: { item: string; consent: Consent }[]): Promise<Consent[]> {
    for (const { item, consent } of revoked) {
      // Tokens first: should this stop half-way, the grant is still listed and a second revoke finishes the job.
      await this.#grants.revokeByGrantId(consent.grantId);
      await this.#grants.destroy(consent.grantId);
      await this.#index.change(accountId, 'drop', [item]);
    }
    return revoked.map(({ consent }) => consent);
  }
}
