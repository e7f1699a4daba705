/** Provider settings changed at run time: every instance follows without a restart. */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let redis: TestRedis;
let first: TestProvider;
let second: TestProvider;

beforeAll(async () => {
  redis = await startTestRedis();
  // Two instances on one Redis, re-reading settings every 100 ms.
  first = await startTestProvider(redis, { SETTINGS_REFRESH_MS: '100' });
  second = await startTestProvider(redis, { SETTINGS_REFRESH_MS: '100' });
});

afterAll(async () => {
  await first?.close(500);
  await second?.close(500);
  await redis?.close();
});

const cli = (args: string[]) => runCli(args, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, NODE_ENV: 'test' });

/** Sets a value with the command line and resolves once both instances have picked it up on their own. */
async function setEverywhere(key: string, value: string) {
  const changed = Promise.all([once(first.live, 'change'), once(second.live, 'change')]);
  const result = await cli(['settings', 'set', key, value, '--json']);
  expect(result.code).toBe(0);
  await changed;
  return jsonOf(result);
}

describe('settings set', () => {
  test('show lists the settings in force, with the environment as defaults', async () => {
    expect(jsonOf(await cli(['settings', 'show', '--json']))).toEqual({
      'implicit.enabled': true,
      'state.required': false,
      'ttl.access_token': 3600,
      'ttl.id_token': 3600,
      'ttl.session': 1209600,
      'paths.authorization': '/auth',
      'paths.token': '/token',
      'paths.userinfo': '/me',
      'paths.jwks': '/jwks',
      'paths.end_session': '/session/end',
      'paths.revocation': '/token/revocation',
      'registration.enabled': false,
      'registration.initial_access_token': true,
      'claims.groups_max': 100,
      'account.editable_claims': 'name',
      'mfa.required': 'off',
    });
  });

  test('state.required: a request without state is refused with invalid_request in the fragment, on every instance', async () => {
    await setEverywhere('state.required', 'true');
    for (const op of [first, second]) {
      const params = Object.fromEntries(Object.entries(implicitParams()).filter(([k]) => k !== 'state'));
      const hop = await new UserAgent(op.issuer).follow(authorizeUrl(op.issuer, params));
      expect(hop.status).toBe(302);
      const fragment = fragmentParams(hop.location);
      expect(fragment.get('error')).toBe('invalid_request');
      expect(fragment.get('error_description')).toMatch(/state/);
      expect((await new UserAgent(op.issuer).follow(authorizeUrl(op.issuer, implicitParams()))).status).toBe(200);
    }
    await setEverywhere('state.required', 'false');
  });

  test('ttl.access_token and ttl.id_token apply to the next tokens', async () => {
    await setEverywhere('ttl.access_token', '600');
    await setEverywhere('ttl.id_token', '300');
    const final = await signIn(new UserAgent(second.issuer), authorizeUrl(second.issuer, implicitParams()), ALICE);
    const fragment = fragmentParams(final.location);
    expect(fragment.get('expires_in')).toBe('600');
    const { payload } = await verifyIdToken(second.issuer, fragment.get('id_token')!, 'spa-both');
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  test('implicit.enabled=false: implicit requests get unsupported_response_type, discovery offers only code', async () => {
    await setEverywhere('implicit.enabled', 'false');
    const hop = await new UserAgent(first.issuer).follow(authorizeUrl(first.issuer, implicitParams()));
    expect(fragmentParams(hop.location).get('error')).toBe('unsupported_response_type');
    const discovery = (await (await fetch(`${first.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.grant_types_supported).not.toContain('implicit');
    await setEverywhere('implicit.enabled', 'true');
    expect((await new UserAgent(first.issuer).follow(authorizeUrl(first.issuer, implicitParams()))).status).toBe(200);
  });

  test('paths.authorization moves the endpoint on every instance: discovery and sign-in follow, the old path is gone', async () => {
    await setEverywhere('paths.authorization', '/api/v1/oauth2/authorize');
    for (const op of [first, second]) {
      const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      expect(discovery.authorization_endpoint).toBe(`${op.issuer}/api/v1/oauth2/authorize`);
      const moved = `${op.issuer}/api/v1/oauth2/authorize?${new URLSearchParams(implicitParams())}`;
      const final = await signIn(new UserAgent(op.issuer), moved, ALICE);
      expect(final.status).toBe(302);
      expect(fragmentParams(final.location).has('id_token')).toBe(true);
      expect((await new UserAgent(op.issuer).request(authorizeUrl(op.issuer, implicitParams()))).status).toBe(404);
    }
    const clash = await cli(['settings', 'set', 'paths.token', '/api/v1/oauth2/authorize', '--json']);
    expect(clash.stderr).toMatch(/paths.token: \/api\/v1\/oauth2\/authorize is already paths.authorization/);
    expect((await cli(['settings', 'set', 'paths.userinfo', '/admin/me', '--json'])).stderr).toMatch(/\/admin is the provider's own/);
    await setEverywhere('paths.authorization', '/auth');
    expect((await new UserAgent(first.issuer).follow(authorizeUrl(first.issuer, implicitParams()))).status).toBe(200);
  });

  test('registration.enabled turns dynamic client registration on and off on every instance', async () => {
    const endpoint = async (op: TestProvider) => ((await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as { registration_endpoint?: string }).registration_endpoint;
    await setEverywhere('registration.enabled', 'true');
    for (const op of [first, second]) {
      expect(await endpoint(op)).toBe(`${op.issuer}/reg`);
      expect((await fetch(`${op.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    }
    await setEverywhere('registration.enabled', 'false');
    for (const op of [first, second]) {
      expect(await endpoint(op)).toBeUndefined();
      expect((await fetch(`${op.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    }
  });

  test('refusals name the key and the rule and change nothing', async () => {
    const before = jsonOf(await cli(['settings', 'show', '--json']));
    for (const [args, message] of [
      [['state.required', 'yes'], /state.required: true or false/],
      [['ttl.access_token', '10'], /ttl.access_token: a whole number of seconds from 60 to 86400/],
      [['no.such', '1'], /no.such: not a setting/],
      [['mfa.required', 'sometimes'], /mfa.required: one of off, admins, all/],
    ] as const) {
      const result = await cli(['settings', 'set', ...args, '--json']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    }
    expect(jsonOf(await cli(['settings', 'show', '--json']))).toEqual(before);
  });
});
