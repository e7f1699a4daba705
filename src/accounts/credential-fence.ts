/**
 * What a credential change ends: every session and token opened before it. oidc-provider stamps a session's
 * sign-in (loginTs) and a token's issue (iat, authTime) in whole seconds, so one stamped in the second of the change
 * may come from before it: those are refused too, and the change returns only once that second is over, so what is
 * opened after it returns is never refused. Pure, but for the wait.
 */

/** A user or client record: when it came to be, and when its credentials last changed (ISO 8601). */
export interface Fenced {
  createdAt: string;
  credentialsChangedAt?: string;
}

const secondOf = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The first whole second (Unix seconds) in which what is opened counts as opened after the change. */
export const fenceOf = (changedAt: string) => secondOf(changedAt) + 1;

/**
 * Whether something opened at `openedAt` (Unix seconds) predates the record's current credentials. A record created
 * again under an old id (a given sub, say) inherits nothing from before its creation: the deletion waited its second out.
 */
export function openedBefore(record: Fenced, openedAt: number): boolean {
  if (record.credentialsChangedAt !== undefined && openedAt < fenceOf(record.credentialsChangedAt)) return true;
  return openedAt < secondOf(record.createdAt);
}

/** Resolves once the second of a change stamped `changedAt` is over. */
export function fencePassed(changedAt: string): Promise<void> {
  const wait = fenceOf(changedAt) * 1000 - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
