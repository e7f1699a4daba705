/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): every client a session signed into that registered a
 * backchannel_logout_uri receives a logout_token, verified here with jose as a relying party would, whenever the
 * session ends (sign-out at the end-session endpoint, an administrator's sign-out, a disabled user). Delivery is
 * retried, and a client that never answers does not hold the sign-out. Bad URIs are refused, nothing stored.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { LogoutReceiver } from '../support/logout-receiver.js';
import { ALICE, BOB, useProvider } from '../support/provider.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

const METRICS_TOKEN = 'backchannel-metrics-token';
const fixture = useProvider({ METRICS_TOKEN });
const receiver = new LogoutReceiver(() => fixture.op.issuer);
const REDIRECT = 'https://rp.example.test/cb';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

let clientA = '';
let clientB = '';
let quiet = '';

beforeAll(async () => {
  await receiver.start();
  const create = async (name: string, path: string | undefined) =>
    (
      await fixture.op.stores.clients.create({
        name,
        redirectUris: [REDIRECT],
        responseTypes: ['id_token token'],
        firstParty: true,
        ...(path ? { backchannelLogoutUri: `${receiver.origin}${path}` } : {}),
      })
    ).client_id;
  clientA = await create('Back-channel A', '/bc/a');
  clientB = await create('Back-channel B', '/bc/b');
  quiet = await create('No back-channel', undefined);
});
afterAll(() => receiver.close());

/** Signs in to each client in one browser: the browser, and each client's ID token claims. */
async function signedIntoAll(user: { username: string; password: string }, clientIds: string[]) {
  const ua = new UserAgent(fixture.op.issuer);
  const sids = new Map<string, string>();
  const idTokens = new Map<string, string>();
  for (const [i, clientId] of clientIds.entries()) {
    const url = authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId }));
    const final = i === 0 ? await signIn(ua, url, user) : await ua.follow(url);
    const idToken = fragmentParams(final.location ?? '').get('id_token');
    if (!idToken) throw new Error(`no ID token for ${clientId}: ${final.status} ${final.location ?? final.body.slice(0, 200)}`);
    idTokens.set(clientId, idToken);
    sids.set(clientId, String(decodeJwt(idToken).sid));
  }
  return { ua, sids, idTokens };
}

/** The end-session request, then "Yes, sign me out": the provider's answer to the confirmation. */
async function signOut(ua: UserAgent, idToken: string): Promise<Hop> {
  const page = await ua.follow(`${fixture.op.issuer}/session/end?${new URLSearchParams({ id_token_hint: idToken })}`);
  const action = page.body.match(/<form id="op.logoutForm" method="post" action="([^"]+)"/)?.[1];
  if (!action) throw new Error(`no sign-out confirmation (status ${page.status}): ${page.body.slice(0, 300)}`);
  return ua.request(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf: inputValue(page.body, 'xsrf')!, logout: 'yes' }).toString(),
  });
}

async function expectSignedOut(ua: UserAgent, clientId: string): Promise<void> {
  const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientId, prompt: 'none' })));
  expect(fragmentParams(silent.location ?? '').get('error')).toBe('login_required');
}

/** The audited logout results of a user, once every delivery under way has ended. */
async function logoutEvents(user: string) {
  await fixture.op.stores.logouts.delivery.settle(30_000);
  return (await fixture.op.stores.audit.tail(100, { type: 'logout' })).filter((e) => e.user === user);
}

describe('back-channel logout', () => {
  test('discovery advertises back- and front-channel logout with sessions', async () => {
    const doc = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
    });
  });

  test('signing out at the end-session endpoint: each registered client gets a logout_token for its sid', async () => {
    const { ua, sids, idTokens } = await signedIntoAll(ALICE, [clientA, clientB, quiet]);
    expect(new Set(sids.values()).size).toBe(3);
    const done = await signOut(ua, idTokens.get(clientA)!);
    expect(done.status).toBe(303);

    const [a, b] = await Promise.all([
      receiver.next('/bc/a', (r) => r.claims?.sid === sids.get(clientA)),
      receiver.next('/bc/b', (r) => r.claims?.sid === sids.get(clientB)),
    ]);
    for (const [received, clientId] of [[a, clientA], [b, clientB]] as const) {
      expect(received.problem).toBeUndefined();
      expect(received.claims).toMatchObject({ iss: fixture.op.issuer, aud: clientId, sub: ALICE.sub, sid: sids.get(clientId), events: { [EVENT]: {} } });
      expect(received.claims).not.toHaveProperty('nonce');
    }
    // The client without a back-channel URI is told nothing, and the session is gone.
    expect(receiver.received.some((r) => r.claims?.aud === quiet)).toBe(false);
    await expectSignedOut(ua, clientA);
    const events = await logoutEvents(ALICE.sub);
    expect(events.filter((e) => e.outcome === 'success' && e.action?.startsWith('back-channel logout delivered (sign-out')).map((e) => e.client).sort()).toEqual(
      expect.arrayContaining([clientA, clientB].sort()),
    );
  });

  test('a failing client is retried until it answers; the result is audited with its attempts', async () => {
    receiver.behave('/bc/b', { failures: 2 });
    const { ua, sids, idTokens } = await signedIntoAll(BOB, [clientB]);
    await signOut(ua, idTokens.get(clientB)!);
    const received = await receiver.next('/bc/b', (r) => r.claims?.sid === sids.get(clientB));
    expect(received.claims?.aud).toBe(clientB);
    const events = await logoutEvents(BOB.sub);
    expect(events.some((e) => e.client === clientB && e.outcome === 'success' && e.action?.includes('3 attempts'))).toBe(true);
    const metrics = await (await fetch(`${fixture.op.issuer}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(Number(metrics.match(/^oidc_op_backchannel_logout_total\{outcome="delivered"\} (\d+)/m)?.[1])).toBeGreaterThanOrEqual(3);
  });

  test('a client that never answers does not hold the sign-out', async () => {
    receiver.behave('/bc/a', { hold: true });
    try {
      const { ua, idTokens } = await signedIntoAll(ALICE, [clientA]);
      const answeredBefore = receiver.received.length;
      const done = await signOut(ua, idTokens.get(clientA)!);
      // The browser is on its way while the client's endpoint has still answered nothing.
      expect(done.status).toBe(303);
      expect(receiver.received.length).toBe(answeredBefore);
      await expectSignedOut(ua, clientA);
    } finally {
      receiver.behave('/bc/a', { hold: false });
      receiver.release();
    }
  });

  test("an administrator's sign-out ends every session of the user and tells each client", async () => {
    const first = await signedIntoAll(BOB, [clientA]);
    const second = await signedIntoAll(BOB, [clientA, clientB]);
    const listed = await fixture.op.stores.sessions.list(BOB.sub);
    expect(listed.length).toBe(2);
    expect(listed[0]!.clients.sort()).toEqual([clientA, clientB].sort());
    expect(listed[1]!.clients).toEqual([clientA]);
    expect(listed.every((s) => s.id.length > 10 && s.signedInAt && s.expiresAt && s.lastSeenAt)).toBe(true);
    expect(listed[0]!.address).toMatch(/127\.0\.0\.1/);

    const ended = await fixture.op.stores.sessions.end(BOB.sub, 'signed out by test');
    expect(ended.length).toBe(2);
    await Promise.all([
      receiver.next('/bc/a', (r) => r.claims?.sid === first.sids.get(clientA)),
      receiver.next('/bc/a', (r) => r.claims?.sid === second.sids.get(clientA)),
      receiver.next('/bc/b', (r) => r.claims?.sid === second.sids.get(clientB)),
    ]);
    await expectSignedOut(first.ua, clientA);
    await expectSignedOut(second.ua, clientB);
    expect(await fixture.op.stores.sessions.list(BOB.sub)).toEqual([]);
  });

  test("one session ended by its handle; another user's session handle is refused and nothing ends", async () => {
    const bob = await signedIntoAll(BOB, [clientA]);
    const alice = await signedIntoAll(ALICE, [clientA]);
    const [aliceSession] = await fixture.op.stores.sessions.list(ALICE.sub);
    await expect(fixture.op.stores.sessions.end(BOB.sub, 'test', aliceSession!.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await fixture.op.stores.sessions.list(ALICE.sub)).length).toBe(1);
    const [bobSession] = await fixture.op.stores.sessions.list(BOB.sub);
    await fixture.op.stores.sessions.end(BOB.sub, 'test', bobSession!.id);
    await receiver.next('/bc/a', (r) => r.claims?.sid === bob.sids.get(clientA));
    await expectSignedOut(bob.ua, clientA);
    // Alice's browser is still signed in.
    const silent = await alice.ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ client_id: clientA, prompt: 'none' })));
    expect(fragmentParams(silent.location ?? '').get('id_token')).toBeTruthy();
    await fixture.op.stores.sessions.end(ALICE.sub, 'test');
  });

  test('disabling a user ends their sessions with back-channel logout', async () => {
    const bob = await signedIntoAll(BOB, [clientB]);
    await fixture.op.stores.users.setDisabled(BOB.username, true);
    try {
      const received = await receiver.next('/bc/b', (r) => r.claims?.sid === bob.sids.get(clientB));
      expect(received.claims?.sub).toBe(BOB.sub);
      expect((await logoutEvents(BOB.sub)).some((e) => e.action?.includes('credentials changed'))).toBe(true);
    } finally {
      await fixture.op.stores.users.setDisabled(BOB.username, false);
    }
  });
});

describe('registration of logout URIs', () => {
  const base = { name: 'Bad logout', redirectUris: [REDIRECT], responseTypes: ['id_token'] };

  test.each([
    [{ backchannelLogoutUri: 'http://rp.example.test/logout' }, /backchannel-logout-uri http:\/\/rp\.example\.test\/logout: must use https/],
    [{ backchannelLogoutUri: 'ftp://rp.example.test/logout' }, /backchannel-logout-uri/],
    [{ frontchannelLogoutUri: 'https://elsewhere.example.test/logout' }, /frontchannel-logout-uri .*: must be on the origin of one of the client's redirect URIs/],
  ])('%j is refused with the field named, nothing stored', async (fields, message) => {
    const before = (await fixture.op.stores.clients.list()).length;
    await expect(fixture.op.stores.clients.create({ ...base, ...fields })).rejects.toThrow(message);
    expect((await fixture.op.stores.clients.list()).length).toBe(before);
  });

  test('the URIs are kept, shown and removable', async () => {
    const created = await fixture.op.stores.clients.create({
      ...base,
      backchannelLogoutUri: 'https://rp.example.test/bc',
      frontchannelLogoutUri: 'https://rp.example.test/fc',
    });
    const record = await fixture.op.stores.clients.require(created.client_id);
    expect(record.metadata).toMatchObject({
      backchannel_logout_uri: 'https://rp.example.test/bc',
      backchannel_logout_session_required: true,
      frontchannel_logout_uri: 'https://rp.example.test/fc',
      frontchannel_logout_session_required: true,
    });
    const { record: changed } = await fixture.op.stores.clients.update(created.client_id, { backchannelLogoutUri: '', frontchannelLogoutUri: '' });
    expect(changed.metadata).not.toHaveProperty('backchannel_logout_uri');
    expect(changed.metadata).not.toHaveProperty('frontchannel_logout_uri');
  });
});
