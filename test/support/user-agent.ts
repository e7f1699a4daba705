/**
 * A browser stand-in for HTTP tests: a cookie jar honouring Path and expiry, manual redirects, and form
 * posts. It stops at the first redirect that leaves the provider (the relying party's redirect_uri).
 */
export interface Hop {
  status: number;
  location?: string;
  body: string;
  headers: Headers;
  url: string;
}

interface Cookie {
  value: string;
  path: string;
  expires?: number;
}

export class UserAgent {
  readonly #cookies = new Map<string, Cookie>();

  constructor(readonly origin: string) {}

  cookieNames(): string[] {
    return [...this.#cookies.keys()];
  }

  cookieValue(name: string): string | undefined {
    return this.#cookies.get(name)?.value;
  }

  dropCookie(name: string): void {
    this.#cookies.delete(name);
  }

  /** Puts a cookie in the jar as if the server had set it (a cookie copied from another browser). */
  setCookie(name: string, value: string, path = '/'): void {
    this.#cookies.set(name, { value, path });
  }

  /** The Cookie header this agent sends to a URL (benchmarks replay a session with it). */
  cookieHeaderFor(url: string): string {
    return this.#cookieHeader(new URL(url, this.origin));
  }

  #cookieHeader(url: URL): string {
    const now = Date.now();
    return [...this.#cookies.entries()]
      .filter(([, c]) => (c.expires === undefined || c.expires > now) && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/'))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  #store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const cookie: Cookie = { value: pair!.slice(eq + 1), path: '/' };
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k!.toLowerCase();
        if (key === 'path') cookie.path = v;
        if (key === 'expires') cookie.expires = Date.parse(v);
        if (key === 'max-age') cookie.expires = Date.now() + Number(v) * 1000;
      }
      if (url.origin !== this.origin) continue;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.#cookies.delete(name);
      else this.#cookies.set(name, cookie);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Hop> {
    const target = new URL(url, this.origin);
    const headers = new Headers(init.headers);
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.#store(target, res.headers);
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      location: location && new URL(location, target).href,
      body: await res.text(),
      headers: res.headers,
      url: target.href,
    };
  }

  get(url: string): Promise<Hop> {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>): Promise<Hop> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Follows redirects while they stay on the provider, and submits the provider's own auto-submitting
   * forms (as a browser running their script would); returns the first hop that is neither.
   */
  async follow(url: string, init?: RequestInit): Promise<Hop> {
    let hop = await this.request(url, init);
    for (let i = 0; i < 10; i++) {
      if (hop.location && new URL(hop.location).origin === this.origin) {
        hop = await this.get(hop.location);
        continue;
      }
      const autoSubmit = hop.status === 200 && hop.body.includes('document.forms[0].submit()') ? hop.body.match(/<form method="post" action="([^"]+)"/)?.[1] : undefined;
      if (!autoSubmit || new URL(autoSubmit).origin !== this.origin) break;
      const fields = [...hop.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]);
      hop = await this.request(autoSubmit, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    }
    return hop;
  }
}

/** The value of a named hidden input or text input in an HTML page. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  return tag?.match(/value="([^"]*)"/)?.[1];
}

export function fragmentParams(location: string | undefined): URLSearchParams {
  if (!location) throw new Error('no redirect location');
  return new URLSearchParams(new URL(location).hash.slice(1));
}
