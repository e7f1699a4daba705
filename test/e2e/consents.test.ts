/**
 * Consents: an administrator lists a user's grants and revokes one; its tokens stop working and the client's next
 * sign-in asks for consent again. Revocations, the administrator's and oidc-provider's own (token revocation), are
 * audited; a logout ends its session, not the consent.
 */
import { describe, expect, test } from '@jest/globals';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn, submitLogin } from '../support/flows.js';
import { ALICE, BOB, useProvider } from '../support/provider.js';
import { fragmentParams, inputValue, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
const userinfo = (token: string) => fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
type Consent = { grantId: string; clientId: string; scope: string; claims: string[]; expiresAt: string };
type Event = { type: string; outcome: string; actor?: string; user?: string; client?: string; action?: string };
const events = async () => (jsonOf(await cli(['audit', 'tail', '--limit', '200', '--json'])) as { events: Event[] }).events;

describe('consents', () => {
  test('list, revoke: tokens stop working, the next sign-in asks again, prompt=none gets consent_required; audited', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const both = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid email' })), ALICE);
    const token = fragmentParams(both.location).get('access_token')!;
    const idOnly = { client_id: 'spa-id-token', response_type: 'id_token', scope: 'openid', redirect_uri: 'https://rp.example.test/cb', nonce: 'n', state: 's' };
    expect((await ua.follow(authorizeUrl(fixture.op.issuer, idOnly))).status).toBe(200); // the consent page for the second client
    await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, idOnly), ALICE);

    const listed = jsonOf(await cli(['user', 'consents', 'alice', '--json'])) as { user: string; consents: Consent[] };
    expect(listed.user).toBe('alice');
    expect(listed.consents.find((c) => c.clientId === 'spa-both')).toMatchObject({ scope: 'openid email', expiresAt: expect.any(String) });
    expect(listed.consents.map((c) => c.clientId)).toContain('spa-id-token');
    expect((await userinfo(token)).status).toBe(200);
    const silent = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid email', prompt: 'none' })));
    expect(fragmentParams(silent.location).get('access_token')).toBeTruthy();
    const laterToken = fragmentParams(silent.location).get('access_token')!;

    const revoked = jsonOf(await cli(['user', 'revoke-consent', 'alice', 'spa-both', '--json'])) as { revoked: Consent[] };
    expect(revoked.revoked.map((c) => c.clientId)).toEqual(['spa-both']);
    expect((await userinfo(token)).status).toBe(401);
    expect((await userinfo(laterToken)).status).toBe(401);
    const after = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid email', prompt: 'none' })));
    expect(fragmentParams(after.location).get('error')).toBe('consent_required');
    const asked = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid email' })));
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('/confirm"'); // signed in still, but asked for consent again

    const remaining = (jsonOf(await cli(['user', 'consents', 'alice', '--json'])) as { consents: Consent[] }).consents;
    expect(remaining.map((c) => c.clientId)).not.toContain('spa-both');
    expect(remaining.map((c) => c.clientId)).toContain('spa-id-token');

    const again = await cli(['user', 'revoke-consent', 'alice', 'spa-both', '--json']);
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(/consent for client spa-both: not found/);
    expect((await cli(['user', 'consents', 'nobody', '--json'])).stderr).toMatch(/user nobody: not found/);

    expect(await events()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'consent.revoked', outcome: 'success', user: ALICE.sub, client: 'spa-both', actor: expect.stringMatching(/^cli:/) }),
        expect.objectContaining({ type: 'admin', outcome: 'success', action: 'user revoke-consent', user: 'alice' }),
        expect.objectContaining({ type: 'admin', outcome: 'failure', action: 'user revoke-consent', user: 'alice' }),
      ]),
    );
  });

  test('the admin API lists and revokes the same way', async () => {
    const token = String(jsonOf(await cli(['admin-token', 'create', '--name', 'helpdesk', '--json'])).token);
    const api = (method: string, path: string) =>
      fetch(`${fixture.op.issuer}/admin/api${path}`, { method, headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    await signIn(new UserAgent(fixture.op.issuer), authorizeUrl(fixture.op.issuer, implicitParams()), BOB);
    expect(((await api('GET', '/users/bob/consents')).json.consents as Consent[]).map((c) => c.clientId)).toEqual(['spa-both']);
    const revoked = await api('DELETE', '/users/bob/consents/spa-both');
    expect(revoked.status).toBe(200);
    expect((revoked.json.revoked as Consent[])[0]).toMatchObject({ clientId: 'spa-both', scope: 'openid' });
    expect((await api('GET', '/users/bob/consents')).json).toEqual({ consents: [] });
    expect((await api('DELETE', '/users/bob/consents/spa-both')).status).toBe(404);
    expect((await api('GET', '/users/nobody/consents')).status).toBe(404);
    expect(await events()).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'consent.revoked', user: BOB.sub, client: 'spa-both', actor: 'token:helpdesk' })]));
  });

  test('logout ends the session and its tokens, not the consent: still listed, not audited as revoked, the next browser is not asked', async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const params = implicitParams({ client_id: 'spa-token', response_type: 'id_token token' });
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, params), BOB);
    const consents = async () => ((jsonOf(await cli(['user', 'consents', 'bob', '--json'])) as { consents: Consent[] }).consents).map((c) => c.clientId);
    expect(await consents()).toEqual(['spa-token']);
    const idToken = fragmentParams(final.location).get('id_token')!;
    const token = fragmentParams(final.location).get('access_token')!;
    const confirm = await ua.follow(`${fixture.op.issuer}/session/end?${new URLSearchParams({ id_token_hint: idToken })}`);
    const action = confirm.body.match(/action="([^"]+)"/)![1]!;
    await ua.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: inputValue(confirm.body, 'xsrf')!, logout: 'yes' }).toString(),
    });
    expect((await userinfo(token)).status).toBe(401);
    expect(await consents()).toEqual(['spa-token']);
    expect(await events()).not.toEqual(expect.arrayContaining([expect.objectContaining({ type: 'consent.revoked', user: BOB.sub, client: 'spa-token' })]));

    const next = new UserAgent(fixture.op.issuer);
    const back = await submitLogin(next, await next.follow(authorizeUrl(fixture.op.issuer, params)), BOB.username, BOB.password);
    expect(fragmentParams(back.location).get('access_token')).toBeTruthy();
  });

  test("the revocation endpoint: one access token revoked revokes the grant's others; the grant stays, so a new one works", async () => {
    const ua = new UserAgent(fixture.op.issuer);
    const params = { client_id: 'spa-token', response_type: 'id_token token' };
    const first = fragmentParams((await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams(params)), ALICE)).location).get('access_token')!;
    const silently = async () => fragmentParams((await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ ...params, prompt: 'none' })))).location).get('access_token')!;
    const second = await silently();
    expect([(await userinfo(first)).status, (await userinfo(second)).status]).toEqual([200, 200]);

    const revocation = await fetch(`${fixture.op.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: first, client_id: 'spa-token' }).toString(),
    });
    expect(revocation.status).toBe(200);
    expect([(await userinfo(first)).status, (await userinfo(second)).status]).toEqual([401, 401]);

    const third = await silently();
    expect(third).toBeTruthy();
    expect((await userinfo(third)).status).toBe(200);
    expect(((jsonOf(await cli(['user', 'consents', 'alice', '--json'])) as { consents: Consent[] }).consents).map((c) => c.clientId)).toContain('spa-token');
  });
});
