/** Which tokens a client may revoke at the revocation endpoint (RFC 7009). */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * RFC 7009 2.1: a client revokes only tokens issued to it. A confidential caller is told it may not; a public
 * one (whose client_id anyone can send) gets the same empty answer as for an unknown token, so the endpoint
 * never tells a stranger that a token exists.
 */
export async function revocationAllowed(_ctx: KoaContextWithOIDC, client: { clientId: string; clientAuthMethod?: string }, token: { clientId?: string }): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token (it was issued to another client)');
}
