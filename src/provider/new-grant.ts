/**
 * Every grant we make carries its account's tag in its id, so the Redis adapter keeps it in the account's record
 * (src/storage/account-grants.ts). Harmless on the in-memory adapter: the id is just another opaque string.
 */
import type { Provider } from 'oidc-provider';
import { newGrantId } from '../storage/account-grants.js';

export function newGrant(provider: Provider, accountId: string, clientId: string): InstanceType<Provider['Grant']> {
  const grant = new provider.Grant({ accountId, clientId });
  grant.jti = newGrantId(accountId);
  return grant;
}
