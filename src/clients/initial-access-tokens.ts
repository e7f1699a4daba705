/**
 * Initial access tokens for dynamic client registration (RFC 7591 3): minted by an administrator, shown once,
 * stored by oidc-provider's own InitialAccessToken model through the adapter the server uses, and accepted by
 * every instance for any number of registrations until they expire.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Adapter, JWK } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { RecordError } from '../storage/collection.js';

export const MAX_EXPIRES_IN = 30 * 86_400;

export class RegistrationTokenError extends RecordError {
  override name = 'RegistrationTokenError';
}

export interface MintedToken {
  /** Shown once: oidc-provider keeps it under its own (random) value, so store nothing else of it. */
  token: string;
  expires_at: string;
}

export class InitialAccessTokens {
  #provider: Provider | undefined;

  constructor(
    private readonly adapter: (model: string) => Adapter,
    private readonly issuer: string,
  ) {}

  async create(expiresIn: number): Promise<MintedToken> {
    if (!Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > MAX_EXPIRES_IN) {
      throw new RegistrationTokenError(`expires-in: a whole number of seconds from 60 to ${MAX_EXPIRES_IN}`, 'invalid');
    }
    const provider = this.#provider ?? (this.#provider = await this.#modelProvider());
    const token = await new provider.InitialAccessToken({ expiresIn }).save();
    return { token, expires_at: new Date(Date.now() + expiresIn * 1000).toISOString() };
  }

  /**
   * An oidc-provider instance used only for its InitialAccessToken model (what it stores is what the server's
   * instance reads). Imported here, not at load: the command line needs oidc-provider for this command only.
   */
  async #modelProvider(): Promise<Provider> {
    const { default: OidcProvider } = await import('oidc-provider');
    // It signs nothing: a throw-away key only spares the warning about its development keys.
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
    return new OidcProvider(this.issuer, {
      adapter: this.adapter,
      jwks: { keys: [key] },
      features: { devInteractions: { enabled: false }, registration: { enabled: true, initialAccessToken: true } },
    });
  }
}
