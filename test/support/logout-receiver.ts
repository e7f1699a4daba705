/**
 * A relying party's back-channel logout endpoint for tests: it takes each POSTed logout_token, verifies it with jose
 * against the provider's JWKS (signature, iss, aud, typ, events, sid, no nonce) and hands it to whoever awaits it.
 * Each path can be told to answer with failures first, or to hold its requests unanswered until released.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface ReceivedLogout {
  path: string;
  token: string;
  /** The verified claims; undefined when verification failed (see `problem`). */
  claims?: JWTPayload & { sid?: string; events?: Record<string, unknown>; nonce?: unknown };
  problem?: string;
}

interface PathBehaviour {
  /** Answer this many requests with 503 first. */
  failures: number;
  /** Hold every request unanswered until released. */
  hold: boolean;
}

export class LogoutReceiver {
  readonly received: ReceivedLogout[] = [];
  readonly #waiters: { match: (r: ReceivedLogout) => boolean; resolve: (r: ReceivedLogout) => void }[] = [];
  readonly #behaviour = new Map<string, PathBehaviour>();
  readonly #held: ServerResponse[] = [];
  /** Requests answered (with any status), per path. */
  readonly attempts = new Map<string, number>();
  #server: Server | undefined;
  origin = '';

  constructor(private readonly issuer: () => string) {}

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.release();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  behave(path: string, behaviour: Partial<PathBehaviour>): void {
    this.#behaviour.set(path, { failures: 0, hold: false, ...this.#behaviour.get(path), ...behaviour });
  }

  /** Answers every held request (200). */
  release(): void {
    for (const res of this.#held.splice(0)) res.writeHead(200).end();
  }

  get heldCount(): number {
    return this.#held.length;
  }

  /** The next (or an already received) verified logout at `path` matching `match`. */
  next(path: string, match: (r: ReceivedLogout) => boolean = () => true): Promise<ReceivedLogout> {
    const wanted = (r: ReceivedLogout) => r.path === path && match(r);
    const seen = this.received.find(wanted);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match: wanted, resolve }));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.attempts.set(path, (this.attempts.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const behaviour = this.#behaviour.get(path);
    if (behaviour?.hold) {
      this.#held.push(res);
      return;
    }
    if (behaviour && behaviour.failures > 0) {
      behaviour.failures -= 1;
      res.writeHead(503).end();
      return;
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const token = form.get('logout_token') ?? '';
    const received = await this.#verify(path, token, req.headers['content-type']);
    res.writeHead(received.problem ? 400 : 200).end();
    this.received.push(received);
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(received)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    }
  }

  /** Back-Channel Logout 1.0, 2.6: the checks a relying party makes of a logout token. */
  async #verify(path: string, token: string, contentType: string | undefined): Promise<ReceivedLogout> {
    if (contentType !== 'application/x-www-form-urlencoded') return { path, token, problem: `content-type ${contentType}` };
    try {
      const jwks = createRemoteJWKSet(new URL(`${this.issuer()}/jwks`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: this.issuer(), typ: 'logout+jwt', requiredClaims: ['iat', 'jti', 'events'] });
      const claims = payload as ReceivedLogout['claims'] & object;
      if (!claims.events || typeof claims.events['http://schemas.openid.net/event/backchannel-logout'] !== 'object') return { path, token, problem: 'no back-channel logout event' };
      if ('nonce' in claims) return { path, token, problem: 'a nonce is present' };
      if (!claims.sid && !claims.sub) return { path, token, problem: 'neither sid nor sub' };
      if (!protectedHeader.kid) return { path, token, problem: 'no kid' };
      return { path, token, claims };
    } catch (err) {
      return { path, token, problem: (err as Error).message };
    }
  }
}
