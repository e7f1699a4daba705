/** Which redirect URIs a client may register: pure, so the command line, the API and start-up agree. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The reason a redirect URI is refused, or undefined when it is acceptable. */
export function redirectUriProblem(uri: string, { production }: { production: boolean }): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed) return 'must be an absolute URL';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (uri.includes('*')) return 'must not contain wildcards';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') return 'must use https';
  if (!LOOPBACK.has(parsed.hostname)) return 'must use https (plain http only for localhost and 127.0.0.1 in development)';
  if (production) return 'must use https in production';
  return undefined;
}
