/** What an administrator asks for when creating or changing a client: the input schema, its fields and defaults. */
import { z } from 'zod';
import type { ClientMetadata } from 'oidc-provider';
import { RESPONSE_TYPES } from '../config/client-schema.js';
import { SIGNING_ALGS } from '../config/id-token-algs.js';
import type { ClientRecord } from './client-record.js';

export const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export const GRANT_TYPES = ['implicit', 'authorization_code', 'refresh_token'] as const;

const optionalUrl = (field: string) =>
  z
    .string()
    // Empty means none: a change can remove a link this way (the console's emptied field, --logo-uri '').
    .refine((v) => v === '' || /^https?:$/.test(URL.parse(v)?.protocol ?? ''), `${field}: must be an absolute http(s) URL`)
    .optional();
const lifetime = (field: string) =>
  z.number({ error: `${field}: a whole number of seconds` }).int(`${field}: a whole number of seconds`).min(60, `${field}: at least 60 seconds`).max(86_400, `${field}: at most 86400 seconds`).optional();

export const clientSchema = z.object({
  name: z.string().trim().min(1, 'name: required').max(200, 'name: at most 200 characters'),
  description: z.string().trim().max(1000, 'description: at most 1000 characters').optional(),
  redirectUris: z.array(z.string()).min(1, 'redirect-uri: at least one').max(50, 'redirect-uri: at most 50'),
  postLogoutRedirectUris: z.array(z.string()).max(50, 'post-logout-redirect-uri: at most 50').default([]),
  responseTypes: z
    .array(z.enum(RESPONSE_TYPES, { error: `response-type: one of ${RESPONSE_TYPES.map((t) => `"${t}"`).join(', ')}` }))
    .min(1, 'response-type: at least one'),
  grantTypes: z.array(z.enum(GRANT_TYPES, { error: `grant-type: one of ${GRANT_TYPES.join(', ')}` })).optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, 'scope: a scope token (no spaces or quotes)')).optional(),
  authMethod: z.enum(AUTH_METHODS, { error: `auth-method: one of ${AUTH_METHODS.join(', ')}` }).default('none'),
  logoUri: optionalUrl('logo-uri'),
  clientUri: optionalUrl('client-uri'),
  policyUri: optionalUrl('policy-uri'),
  tosUri: optionalUrl('tos-uri'),
  firstParty: z.boolean().default(false),
  alwaysSelectAccount: z.boolean().default(false),
  requireMfa: z.boolean().default(false),
  accessTokenTtl: lifetime('access-token-ttl'),
  idTokenTtl: lifetime('id-token-ttl'),
  idTokenSignedResponseAlg: z
    .enum([...SIGNING_ALGS, ''], { error: `id-token-signed-response-alg: one of ${SIGNING_ALGS.join(', ')} (empty: the provider's default)` })
    .optional()
    .describe("the ID token's signing algorithm for this client; empty or not given: the provider's default (ID_TOKEN_SIGNING_ALG)"),
  groupsFilter: z.array(z.string()).optional().describe('the groups the client sees: names, and prefixes ending in * (app-*); empty or not given: every group'),
  claimMap: z.record(z.string(), z.string()).optional().describe('claims the client receives under another name: {"department": "dept"}'),
  backchannelLogoutUri: optionalUrl('backchannel-logout-uri').describe('where a signed logout_token is posted when a session this client signed into ends; empty: none'),
  backchannelLogoutSessionRequired: z.boolean().optional().describe('the logout_token always carries sid (true by default when a back-channel URI is given)'),
  frontchannelLogoutUri: optionalUrl('frontchannel-logout-uri').describe("loaded in an invisible iframe of the signed-out page, with iss and sid; on a redirect URI's origin; empty: none"),
  frontchannelLogoutSessionRequired: z.boolean().optional().describe('the front-channel URI gets iss and sid (true by default when a front-channel URI is given)'),
});

/** What an administrator asks for, unchecked: clientMetadata() (client-metadata.ts) validates every field. */
export interface NewClient {
  name: string;
  description?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  responseTypes: string[];
  /** Derived from the response types when not given. */
  grantTypes?: string[];
  /** The scopes the client may ask for; any known scope when not given. */
  scopes?: string[];
  authMethod?: string;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
  /** The deployment's own application: no consent page. */
  firstParty?: boolean;
  /** Show the account chooser on every sign-in. */
  alwaysSelectAccount?: boolean;
  /** Every sign-in to this client needs a second factor. */
  requireMfa?: boolean;
  /** Seconds; the provider-wide lifetime when not given. */
  accessTokenTtl?: number;
  idTokenTtl?: number;
  /** RS256, ES256 or EdDSA; empty or not given: the provider-wide ID_TOKEN_SIGNING_ALG. */
  idTokenSignedResponseAlg?: string;
  /** The groups the client sees in the `groups` claim: names and prefixes (app-*); every group when empty. */
  groupsFilter?: string[];
  /** Claims the client receives under its own names: claim → name. */
  claimMap?: Record<string, string>;
  /** OpenID Connect Back-Channel Logout: where the logout_token is posted; empty or not given: none. */
  backchannelLogoutUri?: string;
  backchannelLogoutSessionRequired?: boolean;
  /** OpenID Connect Front-Channel Logout: the page loaded in the signed-out page's iframe; empty or not given: none. */
  frontchannelLogoutUri?: string;
  frontchannelLogoutSessionRequired?: boolean;
}

/** A change: every field given replaces the stored one (a list replaces the whole list). */
export type ClientChange = Partial<NewClient>;

/** The grant types a client's response types need: its grant types when none are given. */
export function grantTypesFor(responseTypes: readonly string[]): string[] {
  const grants = new Set<string>();
  for (const type of responseTypes) grants.add(type === 'code' ? 'authorization_code' : 'implicit');
  return [...grants];
}

/** The stored metadata back in the administrator's terms, so a change can be applied and validated as a whole. */
export function asNewClient(record: ClientRecord): NewClient {
  const m = record.metadata as ClientMetadata & Record<string, unknown>;
  return {
    name: String(m.client_name ?? ''),
    description: record.description,
    redirectUris: [...(m.redirect_uris ?? [])],
    postLogoutRedirectUris: [...(m.post_logout_redirect_uris ?? [])],
    responseTypes: [...(m.response_types ?? [])],
    grantTypes: m.grant_types && [...m.grant_types],
    scopes: typeof m.scope === 'string' ? m.scope.split(' ') : undefined,
    authMethod: m.token_endpoint_auth_method,
    logoUri: m.logo_uri,
    clientUri: m.client_uri,
    policyUri: m.policy_uri,
    tosUri: m.tos_uri,
    firstParty: m.first_party === true,
    alwaysSelectAccount: m.always_select_account === true,
    requireMfa: m.require_mfa === true,
    accessTokenTtl: typeof m.access_token_ttl === 'number' ? m.access_token_ttl : undefined,
    idTokenTtl: typeof m.id_token_ttl === 'number' ? m.id_token_ttl : undefined,
    idTokenSignedResponseAlg: m.id_token_signed_response_alg,
    groupsFilter: Array.isArray(m.groups_filter) ? [...(m.groups_filter as string[])] : undefined,
    claimMap: m.claim_map && typeof m.claim_map === 'object' ? { ...(m.claim_map as Record<string, string>) } : undefined,
    backchannelLogoutUri: m.backchannel_logout_uri,
    backchannelLogoutSessionRequired: typeof m.backchannel_logout_session_required === 'boolean' ? m.backchannel_logout_session_required : undefined,
    frontchannelLogoutUri: typeof m.frontchannel_logout_uri === 'string' ? m.frontchannel_logout_uri : undefined,
    frontchannelLogoutSessionRequired: typeof m.frontchannel_logout_session_required === 'boolean' ? m.frontchannel_logout_session_required : undefined,
  };
}
