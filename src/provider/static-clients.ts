/** The clients config files declare, as oidc-provider metadata. */
import type { ClientMetadata } from 'oidc-provider';
import type { ClientConfig } from '../config/client-schema.js';

/** Config-file clients as oidc-provider metadata; grant types follow the response types when not given. */
export function staticClient(client: ClientConfig): ClientMetadata {
  const grantTypes = client.grant_types ?? [
    ...new Set(client.response_types.map((t) => (t === 'code' ? 'authorization_code' : 'implicit'))),
  ];
  return { ...client, grant_types: grantTypes };
}
