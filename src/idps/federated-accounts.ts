/**
 * Our account for a verified upstream identity: found by its link (IdP, upstream subject), never by e-mail alone;
 * else linked to the local user with that e-mail when the IdP allows it and the upstream says the e-mail is verified;
 * else created just in time under a new random `sub` of ours. Claims and groups of a created user are refreshed at
 * each sign-in; a linked local user's upstream groups (externalGroups) are, its claims stay the administrator's; a
 * disabled user stays disabled.
 */
import { createHash } from 'node:crypto';
import { newSub, UserError, type UserRecord, type Users } from '../accounts/users.js';
import { AppError } from '../errors.js';
import type { Collection } from '../storage/collection.js';
import type { IdpRecord } from './idp-record.js';
import type { UpstreamIdentity } from './upstream.js';

/** The link index: (IdP, upstream subject) → our sub. */
export interface LinkRecord {
  sub: string;
  idp: string;
  subject: string;
  linkedAt: string;
}

export type Resolution = { kind: 'success'; user: UserRecord; created: boolean; linked: boolean; note?: string } | { kind: 'disabled'; user: UserRecord };

/**
 * Beyond this many users, a first sign-in is linked by e-mail only to a local user whose username is that e-mail:
 * finding one by its e-mail claim reads every user, and no e-mail index is kept for this rare step.
 */
export const LINK_BY_EMAIL_SCAN_MAX = 10_000;

/** The index key: the IdP's name and a digest of the subject, so an upstream's long or odd subject stays a short key. */
export const linkKey = (idp: string, subject: string) => `${idp}:${createHash('sha256').update(subject).digest('base64url')}`;

export class FederatedAccounts {
  constructor(
    private readonly links: Collection<LinkRecord>,
    private readonly users: Pick<Users, 'findBySub' | 'findByUsername' | 'list' | 'count' | 'mirror' | 'changeLinks' | 'require' | 'setExternalGroups'>,
  ) {}

  async resolve(idp: Pick<IdpRecord, 'name' | 'linkByVerifiedEmail'>, identity: UpstreamIdentity): Promise<Resolution> {
    // Twice at most: a first sign-in that loses a race to another one follows the link the other made.
    for (let attempt = 0; attempt < 2; attempt++) {
      const key = linkKey(idp.name, identity.subject);
      const link = await this.links.get(key);
      if (link) {
        const user = await this.users.findBySub(link.sub);
        if (!user) {
          // The user was deleted: the link goes with it, and this sign-in starts afresh.
          await this.links.remove(key);
          continue;
        }
        if (user.disabled) return { kind: 'disabled', user };
        // Created by this identity: claims and groups mirrored. Linked to a local user: its upstream groups only.
        const refreshed = this.#mirroredBy(user, idp.name, identity.subject) ? await this.users.mirror(this.#account(user.sub, identity)) : user.source ? user : await this.users.setExternalGroups(user.sub, identity.groups);
        return { kind: 'success', user: refreshed, created: false, linked: false };
      }
      const found: { user?: UserRecord; note?: string } = idp.linkByVerifiedEmail ? await this.#localByVerifiedEmail(identity) : {};
      const local = found.user;
      if (local) {
        if (local.disabled) return { kind: 'disabled', user: local };
        if (!(await this.links.insert(key, { sub: local.sub, idp: idp.name, subject: identity.subject, linkedAt: new Date().toISOString() }))) continue;
        await this.users.changeLinks(local.sub, (links) => [...links.filter((l) => l.idp !== idp.name), { idp: idp.name, subject: identity.subject, linkedAt: new Date().toISOString() }]);
        const user = await this.users.setExternalGroups(local.sub, identity.groups);
        return { kind: 'success', user, created: false, linked: true };
      }
      const sub = newSub();
      if (!(await this.links.insert(key, { sub, idp: idp.name, subject: identity.subject, linkedAt: new Date().toISOString() }))) continue;
      try {
        await this.users.mirror(this.#account(sub, identity));
        const user = await this.users.changeLinks(sub, () => [{ idp: idp.name, subject: identity.subject, linkedAt: new Date().toISOString() }]);
        return { kind: 'success', user, created: true, linked: false, ...(found.note ? { note: found.note } : {}) };
      } catch (err) {
        await this.links.remove(key);
        throw err;
      }
    }
    throw new AppError('conflict', `idp ${idp.name}: the account of this identity changed during the sign-in; try again`);
  }

  /** Removes a user's link to an IdP (the index and the user's list); the user stays. */
  async unlink(username: string, idp: string): Promise<UserRecord> {
    const user = await this.users.require(username);
    const mine = (user.links ?? []).filter((l) => l.idp === idp);
    if (mine.length === 0) throw new UserError(`user ${username}: no identity linked from idp ${idp}`, 'not_found');
    for (const l of mine) {
      const key = linkKey(l.idp, l.subject);
      const link = await this.links.get(key);
      if (link?.sub === user.sub) await this.links.remove(key);
    }
    return this.users.changeLinks(user.sub, (links) => links.filter((l) => l.idp !== idp));
  }

  /** Every link of an IdP's name dropped (the IdP deleted): its identities would otherwise sign in again if it came back. */
  async forgetIdp(idp: string): Promise<number> {
    let n = 0;
    for (const [key, link] of await this.links.entries()) {
      if (link.idp !== idp) continue;
      await this.links.remove(key);
      const user = await this.users.findBySub(link.sub);
      if (user) await this.users.changeLinks(user.sub, (links) => links.filter((l) => l.idp !== idp));
      n++;
    }
    return n;
  }

  #mirroredBy(user: UserRecord, idp: string, subject: string): boolean {
    return user.source?.kind === 'idp' && user.source.name === idp && user.source.id === subject;
  }

  #account(sub: string, identity: UpstreamIdentity) {
    const username = [identity.claims.email, identity.claims.preferred_username].find((v): v is string => typeof v === 'string' && v.length > 0) ?? `${identity.subject}@${identity.idp}`;
    return { sub, username, claims: identity.claims, externalGroups: identity.groups, source: { kind: 'idp' as const, name: identity.idp, id: identity.subject } };
  }

  /**
   * The one local (not mirrored) user whose username or e-mail is the upstream's verified e-mail. The username is
   * one indexed read; the e-mail claim needs the user list, read only up to LINK_BY_EMAIL_SCAN_MAX users (beyond
   * that, `note` says why nobody was linked).
   */
  async #localByVerifiedEmail(identity: UpstreamIdentity): Promise<{ user?: UserRecord; note?: string }> {
    const email = identity.claims.email;
    if (identity.claims.email_verified !== true || typeof email !== 'string' || !email.includes('@')) return {};
    const wanted = email.normalize('NFKC').toLowerCase();
    const byName = await this.users.findByUsername(email);
    if (byName && !byName.source && typeof byName.claims.email === 'string' && byName.claims.email.normalize('NFKC').toLowerCase() === wanted) return { user: byName };
    if ((await this.users.count()) > LINK_BY_EMAIL_SCAN_MAX) return { note: `not linked by e-mail: more than ${LINK_BY_EMAIL_SCAN_MAX} users, only a username equal to the e-mail is looked up` };
    const matches = (await this.users.list()).filter((u) => !u.source && typeof u.claims.email === 'string' && u.claims.email.normalize('NFKC').toLowerCase() === wanted);
    // Two local users with one e-mail: no one to link to.
    if (matches.length !== 1) return matches.length > 1 ? { note: 'not linked by e-mail: more than one local user has it' } : {};
    const user = await this.users.findBySub(matches[0]!.sub);
    return user ? { user } : {};
  }
}
