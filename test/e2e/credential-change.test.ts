/**
 * A credential change ends what the old credential opened, for good: a password change, a disable or a deletion
 * ends every session and token of the user (their grants freed in Redis too); a client's disable or secret
 * rotation ends its tokens. Enabling again brings nothing back; signing in again afterwards works.
 */
import { describe, expect, test } from '@jest/globals';
import { recordKey } from '../../src/storage/record-keys.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, FAST_ARGON2, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const cli = (args: string[], stdin?: string) =>
  runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ...FAST_ARGON2 }, stdin);

const userinfo = (token: string) => fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

/** Signs in through the pages: the browser (its session cookie) and the access token it was given. */
async function signedIn(user: { username: string; password: string }, params: Record<string, string> = {}) {
  const ua = new UserAgent(fixture.op.issuer);
  const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams(params)), user);
  const token = fragmentParams(final.location ?? '').get('access_token');
  if (!token) throw new Error(`no access token: ${final.status} ${final.location ?? final.body.slice(0, 200)}`);
  return { ua, token };
}

/** A silent authorization in that browser: the new access token, or the error. */
async function silently(ua: UserAgent, params: Record<string, string> = {}) {
  const hop = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ ...params, prompt: 'none' })));
  const fragment = fragmentParams(hop.location ?? '');
  return { token: fragment.get('access_token'), error: fragment.get('error') };
}

describe('a user whose credentials change', () => {
  test('disable, set-password, enable (the command line): the old session and token stay dead; the new password signs in', async () => {
    const victim = { username: 'victor', password: 'victor first password' };
    const { sub } = await fixture.op.stores.users.create(victim);
    const attacker = await signedIn(victim);
    expect(await userinfo(attacker.token)).toBe(200);
    const [grant] = await fixture.op.stores.consents.list(sub);
    expect(grant).toBeDefined();

    expect((await cli(['user', 'disable', 'victor', '--json'])).code).toBe(0);
    expect((await cli(['user', 'set-password', 'victor', '--password-stdin', '--json'], 'victor second password\n')).code).toBe(0);
    expect(jsonOf(await cli(['user', 'enable', 'victor', '--json']))).toMatchObject({ disabled: false });

    expect(await userinfo(attacker.token)).toBe(401);
    expect(await silently(attacker.ua)).toEqual({ token: null, error: 'login_required' });
    // Freed, not only refused: the grant and its index entry are gone from Redis.
    expect(await fixture.op.stores.redis!.exists(recordKey('Grant', grant!.grantId))).toBe(0);
    expect(await fixture.op.stores.consents.list(sub)).toEqual([]);

    const owner = await signedIn({ username: 'victor', password: 'victor second password' });
    expect(await userinfo(owner.token)).toBe(200);
    expect((await silently(owner.ua)).token).toEqual(expect.any(String));
  });

  test('a password change alone ends every session of the user, in every browser', async () => {
    const user = { username: 'paula', password: 'paula first password' };
    await fixture.op.stores.users.create(user);
    const laptop = await signedIn(user);
    const phone = await signedIn(user, { client_id: 'spa-token' });

    await fixture.op.stores.users.setPassword('paula', 'paula second password');

    for (const browser of [laptop, phone]) {
      expect(await userinfo(browser.token)).toBe(401);
      expect((await silently(browser.ua)).error).toBe('login_required');
    }
    expect(await userinfo((await signedIn({ username: 'paula', password: 'paula second password' })).token)).toBe(200);
  });

  test('a user deleted and created again, under the same username or the same sub, inherits no session or token', async () => {
    const first = { username: 'rhea', password: 'rhea first password' };
    await fixture.op.stores.users.create(first);
    const byName = await signedIn(first);
    await fixture.op.stores.users.delete('rhea');
    await fixture.op.stores.users.create(first);
    expect(await userinfo(byName.token)).toBe(401);
    expect((await silently(byName.ua)).error).toBe('login_required');

    const moved = { username: 'sami', password: 'sami first password', sub: 'moved-from-elsewhere-42' };
    await fixture.op.stores.users.create(moved);
    const bySub = await signedIn(moved);
    await fixture.op.stores.users.delete('sami');
    await fixture.op.stores.users.create(moved);
    expect(await userinfo(bySub.token)).toBe(401);
    expect((await silently(bySub.ua)).error).toBe('login_required');
    expect(await userinfo((await signedIn(moved)).token)).toBe(200);
  });
});

describe('a client whose credentials change', () => {
  const redirectUri = 'https://rp.example.test/cb';

  test('disable then enable: the tokens issued before stay refused; new ones work', async () => {
    const { client_id: clientId } = await fixture.op.stores.clients.create({ name: 'Toggled', redirectUris: [redirectUri], responseTypes: ['id_token token'] });
    const before = await signedIn(ALICE, { client_id: clientId });
    expect(await userinfo(before.token)).toBe(200);

    await fixture.op.stores.clients.setDisabled(clientId, true);
    await fixture.op.stores.clients.setDisabled(clientId, false);

    expect(await userinfo(before.token)).toBe(401);
    const after = await silently(before.ua, { client_id: clientId });
    expect(await userinfo(after.token!)).toBe(200);
  });

  test('a secret rotation ends the tokens issued before it', async () => {
    const { client_id: clientId } = await fixture.op.stores.clients.create({ name: 'Rotated', redirectUris: [redirectUri], responseTypes: ['id_token token'], authMethod: 'client_secret_basic' });
    const before = await signedIn(ALICE, { client_id: clientId });
    expect(await userinfo(before.token)).toBe(200);

    await fixture.op.stores.clients.rotateSecret(clientId);

    expect(await userinfo(before.token)).toBe(401);
    const after = await silently(before.ua, { client_id: clientId });
    expect(await userinfo(after.token!)).toBe(200);
  });
});
