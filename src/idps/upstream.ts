/**
 * The one shape every upstream sign-in (OpenID Connect or SAML 2.0) shares: what a protocol needs to send the browser
 * to the upstream, what it keeps until the answer comes back, and the verified identity it returns. The interaction
 * turns that identity into our own account (linked or created) and oidc-provider's login result.
 */

/** A verified upstream answer: who the person is at the upstream, and what it says of them, in our claim names. */
export interface UpstreamIdentity {
  /** Our IdP's name (the administrator's). */
  idp: string;
  /** The upstream's stable subject: `sub` of the ID token, or a persistent NameID. Never an email alone. */
  subject: string;
  /** Mapped to our claim names (email, email_verified, name, given_name, custom claims…); reserved names dropped later. */
  claims: Record<string, unknown>;
  /** Group names as the upstream gave them. */
  groups: string[];
  /** How the upstream says it authenticated the person, when it says (amr of the ID token, AuthnContextClassRef). */
  upstreamAmr?: string[];
  upstreamAcr?: string;
}

/** What a protocol keeps between sending the browser away and the answer (stored with the pending sign-in, short TTL). */
export type PendingProtocolState = Record<string, string>;

/** Where to send the browser, and what must be kept to check the answer. */
export interface UpstreamStart {
  redirectTo: string;
  keep: PendingProtocolState;
}

/** A refused upstream answer: `code` is for the audit and the page, `oauthError` what the relying party is told. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly code: 'denied' | 'invalid_answer' | 'unavailable' | 'replayed' | 'no_pending',
    readonly oauthError: 'access_denied' | 'login_required' = 'access_denied',
  ) {
    super(message);
  }
}
