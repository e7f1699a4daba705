/**
 * The person of the interactive benchmark: authorize → login page → login (argon2id) → consent page → consent →
 * the redirect with the tokens, every step checked. The load generator shares the host's cores with the servers, so
 * this walks the pages on node:http with keep-alive connections and finds what it needs with indexOf, at a
 * fraction of the CPU of fetch and test/support's UserAgent (URL objects, Headers, regular expressions); the
 * steps and checks are those of test/support/flows.ts.
 */
import { Agent, request } from 'node:http';

export interface Hop {
  status: number;
  /** The Location header, as sent. */
  location?: string;
  body: string;
}

/** Connections kept open between requests, as a browser keeps them. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Cookie {
  value: string;
  path: string;
}

export class FlowClient {
  readonly #cookies = new Map<string, Cookie>();
  readonly #host: string;
  readonly #port: number;

  constructor(readonly origin: string) {
    const { hostname, port } = new URL(origin);
    this.#host = hostname;
    this.#port = Number(port);
  }

  /** The Cookie header this client sends to a path of the server (a silent benchmark replays a session with it). */
  cookieHeaderFor(path: string): string {
    let header = '';
    for (const [name, { value, path: scope }] of this.#cookies) {
      if (scope === '/' || path === scope || path.startsWith(scope.endsWith('/') ? scope : `${scope}/`)) header += `${header ? '; ' : ''}${name}=${value}`;
    }
    return header;
  }

  #store(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const eq = line.indexOf('=');
      const end = line.indexOf(';');
      const name = line.slice(0, eq);
      const value = line.slice(eq + 1, end < 0 ? undefined : end);
      const attrs = end < 0 ? '' : line.slice(end);
      const lower = attrs.toLowerCase();
      // An attribute's value runs to the next ';' or the end (`>>> 0` turns indexOf's -1 into "to the end").
      const attr = (key: string) => {
        const at = lower.indexOf(`; ${key}=`);
        return at < 0 ? undefined : attrs.slice(at + key.length + 3, attrs.indexOf(';', at + key.length + 3) >>> 0);
      };
      const path = attr('path') ?? '/';
      // oidc-provider clears a cookie with an expiry in 1970 (and Koa's cookies with max-age 0 too).
      const expires = attr('expires');
      const cleared = attr('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (cleared) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path });
    }
  }

  /** One request to this server (`path` from its root); the body is read only from pages (200). */
  request(method: 'GET' | 'POST', path: string, form?: string): Promise<Hop> {
    const headers: Record<string, string | number> = {};
    const cookie = this.cookieHeaderFor(path.slice(0, (path.indexOf('?') + 1 || path.length + 1) - 1));
    if (cookie) headers.cookie = cookie;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(form);
    }
    return new Promise<Hop>((resolve, reject) => {
      const req = request({ agent, host: this.#host, port: this.#port, method, path, headers }, (res) => {
        this.#store(res.headers['set-cookie']);
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status !== 200) {
          res.resume();
          res.once('end', () => resolve({ status, location, body: '' }));
        } else {
          res.setEncoding('utf8');
          let body = '';
          res.on('data', (chunk: string) => (body += chunk));
          res.once('end', () => resolve({ status, location, body }));
        }
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(form);
    });
  }

  /** Follows redirects while they stay on this server; returns the first hop that does not. */
  async follow(method: 'GET' | 'POST', path: string, form?: string): Promise<Hop> {
    let hop = await this.request(method, path, form);
    for (let i = 0; i < 10 && hop.location; i++) {
      const next = this.#ownPath(hop.location);
      if (next === undefined) break;
      hop = await this.request('GET', next);
    }
    return hop;
  }

  /** The path of a location on this server (absolute or from the root), or undefined when it leaves it. */
  #ownPath(location: string): string | undefined {
    if (location.startsWith('/')) return location;
    return location.startsWith(`${this.origin}/`) ? location.slice(this.origin.length) : undefined;
  }

  /** The path a page's form posts to, its action ending in `/${step}`. */
  formPath(page: Hop, step: string): string {
    const end = page.body.indexOf(`/${step}"`);
    const start = end < 0 ? -1 : page.body.lastIndexOf('action="', end);
    const action = start < 0 ? undefined : this.#ownPath(page.body.slice(start + 8, end + step.length + 1));
    if (action === undefined) throw new Error(`no ${step} form on the page (status ${page.status}): ${page.body.slice(0, 300)}`);
    return action;
  }
}

/** The value of the input named `name` in a page. */
export function inputValue(html: string, name: string): string | undefined {
  const at = html.indexOf(`name="${name}"`);
  if (at < 0) return undefined;
  const open = html.lastIndexOf('<input', at);
  const close = html.indexOf('>', at);
  const tag = html.slice(open, close);
  const value = tag.indexOf('value="');
  return value < 0 ? undefined : tag.slice(value + 7, tag.indexOf('"', value + 7));
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/**
 * Authorize → login → second factor (when asked, with `user.code()`: the authenticator app's code now) → consent
 * (when asked) → the hop back to the relying party.
 */
export async function signIn(client: FlowClient, authorizePath: string, user: { username: string; password: string; code?: () => string }): Promise<Hop> {
  const loginPage = await client.follow('GET', authorizePath);
  if (loginPage.status !== 200 || !loginPage.body.includes('name="password"')) throw new Error(`expected the login page, got ${loginPage.status} ${loginPage.location ?? ''}`);
  const csrf = inputValue(loginPage.body, 'csrf') ?? '';
  let hop = await client.follow('POST', client.formPath(loginPage, 'login'), form({ csrf, username: user.username, password: user.password }));
  if (user.code && hop.status === 200 && hop.body.includes('/mfa/totp"')) {
    hop = await client.follow('POST', client.formPath(hop, 'mfa/totp'), form({ csrf: inputValue(hop.body, 'csrf') ?? '', code: user.code() }));
  }
  if (hop.status === 200 && hop.body.includes('/confirm"')) {
    hop = await client.follow('POST', client.formPath(hop, 'confirm'), form({ csrf: inputValue(hop.body, 'csrf') ?? '' }));
  }
  return hop;
}
