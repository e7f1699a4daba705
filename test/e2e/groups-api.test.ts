/** Groups, custom claims and client claim settings through the admin API: the same rules and audit as the command line. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { jsonOf, runCli } from '../support/cli.js';
import { RP, useProvider } from '../support/provider.js';

const fixture = useProvider();
let token = '';

beforeAll(async () => {
  const created = await runCli(['admin-token', 'create', '--name', 'groups-robot', '--json'], { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
  token = String(jsonOf(created).token);
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${fixture.op.issuer}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('groups in the admin API', () => {
  test('create, add members, page through them, give a user groups and claims, delete: every change audited with its actor', async () => {
    expect((await api('POST', '/groups', { name: 'Engineering', description: 'Builders' })).status).toBe(201);
    expect((await api('POST', '/groups', { name: 'Design' })).status).toBe(201);
    expect(await api('POST', '/groups', { name: 'ENGINEERING' })).toMatchObject({ status: 409, json: { message: expect.stringMatching(/already exists/) } });
    expect(await api('POST', '/groups', { name: 'bad*' })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/group name/) } });

    expect(await api('POST', '/groups/engineering/members', { usernames: ['alice', 'bob'] })).toMatchObject({ status: 200 });
    expect(await api('POST', '/groups/engineering/members', { usernames: ['alice', 'nobody'] })).toMatchObject({ status: 404 });
    expect((await api('GET', '/groups/Engineering?limit=1')).json).toMatchObject({ name: 'Engineering', members: ['alice'], next: 1 });
    expect((await api('GET', '/groups/Engineering?offset=1&limit=1')).json).toEqual(expect.objectContaining({ members: ['bob'] }));
    expect((await api('GET', '/groups/Engineering?limit=9999')).status).toBe(400);

    const updated = await api('PATCH', '/users/alice', { groups: ['design', 'engineering'], claims: { department: 'R&D', cost_centers: ['A1'] } });
    expect(updated).toMatchObject({ status: 200, json: { groups: ['Design', 'Engineering'], claims: expect.objectContaining({ department: 'R&D', cost_centers: ['A1'] }) } });
    const before = (await api('GET', '/users/alice')).json;
    expect(await api('PATCH', '/users/alice', { groups: ['Design', 'Ghosts'] })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/groups: no group named Ghosts/) } });
    expect(await api('PATCH', '/users/alice', { claims: { exp: 1 } })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/claim exp: reserved by the protocol/) } });
    expect((await api('GET', '/users/alice')).json).toEqual(before);

    expect((await api('DELETE', '/groups/engineering/members/bob')).status).toBe(204);
    expect((await api('DELETE', '/groups/design')).status).toBe(204);
    expect((await api('GET', '/users/alice')).json).toMatchObject({ groups: ['Engineering'] });
    expect((await api('GET', '/groups')).json).toEqual({ groups: [expect.objectContaining({ name: 'Engineering', description: 'Builders' })] });

    await fixture.op.stores.audit.flush();
    const events = (await api('GET', '/audit?limit=50')).json as { events: { action?: string; actor?: string; outcome: string }[] };
    const actions = events.events.filter((e) => e.action?.startsWith('group ')).map((e) => [e.action, e.actor, e.outcome]);
    expect(actions).toEqual(expect.arrayContaining([
      ['group create Engineering', 'token:groups-robot', 'success'],
      ['group add-member engineering alice bob', 'token:groups-robot', 'success'],
      ['group delete design', 'token:groups-robot', 'success'],
    ]));
    const userChanges = events.events.filter((e) => e.action?.startsWith('user update')).map((e) => [e.action, e.actor, e.outcome]);
    expect(userChanges).toEqual(expect.arrayContaining([
      ['user update (claims department, cost_centers; groups design, engineering)', 'token:groups-robot', 'success'],
      ['user update (claims exp)', 'token:groups-robot', 'failure'],
    ]));
  });

  test("a client's groups filter and claim map through the API, with the same refusals", async () => {
    const base = { name: 'Filtered', redirectUris: [RP], responseTypes: ['id_token'] };
    const created = await api('POST', '/clients', { ...base, groupsFilter: ['app-*', 'Sales'], claimMap: { department: 'dept' } });
    expect(created.status).toBe(201);
    const shown = await api('GET', `/clients/${String(created.json!.client_id)}`);
    expect(shown.json).toMatchObject({ groups_filter: ['app-*', 'Sales'], claim_map: { department: 'dept' } });
    const cleared = await api('PATCH', `/clients/${String(created.json!.client_id)}`, { groupsFilter: [], claimMap: {} });
    expect(cleared.status).toBe(200);
    expect((await api('GET', `/clients/${String(created.json!.client_id)}`)).json).not.toHaveProperty('groups_filter');
    expect(await api('POST', '/clients', { ...base, groupsFilter: ['*'] })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/groups-filter "\*"/) } });
    expect(await api('POST', '/clients', { ...base, claimMap: { department: 'aud' } })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/claim-map department=aud: claim aud: reserved/) } });
    const doc = (await api('GET', '/openapi.json')).json as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/groups', '/groups/{name}', '/groups/{name}/members', '/groups/{name}/members/{username}']));
  });
});
