/**
 * An account's sessions: listed from the account's session index (never a scan), ended one or all at once. Ending a
 * session destroys it (its implicit access tokens expire with it) and hands each client it signed into to the
 * back-channel logout delivery (logout/). Sessions are named outside by a digest of their id, never the id itself
 * (the id is the session cookie's value).
 */
import { createHash } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { AppError } from '../errors.js';
import type { SessionSeen } from '../storage/session-seen.js';
import { summarizeUserAgent } from './user-agent-summary.js';

/** Where an account's sessions are kept: the index of their ids and the session records (Redis, or memory). */
export interface SessionStore {
  /** The ids the account's index holds, oldest first (some may be gone). */
  ids(accountId: string): Promise<string[]>;
  read(id: string): Promise<AdapterPayload | undefined>;
  /** The browser that last saved the session, when known. */
  seen(id: string): Promise<SessionSeen | undefined>;
  destroy(id: string): Promise<void>;
  /** Drops ids found gone from the account's index. */
  forget(accountId: string, ids: readonly string[]): Promise<void>;
}

/** A client to tell that a session it signed into ended (logout/backchannel-delivery.ts LogoutNotice). */
export interface EndedAuthorization {
  clientId: string;
  accountId: string;
  sid: string;
  reason: string;
}

export interface SessionView {
  /** The session's handle: a digest of its id. */
  id: string;
  /** When its sign-in happened, ISO 8601. */
  signedInAt?: string;
  expiresAt?: string;
  /** The authentication methods of its sign-in. */
  amr?: string[];
  /** The clients it has signed into. */
  clients: string[];
  /** The browser and operating system from its User-Agent, its address and when it was last saved (ISO 8601). */
  browser?: string;
  os?: string;
  address?: string;
  lastSeenAt?: string;
}

/** The most sessions one listing reads (the account's newest): a bound on one request's work. */
export const MAX_LISTED_SESSIONS = 100;

export const sessionHandle = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 22);

const iso = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined);

type SessionPayload = AdapterPayload & { loginTs?: number; amr?: string[]; authorizations?: Record<string, { sid?: string }> };

function view(id: string, s: SessionPayload, seen: SessionSeen | undefined): SessionView {
  const signedInAt = iso(s.loginTs);
  const expiresAt = iso(s.exp);
  const lastSeenAt = iso(seen?.seen);
  return {
    ...summarizeUserAgent(seen?.ua),
    ...(seen?.ip ? { address: seen.ip } : {}),
    ...(lastSeenAt ? { lastSeenAt } : {}),
    id: sessionHandle(id),
    ...(signedInAt ? { signedInAt } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(Array.isArray(s.amr) ? { amr: s.amr.map(String) } : {}),
    clients: Object.keys(s.authorizations ?? {}),
  };
}

export class AccountSessions {
  constructor(
    private readonly store: SessionStore,
    /** Told of every client of every session ended (back-channel logout). */
    private readonly onEnded: (ended: EndedAuthorization[]) => void = () => undefined,
  ) {}

  /** The account's live sessions, newest first. */
  async list(accountId: string): Promise<SessionView[]> {
    const live = await this.#live(accountId);
    const seen = await Promise.all(live.map(({ id }) => this.store.seen(id).catch(() => undefined)));
    return live.map(({ id, session }, i) => view(id, session, seen[i]));
  }

  /**
   * Ends the account's session named by `handle`, or every one of its sessions when none is given; returns what was
   * ended. A handle that is not one of this account's sessions is refused (not_found) and nothing changes.
   */
  async end(accountId: string, reason: string, handle?: string): Promise<SessionView[]> {
    const live = await this.#live(accountId);
    const chosen = handle === undefined ? live : live.filter(({ id }) => sessionHandle(id) === handle);
    if (handle !== undefined && chosen.length === 0) throw new AppError('not_found', "session: not one of this account's sessions", { field: 'session' });
    const ended: EndedAuthorization[] = [];
    for (const { id, session } of chosen) {
      await this.store.destroy(id);
      for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
        if (typeof authorization?.sid === 'string') ended.push({ clientId, accountId, sid: authorization.sid, reason });
      }
    }
    await this.store.forget(accountId, chosen.map(({ id }) => id));
    if (ended.length) this.onEnded(ended);
    return chosen.map(({ id, session }) => view(id, session, undefined));
  }

  /**
   * Tells `clientId` (back-channel logout) that each of the account's sessions it signed into is over for it: its
   * access was removed. The sessions themselves go on for the other clients.
   */
  async notifyClient(accountId: string, clientId: string, reason: string): Promise<number> {
    const told: EndedAuthorization[] = [];
    for (const { session } of await this.#live(accountId)) {
      const sid = session.authorizations?.[clientId]?.sid;
      if (typeof sid === 'string') told.push({ clientId, accountId, sid, reason });
    }
    if (told.length) this.onEnded(told);
    return told.length;
  }

  /** The sessions the index holds that still exist and are this account's, newest first; the others leave the index. */
  async #live(accountId: string): Promise<{ id: string; session: SessionPayload }[]> {
    const ids = (await this.store.ids(accountId)).slice(-MAX_LISTED_SESSIONS).reverse();
    const sessions = (await Promise.all(ids.map((id) => this.store.read(id)))) as (SessionPayload | undefined)[];
    const gone = ids.filter((_, i) => !sessions[i] || sessions[i]!.accountId !== accountId);
    if (gone.length) await this.store.forget(accountId, gone);
    return ids.flatMap((id, i) => {
      const session = sessions[i];
      return session && session.accountId === accountId ? [{ id, session }] : [];
    });
  }
}
