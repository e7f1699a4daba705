/**
 * The rate limits oidc-provider's steps consult (the composition root gives the counters) and their refusal: 429
 * with the seconds to wait, never redirected to the client (allow_redirect off). An authorization refused this way
 * gets our page, a registration oidc-provider's JSON error.
 */
import { errors } from 'oidc-provider';

/** Each answers the seconds to wait (0: go ahead), having counted this one. */
export interface ProviderLimits {
  /** A new interaction (a sign-in that needs a page) from this client address. */
  interaction(ip: string): Promise<number>;
  /** A dynamic registration from this address, with this initial access token (its id) if one was presented. */
  registration(ip: string, initialAccessToken: string | undefined): Promise<number>;
}

export class TooManyRequests extends errors.CustomOIDCProviderError {
  constructor(
    /** Seconds before the limit lets the next one through (the Retry-After header). */
    readonly retryAfter: number,
    description: string,
  ) {
    // RFC 6749 4.1.2.1's code for a server that cannot take the request now.
    super('temporarily_unavailable', description);
    this.status = 429;
    this.statusCode = 429;
    this.allow_redirect = false;
  }
}
