/**
 * The `claims` parameter and the client's allowed scopes: a client never receives a claim outside them (on the consent
 * path, the first-party path and a grant that already holds one), and the consent page, the audit trail and the
 * user's consent listing name every claim that is released.
 */
import { describe, expect, test } from '@jest/globals';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { ALICE, RP, useProvider } from '../support/provider.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider();
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
const auth = (params: Record<string, string>) => authorizeUrl(fixture.op.issuer, implicitParams(params));
type Consent = { clientId: string; scope: string; claims: string[] };
type Event = { type: string; client?: string; user?: string; action?: string };

/** The security review's request: everything about the user, by name, for a client allowed `openid` alone. */
const EVERYTHING = JSON.stringify({
  userinfo: { email: null, phone_number: null, address: null, birthdate: null, name: null },
  id_token: { email: null, phone_number: null },
});
/** The texts of those claims on the English consent page (views/locales/en.json). */
const TEXTS = { email: 'email address', phone_number: 'phone number', address: 'postal address', birthdate: 'birthdate', name: 'full name' };

async function clientWith(scopes: string[], extra: string[] = []): Promise<string> {
  const created = await cli(['client', 'create', '--name', `Scoped ${scopes.join(' ')}`, '--redirect-uri', RP, '--response-type', 'id_token token', ...scopes.flatMap((s) => ['--scope', s]), ...extra, '--json']);
  return String(jsonOf(created).client_id);
}

/** The ID token's claims and what userinfo answers, from the redirect back to the client. */
async function released(final: Hop, clientId: string) {
  const fragment = fragmentParams(final.location);
  const idToken = (await verifyIdToken(fixture.op.issuer, fragment.get('id_token')!, clientId)).payload;
  const info = await fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${fragment.get('access_token')!}` } });
  return { idToken, userinfo: (await info.json()) as Record<string, unknown> };
}

const consentsOf = async (username: string) => (jsonOf(await cli(['user', 'consents', username, '--json'])) as { consents: Consent[] }).consents;
const events = async () => (jsonOf(await cli(['audit', 'tail', '--limit', '200', '--json'])) as { events: Event[] }).events;

describe('the claims parameter within the client\'s scopes', () => {
  test('an openid-only client asking for every claim by name gets none of them: not on the consent page, not in the ID token, not at userinfo', async () => {
    const clientId = await clientWith(['openid']);
    const ua = new UserAgent(fixture.op.issuer);
    const refused = await ua.follow(auth({ client_id: clientId, scope: 'openid email' }));
    expect(fragmentParams(refused.location).get('error')).toBe('invalid_scope');

    const login = await ua.follow(auth({ client_id: clientId, claims: EVERYTHING }));
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('/confirm"');
    expect(consent.body).toContain('Your identity');
    for (const text of Object.values(TEXTS)) expect(consent.body).not.toContain(text);

    const { idToken, userinfo } = await released(await submitForm(ua, consent, 'confirm'), clientId);
    expect(idToken.sub).toBe(ALICE.sub);
    expect(idToken).not.toHaveProperty('email');
    expect(idToken).not.toHaveProperty('phone_number');
    expect(userinfo).toEqual({ sub: ALICE.sub });
    expect((await consentsOf('alice')).find((c) => c.clientId === clientId)).toMatchObject({ scope: 'openid', claims: [] });

    // A grant that already holds those claims (written before this rule, say) releases none of them either.
    const grantId = (jsonOf(await cli(['user', 'consents', 'alice', '--json'])) as { consents: (Consent & { grantId: string })[] }).consents.find((c) => c.clientId === clientId)!.grantId;
    const grant = (await fixture.op.provider.current.Grant.find(grantId))!;
    grant.addOIDCClaims(['email', 'phone_number', 'address', 'birthdate', 'name']);
    await grant.save();
    const silent = await ua.follow(auth({ client_id: clientId, claims: EVERYTHING, prompt: 'none' }));
    const again = await released(silent, clientId);
    expect(again.idToken).not.toHaveProperty('email');
    expect(again.idToken).not.toHaveProperty('phone_number');
    expect(again.userinfo).toEqual({ sub: ALICE.sub });
  });

  test('a first-party openid-only client (no consent page) gets none of them either', async () => {
    const clientId = await clientWith(['openid'], ['--first-party']);
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(auth({ client_id: clientId, claims: EVERYTHING }));
    const final = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(final.location).toMatch(/^https:\/\/rp\.example\.test\/cb#/);
    const { idToken, userinfo } = await released(final, clientId);
    expect(idToken).not.toHaveProperty('email');
    expect(idToken).not.toHaveProperty('phone_number');
    expect(userinfo).toEqual({ sub: ALICE.sub });
    expect((await consentsOf('alice')).find((c) => c.clientId === clientId)).toMatchObject({ scope: 'openid', claims: [] });
  });

  test('a claim the client is allowed, asked by name with scope=openid: shown on the consent page, released, audited and listed', async () => {
    const clientId = await clientWith(['openid', 'email']);
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(auth({ client_id: clientId, claims: EVERYTHING }));
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('Your identity');
    expect(consent.body).toContain('Other details');
    expect(consent.body).toContain(`Shares: ${TEXTS.email}`);
    for (const claim of ['phone_number', 'address', 'birthdate', 'name'] as const) expect(consent.body).not.toContain(TEXTS[claim]);

    const { idToken, userinfo } = await released(await submitForm(ua, consent, 'confirm'), clientId);
    expect(idToken.email).toBe('alice@example.com');
    expect(idToken).not.toHaveProperty('phone_number');
    expect(userinfo).toEqual({ sub: ALICE.sub, email: 'alice@example.com' });

    expect((await consentsOf('alice')).find((c) => c.clientId === clientId)).toMatchObject({ scope: 'openid', claims: ['email'] });
    expect(await events()).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'consent.given', user: ALICE.sub, client: clientId, action: 'openid; claims: email' })]),
    );
  });

  test('in Chinese, the claims asked by name are named in Chinese', async () => {
    const clientId = await clientWith(['openid', 'email', 'phone']);
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(auth({ client_id: clientId, claims: EVERYTHING, ui_locales: 'zh-CN' }));
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('其他信息');
    expect(consent.body).toContain('电子邮箱地址');
    expect(consent.body).toContain('电话号码');
    expect(consent.body).not.toContain('邮寄地址');
  });
});
