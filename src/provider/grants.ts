/** The grant policy: which grant an authorization runs with, how consents follow the account, first-party clients. */
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import { clientFlag } from './client-settings.js';

/** The ids of the grants an account's index holds for a client, newest first (storage/account-grants.ts). */
export type ConsentGrants = (accountId: string, clientId: string) => Promise<string[]>;

/** The account's consent to the client, through its grant index: the newest grant there that is the account's and the client's. */
async function accountConsent(ctx: KoaContextWithOIDC, consentGrants: ConsentGrants, accountId: string): Promise<Grant | undefined> {
  const clientId = ctx.oidc.client!.clientId;
  for (const id of await consentGrants(accountId, clientId)) {
    const grant = await ctx.oidc.provider.Grant.find(id);
    if (grant?.accountId === accountId && grant.clientId === clientId) return grant;
  }
  return undefined;
}

/**
 * A consent belongs to the account, not to the session that gave it: logging out of one browser keeps it (and the
 * tokens of that session still end with the session, as every token here is bound to it or already outlives it).
 */
function keepThroughLogout(ctx: KoaContextWithOIDC): void {
  const session = ctx.oidc.session!;
  const clientId = ctx.oidc.client!.clientId;
  // The client's entry in the session, as oidc-provider makes it next for the grant (a session with none hands out a throwaway).
  session.ensureClientContainer(clientId);
  const authorization = session.authorizationFor(clientId);
  if (!authorization.persistsLogout) authorization.persistsLogout = true;
}

/** First-party clients (the deployment's own applications) are granted what they ask for without a consent page. */
async function firstPartyGrant(ctx: KoaContextWithOIDC, existing: Grant | undefined): Promise<Grant> {
  const { oidc } = ctx;
  const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
  const scopes = [...oidc.requestParamOIDCScopes].filter((scope) => !grant.getOIDCScope().split(' ').includes(scope));
  const claims = oidc.requestParamClaims ? [...oidc.requestParamClaims].filter((claim) => !grant.getOIDCClaims().includes(claim)) : [];
  if (!existing || scopes.length || claims.length) {
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    if (claims.length) grant.addOIDCClaims(claims);
    await grant.save();
  }
  return grant;
}

/**
 * The grant an authorization runs with: the one this session holds for the client (the silent path: one read), else
 * the account's consent to the client, found through its grant index once per session and client. First-party
 * clients get what they ask for; everyone else keeps oidc-provider's behaviour: a consent page for what is missing.
 */
export function loadExistingGrant(consentGrants: ConsentGrants | undefined) {
  return async function existingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
    const { oidc } = ctx;
    const accountId = oidc.session?.accountId;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!grant && consentGrants && accountId) grant = await accountConsent(ctx, consentGrants, accountId);
    if (clientFlag(oidc.client, 'first_party') && !oidc.prompts.has('consent') && accountId) grant = await firstPartyGrant(ctx, grant);
    if (grant && consentGrants) keepThroughLogout(ctx);
    return grant;
  };
}
