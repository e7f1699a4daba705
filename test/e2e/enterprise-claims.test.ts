/**
 * Groups and custom claims as relying parties see them: openid-client and jose verify the ID token and read
 * userinfo; each client receives exactly what its scopes, groups filter and claim map allow, in both response types.
 */
import { once } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import * as client from 'openid-client';
import { jsonOf, runCli } from '../support/cli.js';
import { signIn, submitForm, submitLogin } from '../support/flows.js';
import { ALICE, BOB, RP, useProvider } from '../support/provider.js';
import { rpConfiguration, verifyIdToken } from '../support/rp.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100' });
const cli = (args: string[], stdin?: string) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' }, stdin);

async function ok(args: string[]) {
  const result = await cli([...args, '--json']);
  if (result.code !== 0) throw new Error(`${args.join(' ')}: exit ${result.code}: ${result.stderr}`);
  return jsonOf(result);
}

/** A scope command, resolved once the provider has rebuilt with the scopes it changed. */
async function scope(args: string[]) {
  const rebuilt = once(fixture.op.scopes, 'change');
  const out = await ok(['scope', ...args]);
  await rebuilt;
  return out;
}

async function newClient(responseType: string, extra: string[]): Promise<string> {
  return String((await ok(['client', 'create', '--name', `Enterprise ${responseType}`, '--redirect-uri', RP, '--response-type', responseType, '--first-party', ...extra])).client_id);
}

const GROUPS = ['Staff', 'app-admins', 'app-users', 'Sales'];

async function setUp() {
  for (const name of GROUPS) await ok(['group', 'create', name, '--description', `The ${name} group`]);
  await ok(['group', 'add-member', 'app-admins', 'alice']);
  await ok(['user', 'update', 'alice', '--group', 'staff', '--group', 'APP-ADMINS', '--group', 'app-users', '--group', 'Sales',
    '--claim', 'employee_number=1042', '--claim', 'department=Sales', '--claim', 'cost_centers=["A1","B2"]',
    '--claim', 'https://example.com/claims/cost_center=CC-7', '--claim', 'on_site=true']);
  await scope(['create', 'employee', '--name', 'Employee record', '--description', 'Your employee number and department',
    '--claim', 'employee_number', '--claim', 'department', '--claim', 'cost_centers', '--claim', 'https://example.com/claims/cost_center', '--claim', 'on_site',
    '--display', 'employee_number={"en":"employee number","zh-CN":"员工编号"}']);
}

let ready: Promise<void> | undefined;
const prepared = () => (ready ??= setUp());

describe('administering groups and custom claims', () => {
  test('user show lists the groups and the claims; discovery lists the groups scope and the custom claims', async () => {
    await prepared();
    const alice = await ok(['user', 'show', 'alice']);
    expect(alice.groups).toEqual(['Staff', 'app-admins', 'app-users', 'Sales']);
    expect(alice.claims).toMatchObject({ employee_number: 1042, department: 'Sales', cost_centers: ['A1', 'B2'], 'https://example.com/claims/cost_center': 'CC-7', on_site: true });
    const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[]; claims_supported: string[] };
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['groups', 'employee']));
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['groups', 'employee_number', 'https://example.com/claims/cost_center']));
    const staff = await ok(['group', 'show', 'STAFF']);
    expect(staff).toMatchObject({ name: 'Staff', members: ['alice'] });
    const events = (await ok(['audit', 'tail', '--limit', '100'])).events as { action?: string; actor?: string }[];
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining([
      'group add-member app-admins alice',
      'user update (claims employee_number, department, cost_centers, https://example.com/claims/cost_center, on_site; groups staff, APP-ADMINS, app-users, Sales)',
    ]));
    expect(events.find((e) => e.action === 'group add-member app-admins alice')?.actor).toMatch(/^cli:/);
  });

  test('bad input: each refused with a message naming the field and the rule, exit non-zero, nothing changed', async () => {
    await prepared();
    const before = await ok(['user', 'show', 'alice']);
    const refusals: [string[], RegExp][] = [
      [['user', 'update', 'alice', '--claim', 'iss=https://forged.example'], /claim iss: reserved by the protocol/],
      [['user', 'update', 'alice', '--claim', 'groups=["Admins"]'], /claim groups: released from group memberships/],
      [['user', 'update', 'alice', '--claim', 'bad name=1'], /a claim name is at most 128 characters/],
      [['user', 'update', 'alice', '--claim', 'department={"a":{"b":1}}'], /claim department: a string, number, boolean/],
      [['user', 'update', 'alice', '--claim', `big=${'x'.repeat(9000)}`], /at most 8192 bytes of JSON/],
      [['user', 'update', 'alice', '--group', 'Staff', '--group', 'nobody'], /groups: no group named nobody/],
      [['group', 'create', 'staff'], /group staff: already exists/],
      [['scope', 'create', 'forge', '--name', 'n', '--description', 'd', '--claim', 'nonce'], /claim nonce: reserved by the protocol/],
      [['client', 'create', '--name', 'x', '--redirect-uri', RP, '--response-type', 'id_token', '--groups-filter', 'a*b*'], /groups-filter "a\*b\*": a group name, or a prefix/],
      [['client', 'create', '--name', 'x', '--redirect-uri', RP, '--response-type', 'id_token', '--claim-map', 'department=sub'], /claim-map department=sub: claim sub: reserved/],
    ];
    for (const [args, message] of refusals) {
      const result = await cli(args);
      expect({ args, failed: result.code !== 0, stderr: result.stderr }).toEqual({ args, failed: true, stderr: expect.stringMatching(message) });
    }
    expect(await ok(['user', 'show', 'alice'])).toEqual(before);
  });
});

describe('what relying parties receive', () => {
  test('id_token: groups filtered by the client and custom claims renamed by its map, in the ID token checked by openid-client and jose', async () => {
    await prepared();
    const clientId = await newClient('id_token', ['--scope', 'openid', '--scope', 'groups', '--scope', 'employee', '--groups-filter', 'app-*', '--groups-filter', 'sales', '--claim-map', 'department=dept']);
    const config = await rpConfiguration(fixture.op.issuer, clientId, true);
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: RP, scope: 'openid groups employee', response_type: 'id_token', nonce, state });
    const final = await signIn(new UserAgent(fixture.op.issuer), url.href, ALICE);
    const claims = await client.implicitAuthentication(config, new URL(final.location!), nonce, { expectedState: state });
    expect(claims).toMatchObject({
      sub: ALICE.sub,
      groups: ['app-admins', 'app-users', 'Sales'],
      employee_number: 1042,
      dept: 'Sales',
      cost_centers: ['A1', 'B2'],
      'https://example.com/claims/cost_center': 'CC-7',
      on_site: true,
    });
    expect(claims).not.toHaveProperty('department');
    expect(claims).not.toHaveProperty('groups_overage');
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, clientId);
    expect(payload.groups).toEqual(['app-admins', 'app-users', 'Sales']);
  });

  test('id_token token: the custom claims and groups come from userinfo, not the ID token; a client without the scopes gets neither', async () => {
    await prepared();
    const clientId = await newClient('id_token token', ['--scope', 'openid', '--scope', 'groups', '--scope', 'employee']);
    const config = await rpConfiguration(fixture.op.issuer, clientId);
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: RP, scope: 'openid groups employee', response_type: 'id_token token', nonce, state: 's' });
    const final = await signIn(new UserAgent(fixture.op.issuer), url.href, ALICE);
    const fragment = fragmentParams(final.location);
    const { payload } = await verifyIdToken(fixture.op.issuer, fragment.get('id_token')!, clientId);
    expect(payload).not.toHaveProperty('groups');
    expect(payload).not.toHaveProperty('employee_number');
    const userinfo = await client.fetchUserInfo(config, fragment.get('access_token')!, ALICE.sub);
    expect(userinfo).toMatchObject({ sub: ALICE.sub, groups: GROUPS, department: 'Sales', employee_number: 1042 });

    const plain = await newClient('id_token token', ['--scope', 'openid', '--scope', 'profile']);
    const plainConfig = await rpConfiguration(fixture.op.issuer, plain);
    const refused = await new UserAgent(fixture.op.issuer).follow(client.buildAuthorizationUrl(plainConfig, { redirect_uri: RP, scope: 'openid groups', response_type: 'id_token token', nonce, state: 's' }).href);
    expect(fragmentParams(refused.location).get('error')).toBe('invalid_scope');
    const signedIn = await signIn(new UserAgent(fixture.op.issuer), client.buildAuthorizationUrl(plainConfig, { redirect_uri: RP, scope: 'openid profile', response_type: 'id_token token', nonce, state: 's' }).href, ALICE);
    const info = await client.fetchUserInfo(plainConfig, fragmentParams(signedIn.location).get('access_token')!, ALICE.sub);
    expect(info).not.toHaveProperty('groups');
    expect(info).not.toHaveProperty('department');
    expect(info).not.toHaveProperty('employee_number');
  });

  test('past claims.groups_max the ID token carries the first ones and groups_overage, userinfo the whole list', async () => {
    await prepared();
    const changed = once(fixture.op.live, 'change');
    await ok(['settings', 'set', 'claims.groups_max', '2']);
    await changed;
    try {
      const clientId = await newClient('id_token', ['--scope', 'openid', '--scope', 'groups']);
      const ua = new UserAgent(fixture.op.issuer);
      const config = await rpConfiguration(fixture.op.issuer, clientId, true);
      const nonce = client.randomNonce();
      const final = await signIn(ua, client.buildAuthorizationUrl(config, { redirect_uri: RP, scope: 'openid groups', response_type: 'id_token', nonce, state: 's' }).href, ALICE);
      const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, clientId);
      expect(payload).toMatchObject({ groups: ['Staff', 'app-admins'], groups_overage: true });

      const both = await newClient('id_token token', ['--scope', 'openid', '--scope', 'groups']);
      const bothConfig = await rpConfiguration(fixture.op.issuer, both);
      const hop = await signIn(new UserAgent(fixture.op.issuer), client.buildAuthorizationUrl(bothConfig, { redirect_uri: RP, scope: 'openid groups', response_type: 'id_token token', nonce, state: 's' }).href, ALICE);
      const userinfo = await client.fetchUserInfo(bothConfig, fragmentParams(hop.location).get('access_token')!, ALICE.sub);
      expect(userinfo.groups).toEqual(GROUPS);
      expect(userinfo).not.toHaveProperty('groups_overage');
    } finally {
      const back = once(fixture.op.live, 'change');
      await ok(['settings', 'set', 'claims.groups_max', '100']);
      await back;
    }
  });

  test('a user in no group gets an empty list; a deleted group leaves every token after it', async () => {
    await prepared();
    await ok(['group', 'create', 'Temporary']);
    await ok(['group', 'add-member', 'temporary', 'bob']);
    const clientId = await newClient('id_token', ['--scope', 'openid', '--scope', 'groups']);
    const config = await rpConfiguration(fixture.op.issuer, clientId, true);
    const tokenGroups = async () => {
      const nonce = client.randomNonce();
      const final = await signIn(new UserAgent(fixture.op.issuer), client.buildAuthorizationUrl(config, { redirect_uri: RP, scope: 'openid groups', response_type: 'id_token', nonce, state: 's' }).href, BOB);
      return (await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, clientId)).payload.groups;
    };
    expect(await tokenGroups()).toEqual(['Temporary']);
    expect(await ok(['group', 'delete', 'TEMPORARY'])).toMatchObject({ deleted: 'Temporary', members: ['bob'] });
    expect((await ok(['user', 'show', 'bob'])).groups).toEqual([]);
    expect(await tokenGroups()).toEqual([]);
  });

  test('a claims parameter in the client\'s mapped names: the consent page names the claim itself, the ID token carries the mapped name', async () => {
    await prepared();
    const clientId = String((await ok(['client', 'create', '--name', 'Mapping', '--redirect-uri', RP, '--response-type', 'id_token', '--scope', 'openid', '--scope', 'employee', '--claim-map', 'employee_number=emp_no'])).client_id);
    const ua = new UserAgent(fixture.op.issuer);
    const claims = JSON.stringify({ id_token: { emp_no: { essential: true } } });
    const login = await ua.follow(`${fixture.op.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token', scope: 'openid', claims, redirect_uri: RP, nonce: 'n', state: 's' })}`);
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('employee number');
    expect(consent.body).not.toContain('emp_no');
    const final = await submitForm(ua, consent, 'confirm');
    const { payload } = await verifyIdToken(fixture.op.issuer, fragmentParams(final.location).get('id_token')!, clientId);
    expect(payload.nonce).toBe('n');
    expect(payload.emp_no).toBe(1042);
    expect(payload).not.toHaveProperty('employee_number');
  });

  test('the consent page names the groups and a custom claim in words, in English and Chinese', async () => {
    await prepared();
    const clientId = String((await ok(['client', 'create', '--name', 'Consenting', '--redirect-uri', RP, '--response-type', 'id_token', '--scope', 'openid', '--scope', 'groups', '--scope', 'employee'])).client_id);
    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(`${fixture.op.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token', scope: 'openid groups employee', redirect_uri: RP, nonce: 'n', state: 's' })}`);
    const consent = await submitLogin(ua, login, ALICE.username, ALICE.password);
    expect(consent.body).toContain('Your groups');
    expect(consent.body).toContain('the groups you belong to');
    expect(consent.body).toContain('employee number');
    expect(consent.body).toContain('https://example.com/claims/cost_center');
    expect(consent.body).not.toContain('groups_overage');
    const zh = await ua.get(`${consent.url.replace(/\/login$/, '')}?lang=zh-CN`);
    expect(zh.body).toContain('您所在的组');
    expect(zh.body).toContain('员工编号');
  });
});
