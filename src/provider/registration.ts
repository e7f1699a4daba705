/**
 * Dynamic client registration (RFC 7591) and its management with registration access tokens (RFC 7592), as
 * the runtime settings say. oidc-provider runs the endpoints; the Client adapter stores what they accept in
 * our client registry (clients/dynamic-registration.ts), by the rules every client passes.
 */
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderSettings } from '../settings/provider-settings.js';
import { newClientId } from '../clients/client-id.js';
import { generateClientSecret, isSecretHash } from '../clients/secrets.js';
import { TooManyRequests, type ProviderLimits } from './limits.js';

type Features = NonNullable<Configuration['features']>;

/**
 * Counts a registration against the limits per address and per initial access token. It runs where oidc-provider
 * asks whether to issue a registration access token: after the initial access token is verified (so made-up
 * tokens create no counters) and before the client is stored.
 */
export function registrationLimited(limits: ProviderLimits | undefined) {
  return async function issueRegistrationAccessToken(ctx: KoaContextWithOIDC): Promise<boolean> {
    const wait = limits ? await limits.registration(ctx.ip, ctx.oidc.entities.InitialAccessToken?.jti) : 0;
    if (wait > 0) {
      ctx.set('Retry-After', String(wait));
      throw new TooManyRequests(wait, 'too many client registrations from this address or with this initial access token');
    }
    return true;
  };
}

export function registrationFeatures(runtime: ProviderSettings, limits?: ProviderLimits): Pick<Features, 'registration' | 'registrationManagement'> {
  const enabled = runtime['registration.enabled'];
  return {
    registration: {
      enabled,
      initialAccessToken: runtime['registration.initial_access_token'],
      idFactory: newClientId,
      secretFactory: generateClientSecret,
      issueRegistrationAccessToken: registrationLimited(limits),
    },
    // Read, update, delete with the registration access token; each update replaces the token (and so renews its
    // lifetime, ttl.RegistrationAccessToken).
    registrationManagement: { enabled, rotateRegistrationAccessToken: true },
  };
}

/** The routes whose answer shows a client (provider.ts runs registrationResponses after them). */
export const REGISTRATION_ROUTES = ['registration', 'client', 'client_update'] as const;

/**
 * The registration, read and update responses show the client as stored (our registry may add default scopes
 * and normalise lists), never the stored hash of its secret: the secret itself appears once, when issued.
 */
export async function registrationResponses(ctx: KoaContextWithOIDC): Promise<void> {
  const body = ctx.body as Record<string, unknown> | undefined;
  if (ctx.status >= 300 || typeof body?.client_id !== 'string') return;
  const adapter = (ctx.oidc.provider.Client as unknown as { adapter: { find(id: string): Promise<Record<string, unknown> | undefined> } }).adapter;
  const stored = await adapter.find(body.client_id);
  if (!stored) return;
  const { client_secret: _hash, ...metadata } = stored;
  // oidc-provider issues a secret before its defaults say the client is public: shown only when kept.
  const issued = stored.client_secret && typeof body.client_secret === 'string' && !isSecretHash(body.client_secret) ? body.client_secret : undefined;
  ctx.body = {
    ...metadata,
    ...(issued ? { client_secret: issued, client_secret_expires_at: 0 } : {}),
    registration_client_uri: body.registration_client_uri,
    registration_access_token: body.registration_access_token,
  };
}
