/**
 * What the sign-in needs of an upstream protocol: where to send the browser, and the verified identity in its answer.
 * OpenID Connect (oidc-protocol.ts) and SAML 2.0 (saml/) each implement it; the interaction knows only this.
 */
import type { IdpRecord } from './idp-record.js';
import type { PendingProtocolState, UpstreamIdentity, UpstreamStart } from './upstream.js';

export interface UpstreamProtocol {
  /**
   * Where to send the browser; `keep` is stored with the pending sign-in (TTL of the interaction). `passive`: the
   * upstream must answer without showing the person anything (OIDC prompt=none, SAML IsPassive).
   */
  start(idp: IdpRecord, input: { callbackUrl: string; pendingId: string; loginHint?: string; passive?: boolean }): Promise<UpstreamStart>;
  /**
   * The answer verified against what was kept; the identity, or an UpstreamError. `answer` is the query (OIDC
   * callback) or the POST form (SAML ACS), as URLSearchParams.
   */
  finish(idp: IdpRecord, answer: URLSearchParams, kept: PendingProtocolState, input: { callbackUrl: string }): Promise<UpstreamIdentity>;
}
