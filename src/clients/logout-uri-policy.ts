/**
 * Which back- and front-channel logout URIs a client may register: pure, so the command line, the API, dynamic
 * registration and the configuration files agree.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a back-channel logout URI is refused, or undefined: https, or http on a loopback host outside production. */
export function backchannelUriProblem(uri: string, { production }: { production: boolean }): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed) return 'must be an absolute URL';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') return 'must use https';
  if (!LOOPBACK.has(parsed.hostname)) return 'must use https (plain http only for localhost and 127.0.0.1 in development)';
  if (production) return 'must use https in production';
  return undefined;
}

/**
 * Why a front-channel logout URI is refused, or undefined: an http(s) URL without a fragment, on the origin of one of
 * the client's redirect URIs (the page it loads in our sign-out page is the client's own).
 */
export function frontchannelUriProblem(uri: string, redirectUris: readonly string[], policy: { production: boolean }): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed) return 'must be an absolute URL';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must use https';
  const origins = new Set(redirectUris.map((r) => URL.parse(r)?.origin).filter((o): o is string => !!o));
  if (!origins.has(parsed.origin)) return `must be on the origin of one of the client's redirect URIs (${[...origins].join(', ') || 'none'})`;
  return parsed.protocol === 'http:' ? backchannelUriProblem(uri, policy) : undefined;
}
