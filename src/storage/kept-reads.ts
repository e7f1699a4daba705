/** What a token's check read, kept on the request being handled for that request's own read that comes next. */
import type { GrantRead, SessionRead } from './recent-reads.js';

/**
 * A grant read with its mark to check a token, kept on the request being handled (the `currentRequest` the server
 * passes: oidc-provider's `Provider.ctx`) for that request's own read of the grant, which comes next (userinfo and
 * introspection load the token's grant): the check and the read see one grant. Taken once, by the same request.
 * Only a token's check uses the instance's recent copies (recent-reads.ts), and only while serving a request:
 * every other read (an interaction's, the command line's, the tests') goes to Redis.
 */
export const GRANT_READ = Symbol('grant read with a token');
/**
 * A token bound to its session (`expiresWithSession`, as every access token of the implicit flow is) is checked
 * next by oidc-provider reading that session by uid: the session is read (or its recent copy taken) beside the
 * grant and kept on the request for that read, under the same rules as the grant.
 */
export const UID_READ = Symbol('session read by uid with a token');
export type UidRead = { id: string; session: Promise<SessionRead | undefined> };
export type KeptReads = { [GRANT_READ]?: GrantRead; [UID_READ]?: UidRead };

/** What this request kept under `key` for a read of `id`, taken off it: a kept read serves once. */
export function takeKept<K extends keyof KeptReads>(request: KeptReads | undefined, key: K, id: string): KeptReads[K] | undefined {
  const kept = request?.[key];
  if (kept?.id !== id) return undefined;
  delete request![key];
  return kept;
}
