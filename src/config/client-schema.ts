/**
 * A client as config/clients.json (and the demo file) declares it: oidc-provider metadata, checked for the fields we
 * rely on. The schema lives in config/, the bottom layer that validates files, because the clients domain, the
 * engine and the admin surface all import its type and vocabulary.
 */
import { z } from 'zod';
import { url } from './env.js';
import { SIGNING_ALGS } from './id-token-algs.js';

export const RESPONSE_TYPES = ['id_token', 'id_token token', 'code'] as const;

const redirectUri = z
  .string()
  .refine((v) => URL.parse(v) !== null, 'must be an absolute URL')
  .refine((v) => !v.includes('#'), 'must not contain a fragment')
  .refine((v) => !v.includes('*'), 'must not contain wildcards');

// Shown as links on the consent page: http(s) only, never javascript: or data:.
const webUrl = url(['http:', 'https:']);

export const clientConfigSchema = z
  .object({
    client_id: z.string().min(1).max(128),
    client_name: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(32, 'a client secret has at least 32 characters').optional(),
    redirect_uris: z.array(redirectUri).min(1, 'at least one redirect URI'),
    post_logout_redirect_uris: z.array(redirectUri).optional(),
    response_types: z.array(z.enum(RESPONSE_TYPES)).min(1),
    grant_types: z.array(z.enum(['implicit', 'authorization_code', 'refresh_token'])).optional(),
    token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']).default('none'),
    scope: z.string().optional(),
    logo_uri: webUrl.optional(),
    client_uri: webUrl.optional(),
    policy_uri: webUrl.optional(),
    tos_uri: webUrl.optional(),
    first_party: z.boolean().optional(),
    always_select_account: z.boolean().optional(),
    require_mfa: z.boolean().optional(),
    access_token_ttl: z.number().int().min(60).max(86_400).optional(),
    id_token_ttl: z.number().int().min(60).max(86_400).optional(),
    id_token_signed_response_alg: z.enum(SIGNING_ALGS, { error: `one of ${SIGNING_ALGS.join(', ')}` }).optional(),
    backchannel_logout_uri: webUrl.optional(),
    backchannel_logout_session_required: z.boolean().optional(),
    frontchannel_logout_uri: webUrl.optional(),
    frontchannel_logout_session_required: z.boolean().optional(),
  })
  .strict();
export type ClientConfig = z.infer<typeof clientConfigSchema>;
