/**
 * Console forms in the stores' terms. Only the shape changes here (text areas to lists, check boxes to
 * booleans); every rule is the store's, the same the command line and the API meet. The stores name the field
 * at the start of each refusal ("redirect-uri …: …"), which is how a refusal finds its place beside a field.
 */
import { grantTypesFor, type ClientChange, type NewClient } from '../../clients/client-input.js';
import type { ScopeInput } from '../../scopes/scopes.js';

const text = (form: URLSearchParams, name: string) => form.get(name)?.trim() ?? '';
const optional = (form: URLSearchParams, name: string) => text(form, name) || undefined;
const lines = (form: URLSearchParams, name: string) =>
  text(form, name)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const seconds = (form: URLSearchParams, name: string) => (text(form, name) === '' ? undefined : Number(text(form, name)));

/** A client as the form gives it; a field left empty is "not given" (the stored value or the default stays). */
export function clientFromForm(form: URLSearchParams): NewClient & ClientChange {
  const responseTypes = form.getAll('responseTypes');
  const scopes = form.getAll('scopes');
  return {
    name: text(form, 'name'),
    description: text(form, 'description'),
    redirectUris: lines(form, 'redirectUris'),
    postLogoutRedirectUris: lines(form, 'postLogoutRedirectUris'),
    responseTypes,
    grantTypes: [...grantTypesFor(responseTypes), ...(form.get('refreshTokens') === 'yes' ? ['refresh_token'] : [])],
    ...(scopes.length ? { scopes } : {}),
    authMethod: text(form, 'authMethod') || 'none',
    // Empty removes the link on a change (and sets none on creation).
    logoUri: text(form, 'logoUri'),
    clientUri: text(form, 'clientUri'),
    policyUri: text(form, 'policyUri'),
    tosUri: text(form, 'tosUri'),
    firstParty: form.get('firstParty') === 'yes',
    alwaysSelectAccount: form.get('alwaysSelectAccount') === 'yes',
    requireMfa: form.get('requireMfa') === 'yes',
    accessTokenTtl: seconds(form, 'accessTokenTtl'),
    idTokenTtl: seconds(form, 'idTokenTtl'),
    // Empty: the provider's default (ID_TOKEN_SIGNING_ALG), also on a change.
    idTokenSignedResponseAlg: text(form, 'idTokenSignedResponseAlg'),
    // Empty clears either: every group, every claim under its own name.
    groupsFilter: lines(form, 'groupsFilter'),
    claimMap: Object.fromEntries(lines(form, 'claimMap').map((line) => [line.split('=')[0]!.trim(), line.slice(line.indexOf('=') + 1).trim()])),
    // Empty removes the logout URI on a change.
    backchannelLogoutUri: text(form, 'backchannelLogoutUri'),
    frontchannelLogoutUri: text(form, 'frontchannelLogoutUri'),
  };
}

const displaysFrom = (given: string[]) =>
  Object.fromEntries(
    given.map((line) => {
      const eq = line.indexOf('=');
      const [en = '', zh] = line.slice(eq + 1).split('|').map((part) => part.trim());
      return [(eq < 0 ? line : line.slice(0, eq)).trim(), zh ? { en, 'zh-CN': zh } : en];
    }),
  );

/** A scope as the form gives it: each text in English and, when filled in, Chinese. */
export function scopeFromForm(form: URLSearchParams): ScopeInput {
  const localized = (name: string) => {
    const en = text(form, `${name}.en`);
    const zh = text(form, `${name}.zh-CN`);
    return zh ? { en, 'zh-CN': zh } : en;
  };
  return {
    id: text(form, 'id'),
    name: localized('name'),
    description: localized('description'),
    // The standard claims ticked, then the custom ones, one per line.
    claims: [...new Set([...form.getAll('claims'), ...lines(form, 'customClaims')])],
    // "claim = English | 中文", one per line: what the consent page calls a claim (the field emptied clears them).
    ...(form.has('display') ? { display: displaysFrom(lines(form, 'display')) } : {}),
    icon: optional(form, 'icon'),
    default: form.get('default') === 'yes',
  };
}

/** The store's words for a field → the form field it belongs beside. */
const FIELDS: Record<string, string> = {
  name: 'name',
  description: 'description',
  'redirect-uri': 'redirectUris',
  'post-logout-redirect-uri': 'postLogoutRedirectUris',
  'response-type': 'responseTypes',
  'grant-type': 'refreshTokens',
  scope: 'scopes',
  'auth-method': 'authMethod',
  'logo-uri': 'logoUri',
  'client-uri': 'clientUri',
  'policy-uri': 'policyUri',
  'tos-uri': 'tosUri',
  'access-token-ttl': 'accessTokenTtl',
  'id-token-ttl': 'idTokenTtl',
  'id-token-signed-response-alg': 'idTokenSignedResponseAlg',
  'groups-filter': 'groupsFilter',
  'claim-map': 'claimMap',
  'backchannel-logout-uri': 'backchannelLogoutUri',
  'frontchannel-logout-uri': 'frontchannelLogoutUri',
  username: 'username',
  password: 'password',
  role: 'role',
  claim: 'claims',
  display: 'display',
  id: 'id',
  icon: 'icon',
};

/** Splits a refusal ("a: rule; b …: rule") into messages per form field; what names no field goes under `form`. */
export function fieldErrors(message: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const part of message.split('; ')) {
    const word = /^[\w-]+/.exec(part)?.[0] ?? '';
    const field = FIELDS[word] ?? 'form';
    (errors[field] ??= []).push(part);
  }
  return errors;
}
