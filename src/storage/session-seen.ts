/**
 * Where and how a signed-in session was last saved: the browser's User-Agent and address, and when (what the
 * account page shows as each session's device, address and last seen). One small record beside the session, under
 * the session's own hash tag (Cluster), expiring with it; every text bounded before it is stored.
 */
export interface SessionSeen {
  /** The User-Agent, cut to USER_AGENT_MAX characters. */
  ua?: string;
  ip?: string;
  /** Unix seconds. */
  seen: number;
}

export const USER_AGENT_MAX = 256;
const IP_MAX = 64;

export const sessionSeenKey = (sessionId: string) => `oidc:SessionSeen:{${sessionId}}`;

/** What the request being served says about its browser, bounded; undefined outside a request. */
export function seenFrom(request: object | undefined, now: number): SessionSeen | undefined {
  const ctx = request as { get?: (name: string) => string; ip?: unknown } | undefined;
  if (!ctx || typeof ctx.get !== 'function') return undefined;
  const ua = ctx.get('user-agent');
  const ip = typeof ctx.ip === 'string' ? ctx.ip : undefined;
  return { ...(ua ? { ua: ua.slice(0, USER_AGENT_MAX) } : {}), ...(ip ? { ip: ip.slice(0, IP_MAX) } : {}), seen: now };
}

export function parseSeen(value: string | null | undefined): SessionSeen | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as SessionSeen;
    return typeof parsed.seen === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
