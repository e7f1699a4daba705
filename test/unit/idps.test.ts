/**
 * Upstream identity providers without a server: the record's rules, the claim and group mapping, the client secret
 * sealed at rest, pending sign-ins taken once, and the account an upstream identity resolves to (link, verified
 * e-mail, just in time; a disabled user stays disabled).
 */
import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { passwordHasher } from '../../src/accounts/passwords.js';
import { Users, type UserRecord } from '../../src/accounts/users.js';
import { FederatedAccounts, LINK_BY_EMAIL_SCAN_MAX, type LinkRecord } from '../../src/idps/federated-accounts.js';
import { mapClaims, mapGroups } from '../../src/idps/identity-mapping.js';
import { callbackUrlOf, displayNameIn, idpForLogin, idpInputSchema } from '../../src/idps/idp-record.js';
import { Idps } from '../../src/idps/idps.js';
import { OidcProtocol } from '../../src/idps/oidc-protocol.js';
import { MemoryPending } from '../../src/idps/memory-pending.js';
import { PENDING_PER_INTERACTION, PendingSignIns } from '../../src/idps/pending-sign-ins.js';
import type { UpstreamIdentity } from '../../src/idps/upstream.js';
import { MemoryCollection } from '../../src/storage/memory-collection.js';

const OIDC = { issuer: 'https://login.corp.example', clientId: 'broker', clientSecret: 'shh-upstream-secret' };
const SAML = { metadataXml: '<md:EntityDescriptor/>', entityId: 'https://idp.corp.example', ssoUrl: 'https://idp.corp.example/sso', certificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] };

describe('the record', () => {
  const problems = (input: unknown) => {
    const r = idpInputSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  test('defaults: enabled, openid always among the scopes, the name as display name', () => {
    const valid = idpInputSchema.parse({ name: 'corp', type: 'oidc', oidc: { ...OIDC, scopes: ['email'] } });
    expect(valid).toMatchObject({ enabled: true, displayName: 'corp', domains: [], linkByVerifiedEmail: false, order: 100, oidc: { scopes: ['openid', 'email'], useUserinfo: false } });
  });

  test.each([
    ['name: a name of letters', { name: '-x', type: 'oidc', oidc: OIDC }],
    ['oidc: required for type oidc', { name: 'corp', type: 'oidc' }],
    ['saml: required for type saml', { name: 'corp', type: 'saml', oidc: OIDC }],
    ['oidc.issuer: an http(s) URL without credentials', { name: 'corp', type: 'oidc', oidc: { ...OIDC, issuer: 'https://user:pw@corp.example' } }],
    ['oidc.clientSecret: at most 1024', { name: 'corp', type: 'oidc', oidc: { ...OIDC, clientSecret: 'x'.repeat(1025) } }],
    ['claimMap.sub: our subject is our own', { name: 'corp', type: 'oidc', oidc: OIDC, claimMap: { sub: 'oid' } }],
    ['claimMap.iss', { name: 'corp', type: 'oidc', oidc: OIDC, claimMap: { iss: 'x' } }],
    ['domains: DNS names', { name: 'corp', type: 'oidc', oidc: OIDC, domains: ['not a domain'] }],
    ['Unrecognized key', { name: 'corp', type: 'oidc', oidc: OIDC, extra: 1 }],
    ['trustEmail: only for type saml', { name: 'corp', type: 'oidc', oidc: OIDC, trustEmail: true }],
    ['Unrecognized key: "allowUnencrypted"', { name: 'corp', type: 'saml', saml: { ...SAML, allowUnencrypted: true } }],
    ['no control characters', { name: 'corp', type: 'saml', saml: { ...SAML, subjectAttribute: 'uid\n' } }],
  ])('refused, saying %s', (message, input) => {
    expect(problems(input).join('; ')).toContain(message);
  });

  test('home-realm discovery, display names per language, the static redirect_uri', () => {
    const idps = [{ name: 'a', enabled: false, domains: ['corp.example'] }, { name: 'b', enabled: true, domains: ['corp.example'] }];
    expect(idpForLogin(idps, 'alice@CORP.example')?.name).toBe('b');
    expect(idpForLogin(idps, 'alice@other.example')).toBeUndefined();
    expect(idpForLogin(idps, 'alice')).toBeUndefined();
    expect(displayNameIn({ en: 'Corp', 'zh-CN': '公司' }, 'zh-CN')).toBe('公司');
    expect(displayNameIn({ en: 'Corp' }, 'zh-CN')).toBe('Corp');
    expect(callbackUrlOf('https://op.example/', 'corp')).toBe('https://op.example/federation/corp/callback');
  });
});

describe('the store', () => {
  test('the client secret is sealed at rest with KEYS_ENCRYPTION_KEY, never in a view, kept across an update', async () => {
    const records = new MemoryCollection<never>();
    const idps = new Idps(records as never, randomBytes(32));
    const view = await idps.create({ name: 'corp', type: 'oidc', oidc: OIDC });
    expect(JSON.stringify(view)).not.toContain(OIDC.clientSecret);
    expect(view.oidc).toMatchObject({ clientSecretSet: true });
    const stored = (await (records as unknown as MemoryCollection<{ oidc: { clientSecret: string } }>).get('corp'))!;
    expect(stored.oidc.clientSecret.startsWith('sealed:')).toBe(true);
    await idps.update('corp', { domains: ['corp.example'], oidc: { scopes: ['openid', 'groups'] } });
    expect((await idps.forSignIn('corp'))!.oidc).toMatchObject({ clientSecret: OIDC.clientSecret, scopes: ['openid', 'groups'] });
    await expect(idps.update('corp', { type: 'saml' })).rejects.toThrow('type: an idp cannot change protocol');
    await expect(idps.create({ name: 'corp', type: 'oidc', oidc: OIDC })).rejects.toThrow('already exists');
  });

  test('a SAML IdP: trustEmail and saml.subjectAttribute kept, changed and cleared like any field', async () => {
    const idps = new Idps(new MemoryCollection<never>() as never, undefined);
    expect(await idps.create({ name: 'corp-saml', type: 'saml', trustEmail: true, saml: { ...SAML, subjectAttribute: 'uid' } })).toMatchObject({ trustEmail: true, saml: { subjectAttribute: 'uid' } });
    expect(await idps.update('corp-saml', { saml: { subjectAttribute: 'employeeNumber' } })).toMatchObject({ saml: { subjectAttribute: 'employeeNumber', entityId: SAML.entityId } });
    const cleared = await idps.update('corp-saml', { trustEmail: false, saml: { subjectAttribute: null } });
    expect(cleared).toMatchObject({ trustEmail: false, saml: { entityId: SAML.entityId } });
    expect(cleared.saml).not.toHaveProperty('subjectAttribute');
    expect((await idps.create({ name: 'corp', type: 'oidc', oidc: OIDC })).trustEmail).toBe(false);
    await expect(idps.update('corp', { trustEmail: true })).rejects.toThrow('trustEmail: only for type saml');
  });
});

describe('mapping', () => {
  test('standard claims as they are, the claim map over them, oversized values dropped; groups bounded', () => {
    const upstream = { email: 'c@corp.example', email_verified: 'true', name: 'x'.repeat(2000), oid: 'abc', sub: 'ignored', roles: ['a', 'a', 'b', 7] };
    expect(mapClaims({ claimMap: { employee_id: 'oid' } }, upstream)).toEqual({ email: 'c@corp.example', email_verified: true, employee_id: 'abc' });
    expect(mapGroups({ groupsClaim: 'roles' }, upstream)).toEqual(['a', 'b']);
    expect(mapGroups({}, { groups: Array.from({ length: 500 }, (_, i) => `g${i}`) })).toHaveLength(200);
  });
});

describe('the OpenID Connect answer', () => {
  test('an upstream error is refused before any request: login_required stays login_required for the client', async () => {
    const idp = idpInputSchema.parse({ name: 'corp', type: 'oidc', oidc: OIDC });
    const record = { ...idp, createdAt: '', updatedAt: '' };
    const protocol = new OidcProtocol();
    await expect(protocol.finish(record, new URLSearchParams('error=login_required&state=s'), {}, { callbackUrl: 'https://op.example/cb' })).rejects.toMatchObject({ code: 'denied', oauthError: 'login_required' });
    await expect(protocol.finish(record, new URLSearchParams('error=access_denied&error_description=no'), {}, { callbackUrl: 'https://op.example/cb' })).rejects.toMatchObject({ code: 'denied', oauthError: 'access_denied', message: 'idp corp answered access_denied: no' });
  });
});

describe('pending sign-ins', () => {
  test('taken once; the answer only for its interaction; a bounded number per interaction', async () => {
    let now = 1_000_000;
    const pending = new PendingSignIns(new MemoryPending(() => now * 1000), () => now);
    const id = pending.newId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const saved = await pending.save({ id, idp: 'corp', interactionUid: 'uid-1', keep: { nonce: 'n' }, expiresAt: now + 60 });
    expect(await pending.take('not-an-id')).toBeUndefined();
    expect(await pending.take(id)).toMatchObject({ idp: 'corp', keep: { nonce: 'n' } });
    expect(await pending.take(id)).toBeUndefined();
    const identity: UpstreamIdentity = { idp: 'corp', subject: 's', claims: {}, groups: [] };
    expect(await pending.completeUpstreamAnswer(saved, identity)).toBe(`/interaction/uid-1/federation/done/${id}`);
    expect(await pending.takeAnswer(id, 'uid-2')).toBeUndefined();
    await pending.completeUpstreamAnswer(saved, identity);
    expect(await pending.takeAnswer(id, 'uid-1')).toMatchObject({ identity });
    expect(await pending.takeAnswer(id, 'uid-1')).toBeUndefined();
    for (let i = 1; i < PENDING_PER_INTERACTION; i++) await pending.save({ id: pending.newId(), idp: 'corp', interactionUid: 'uid-1', keep: {}, expiresAt: now + 60 });
    await expect(pending.save({ id: pending.newId(), idp: 'corp', interactionUid: 'uid-1', keep: {}, expiresAt: now + 60 })).rejects.toThrow(`at most ${PENDING_PER_INTERACTION}`);
    now += 61;
    await expect(pending.save({ id: pending.newId(), idp: 'corp', interactionUid: 'uid-1', keep: {}, expiresAt: now - 1 })).rejects.toThrow('expired');
  });
});

describe('account resolution', () => {
  const setup = async () => {
    const users = new Users(new MemoryCollection<UserRecord>(), passwordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 }));
    const links = new MemoryCollection<LinkRecord>();
    const local = await users.create({ username: 'carol', password: 'a long password', claims: { email: 'carol@corp.example' } });
    return { users, links, accounts: new FederatedAccounts(links, users), local };
  };
  const carol = (claims: Record<string, unknown> = {}): UpstreamIdentity => ({ idp: 'corp', subject: 'up-carol', claims: { email: 'carol@corp.example', email_verified: true, name: 'Carol', ...claims }, groups: ['eng'] });

  test('just in time: a new user under our own random sub, never the upstream\'s; refreshed at the next sign-in', async () => {
    const { accounts, users } = await setup();
    const first = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: false }, carol());
    expect(first).toMatchObject({ kind: 'success', created: true });
    if (first.kind !== 'success') throw new Error('resolved');
    expect(first.user.sub).toMatch(/^[0-9a-f]{32}$/);
    expect(first.user).toMatchObject({ source: { kind: 'idp', name: 'corp', id: 'up-carol' }, externalGroups: ['eng'], links: [{ idp: 'corp', subject: 'up-carol' }] });
    // carol@corp.example was taken by the local user: the mirrored one gets a suffix, and stays apart from her.
    expect(first.user.username).not.toBe('carol');
    const again = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: false }, { ...carol({ name: 'Carol R.' }), groups: ['eng', 'ops'] });
    expect(again).toMatchObject({ kind: 'success', created: false, user: { sub: first.user.sub, claims: { name: 'Carol R.' }, externalGroups: ['eng', 'ops'] } });
    expect((await users.list()).length).toBe(2);
  });

  test('linked by verified e-mail only when the IdP allows it and the upstream says verified', async () => {
    const unverified = await setup();
    const r1 = await unverified.accounts.resolve({ name: 'corp', linkByVerifiedEmail: true }, carol({ email_verified: false }));
    expect(r1).toMatchObject({ kind: 'success', created: true });
    const { accounts, users, local } = await setup();
    const linked = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: true }, carol());
    expect(linked).toMatchObject({ kind: 'success', linked: true, user: { sub: local.sub, links: [{ idp: 'corp', subject: 'up-carol' }] } });
    // The local user's own claims are hers: the upstream does not overwrite them.
    expect((await users.findBySub(local.sub))!.claims).toEqual({ email: 'carol@corp.example' });
    expect(await accounts.resolve({ name: 'corp', linkByVerifiedEmail: true }, carol())).toMatchObject({ kind: 'success', linked: false, user: { sub: local.sub } });
    const unlinked = await accounts.unlink('carol', 'corp');
    expect(unlinked.links).toBeUndefined();
    await expect(accounts.unlink('carol', 'corp')).rejects.toThrow('no identity linked from idp corp');
  });

  test('a linked local user: its upstream groups refreshed at each sign-in, its claims, role and local groups never', async () => {
    const { accounts, users, local } = await setup();
    await users.update('carol', { role: 'admin', claims: { email: 'carol@corp.example', department: 'Ops' } });
    const linked = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: true }, carol());
    expect(linked).toMatchObject({ kind: 'success', linked: true, user: { sub: local.sub, externalGroups: ['eng'] } });
    const next = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: true }, { ...carol({ name: 'Somebody Else', department: 'R&D' }), groups: ['eng', 'vpn'] });
    expect(next).toMatchObject({ kind: 'success', linked: false, user: { sub: local.sub, externalGroups: ['eng', 'vpn'] } });
    const stored = (await users.findBySub(local.sub))!;
    expect(stored).toMatchObject({ role: 'admin', claims: { email: 'carol@corp.example', department: 'Ops' }, externalGroups: ['eng', 'vpn'] });
    expect(stored.source).toBeUndefined();
    // The upstream dropping every group drops them here too.
    await accounts.resolve({ name: 'corp', linkByVerifiedEmail: true }, { ...carol(), groups: [] });
    expect((await users.findBySub(local.sub))!.externalGroups).toBeUndefined();
  });

  test('the e-mail search is bounded: beyond LINK_BY_EMAIL_SCAN_MAX users only a username equal to the e-mail links, and the note says why', async () => {
    const { users, local } = await setup();
    // The same users, counted as a store larger than the bound.
    const many: ConstructorParameters<typeof FederatedAccounts>[1] = {
      findBySub: (sub) => users.findBySub(sub),
      findByUsername: (name) => users.findByUsername(name),
      list: () => users.list(),
      count: async () => LINK_BY_EMAIL_SCAN_MAX + 1,
      mirror: (account) => users.mirror(account),
      changeLinks: (sub, change) => users.changeLinks(sub, change),
      require: (name) => users.require(name),
      setExternalGroups: (sub, groups) => users.setExternalGroups(sub, groups),
    };
    const bounded = new FederatedAccounts(new MemoryCollection<LinkRecord>(), many);
    const created = await bounded.resolve({ name: 'corp', linkByVerifiedEmail: true }, carol());
    expect(created).toMatchObject({ kind: 'success', created: true, note: expect.stringContaining(`more than ${LINK_BY_EMAIL_SCAN_MAX} users`) });
    // A local user whose username is the e-mail is one indexed read, whatever the count.
    const named = await users.create({ username: 'dan@corp.example', password: 'a long password', claims: { email: 'dan@corp.example' } });
    const dan = await bounded.resolve({ name: 'corp', linkByVerifiedEmail: true }, { idp: 'corp', subject: 'up-dan', claims: { email: 'dan@corp.example', email_verified: true }, groups: [] });
    expect(dan).toMatchObject({ kind: 'success', linked: true, user: { sub: named.sub } });
    expect(local.sub).not.toBe(named.sub);
  });

  test('a disabled user stays disabled; a deleted user\'s link starts afresh', async () => {
    const { accounts, users } = await setup();
    const first = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: false }, carol());
    if (first.kind !== 'success') throw new Error('resolved');
    await users.setDisabled(first.user.username, true);
    expect(await accounts.resolve({ name: 'corp', linkByVerifiedEmail: false }, carol())).toMatchObject({ kind: 'disabled' });
    await users.delete(first.user.username);
    const fresh = await accounts.resolve({ name: 'corp', linkByVerifiedEmail: false }, carol());
    expect(fresh).toMatchObject({ kind: 'success', created: true });
    if (fresh.kind === 'success') expect(fresh.user.sub).not.toBe(first.user.sub);
  });
});
