/** Validates an administrator's client into oidc-provider metadata, by the rules every client passes. */
import type { ClientMetadata } from 'oidc-provider';
import { ClientError } from './client-record.js';
import { clientSchema, grantTypesFor, type NewClient } from './client-input.js';
import { backchannelUriProblem, frontchannelUriProblem } from './logout-uri-policy.js';
import { redirectUriProblem } from './redirect-uri-policy.js';
import { claimMapProblem, groupsFilterSettingProblem } from './claim-settings.js';
import { generateClientSecret, hashClientSecret } from './secrets.js';

/** Why a set of grant types does not fit the response types, or undefined. */
function grantTypesProblem(grantTypes: readonly string[], responseTypes: readonly string[]): string | undefined {
  const needed = grantTypesFor(responseTypes);
  const missing = needed.find((g) => !grantTypes.includes(g));
  if (missing) return `grant-type: ${missing} is needed by the response types`;
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    return 'grant-type: refresh_token needs authorization_code (implicit clients never get refresh tokens)';
  }
  const unused = grantTypes.find((g) => g !== 'refresh_token' && !needed.includes(g));
  return unused ? `grant-type: ${unused} has no response type that uses it` : undefined;
}

/**
 * Validates into oidc-provider metadata; throws ClientError naming the field and the rule. A confidential
 * client keeps `secretHash` when given, otherwise gets a new secret (returned once).
 */
export function clientMetadata(
  input: NewClient,
  clientId: string,
  knownScopes: readonly string[],
  policy: { production: boolean },
  secretHash?: string,
): { metadata: ClientMetadata; secret?: string } {
  const parsed = clientSchema.safeParse(input);
  if (!parsed.success) throw new ClientError(parsed.error.issues.map((i) => i.message).join('; '), 'invalid');
  const c = parsed.data;
  const uriChecks = [
    ...c.redirectUris.map((uri) => ['redirect-uri', uri] as const),
    ...c.postLogoutRedirectUris.map((uri) => ['post-logout-redirect-uri', uri] as const),
  ];
  for (const [field, uri] of uriChecks) {
    const problem = redirectUriProblem(uri, policy);
    if (problem) throw new ClientError(`${field} ${uri}: ${problem}`, 'invalid');
  }
  const backchannelProblem = c.backchannelLogoutUri && backchannelUriProblem(c.backchannelLogoutUri, policy);
  if (backchannelProblem) throw new ClientError(`backchannel-logout-uri ${c.backchannelLogoutUri}: ${backchannelProblem}`, 'invalid');
  const frontchannelProblem = c.frontchannelLogoutUri && frontchannelUriProblem(c.frontchannelLogoutUri, c.redirectUris, policy);
  if (frontchannelProblem) throw new ClientError(`frontchannel-logout-uri ${c.frontchannelLogoutUri}: ${frontchannelProblem}`, 'invalid');
  const responseTypes = [...new Set(c.responseTypes)];
  const grantTypes = c.grantTypes ? [...new Set(c.grantTypes)] : grantTypesFor(responseTypes);
  const grantProblem = grantTypesProblem(grantTypes, responseTypes);
  if (grantProblem) throw new ClientError(grantProblem, 'invalid');
  const unknownScope = c.scopes?.find((s) => !knownScopes.includes(s));
  if (unknownScope) throw new ClientError(`scope ${unknownScope}: not a scope this provider knows (${knownScopes.join(', ')})`, 'invalid');
  if (c.scopes && !c.scopes.includes('openid')) throw new ClientError('scope: openid must be among the allowed scopes', 'invalid');

  const claimProblem = (c.groupsFilter && groupsFilterSettingProblem(c.groupsFilter)) || (c.claimMap && claimMapProblem(c.claimMap));
  if (claimProblem) throw new ClientError(claimProblem, 'invalid');

  const secret = c.authMethod === 'none' || secretHash ? undefined : generateClientSecret();
  const storedSecret = c.authMethod === 'none' ? undefined : (secretHash ?? hashClientSecret(secret!));
  const metadata: ClientMetadata = {
    client_id: clientId,
    client_name: c.name,
    redirect_uris: [...new Set(c.redirectUris)],
    post_logout_redirect_uris: [...new Set(c.postLogoutRedirectUris)],
    response_types: responseTypes,
    grant_types: grantTypes,
    token_endpoint_auth_method: c.authMethod,
    ...(storedSecret ? { client_secret: storedSecret } : {}),
    ...(c.scopes ? { scope: [...new Set(c.scopes)].join(' ') } : {}),
    ...(c.logoUri ? { logo_uri: c.logoUri } : {}),
    ...(c.clientUri ? { client_uri: c.clientUri } : {}),
    ...(c.policyUri ? { policy_uri: c.policyUri } : {}),
    ...(c.tosUri ? { tos_uri: c.tosUri } : {}),
    ...(c.firstParty ? { first_party: true } : {}),
    ...(c.alwaysSelectAccount ? { always_select_account: true } : {}),
    ...(c.requireMfa ? { require_mfa: true } : {}),
    ...(c.accessTokenTtl ? { access_token_ttl: c.accessTokenTtl } : {}),
    ...(c.idTokenTtl ? { id_token_ttl: c.idTokenTtl } : {}),
    ...(c.idTokenSignedResponseAlg ? { id_token_signed_response_alg: c.idTokenSignedResponseAlg } : {}),
    ...(c.groupsFilter?.length ? { groups_filter: [...new Set(c.groupsFilter)] } : {}),
    ...(c.claimMap && Object.keys(c.claimMap).length ? { claim_map: { ...c.claimMap } } : {}),
    ...(c.backchannelLogoutUri
      ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: c.backchannelLogoutSessionRequired ?? true }
      : {}),
    ...(c.frontchannelLogoutUri
      ? { frontchannel_logout_uri: c.frontchannelLogoutUri, frontchannel_logout_session_required: c.frontchannelLogoutSessionRequired ?? true }
      : {}),
  };
  return { metadata, secret };
}
