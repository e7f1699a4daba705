/**
 * The logout metadata a client registers (dynamic registration, the registry, the configuration files), checked by
 * our rules (clients/logout-uri-policy.ts) where oidc-provider reads client metadata. Front-channel logout's two
 * fields are extra metadata to oidc-provider (it no longer implements that feature); back-channel's URI is its own,
 * listed here too so that our rule (https outside loopback development) applies to it.
 */
import { backchannelUriProblem, frontchannelUriProblem } from '../clients/logout-uri-policy.js';

export const LOGOUT_CLIENT_METADATA = ['backchannel_logout_uri', 'frontchannel_logout_uri', 'frontchannel_logout_session_required'] as const;

/** Why a logout metadata value is not acceptable, or undefined (also for keys that are not logout metadata). */
export function logoutMetadataProblem(key: string, value: unknown, metadata: { redirect_uris?: unknown }, policy: { production: boolean }): string | undefined {
  if (value === undefined) return undefined;
  switch (key) {
    case 'backchannel_logout_uri': {
      if (typeof value !== 'string') return 'backchannel_logout_uri must be a string';
      const problem = backchannelUriProblem(value, policy);
      return problem && `backchannel_logout_uri ${problem}`;
    }
    case 'frontchannel_logout_uri': {
      if (typeof value !== 'string') return 'frontchannel_logout_uri must be a string';
      const redirectUris = Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris.filter((u): u is string => typeof u === 'string') : [];
      const problem = frontchannelUriProblem(value, redirectUris, policy);
      return problem && `frontchannel_logout_uri ${problem}`;
    }
    case 'frontchannel_logout_session_required':
      return typeof value === 'boolean' ? undefined : 'frontchannel_logout_session_required must be a boolean';
    default:
      return undefined;
  }
}
