/** The web console's groups page, a user's groups and custom claims, and a client's groups filter and claim map: same rules, audited as the console user. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { submitLogin } from '../support/flows.js';
import { inputValue, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
const ADMIN = { username: 'grace', password: 'grace admin password' };

beforeAll(async () => {
  await fixture.op.stores.users.create({ ...ADMIN, role: 'admin' });
});

async function openConsole(path: string) {
  const ua = new UserAgent(fixture.op.issuer);
  const loginPage = await ua.follow(path);
  const page = await submitLogin(ua, loginPage, ADMIN.username, ADMIN.password);
  return { ua, page, csrf: inputValue(page.body, 'csrf')! };
}

const form = (csrf: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams({ csrf });
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) body.append(k, value);
  return body.toString();
};
const post = (ua: UserAgent, path: string, body: string) => ua.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('the console', () => {
  test('groups: create, refuse a duplicate beside the field, add and remove members, delete; a user\'s groups and claims; every change audited', async () => {
    const { ua, page, csrf } = await openConsole('/admin/groups');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Create group');

    expect((await post(ua, '/admin/groups', form(csrf, { name: 'Research', description: 'Lab people' }))).status).toBe(200);
    const duplicate = await post(ua, '/admin/groups', form(csrf, { name: 'RESEARCH' }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatch(/id="name-error" role="alert">group RESEARCH: already exists/);
    expect((await post(ua, '/admin/groups', form(csrf, { name: 'Ops' }))).status).toBe(200);

    const added = await post(ua, '/admin/groups/research/members', form(csrf, { usernames: 'alice, bob' }));
    expect(added.status).toBe(200);
    expect(added.body).toContain('Members added to research.');
    expect((await fixture.op.stores.users.require('bob')).groups).toEqual(['Research']);
    expect((await post(ua, '/admin/groups/research/members/bob/remove', form(csrf, {}))).status).toBe(200);
    expect((await fixture.op.stores.users.require('bob')).groups).toBeUndefined();

    // The users page: tick groups, set a custom claim (JSON when it parses), refuse a protocol claim.
    expect((await post(ua, '/admin/users/alice/groups', form(csrf, { groups: ['Research', 'Ops'] }))).status).toBe(200);
    expect((await fixture.op.stores.users.require('alice')).groups).toEqual(['Research', 'Ops']);
    const claimSet = await post(ua, '/admin/users/alice/claim', form(csrf, { name: 'cost_centers', value: '["A1","B2"]' }));
    expect(claimSet.status).toBe(200);
    expect(claimSet.body).toContain('cost_centers = [&quot;A1&quot;,&quot;B2&quot;]');
    expect((await fixture.op.stores.users.require('alice')).claims.cost_centers).toEqual(['A1', 'B2']);
    const refused = await post(ua, '/admin/users/alice/claim', form(csrf, { name: 'sub', value: 'forged' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('claim sub: set by the provider, not by hand');

    expect((await post(ua, '/admin/groups/ops/delete', form(csrf, {}))).status).toBe(200);
    expect((await fixture.op.stores.users.require('alice')).groups).toEqual(['Research']);

    await fixture.op.stores.audit.flush();
    const actions = (await fixture.op.stores.audit.tail(100, {})).map((e) => [e.action, e.actor]);
    expect(actions).toEqual(expect.arrayContaining([
      ['group create Research', 'console:grace'],
      ['group add-member research alice bob', 'console:grace'],
      ['group delete ops', 'console:grace'],
    ]));
  });

  test("a client's groups filter and claim map: set on its form, refused beside the field", async () => {
    const { ua, csrf } = await openConsole('/admin/clients/new');
    const base = { name: 'Mapped', redirectUris: 'https://mapped.example.test/cb', responseTypes: 'id_token', authMethod: 'none' };
    const refused = await post(ua, '/admin/clients', form(csrf, { ...base, claimMap: 'department=iss' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/id="claimMap-error" role="alert">claim-map department=iss: claim iss: reserved/);
    const created = await post(ua, '/admin/clients', form(csrf, { ...base, groupsFilter: 'app-*\nSales', claimMap: 'department=dept' }));
    expect(created.status).toBe(201);
    const id = created.body.match(/id="client-id">([0-9a-f]{32})</)![1]!;
    expect((await fixture.op.stores.clients.require(id)).metadata).toMatchObject({ groups_filter: ['app-*', 'Sales'], claim_map: { department: 'dept' } });
    const edit = await ua.get(`/admin/clients/${id}`);
    expect(edit.body).toMatch(/<textarea[^>]*id="groupsFilter"[^>]*>app-\*\nSales<\/textarea>/);
  });

  test('a scope releases custom claims typed one per line; editing the built-in groups scope keeps its claims', async () => {
    const { ua, csrf } = await openConsole('/admin/scopes/new');
    const saved = await post(ua, '/admin/scopes', form(csrf, { intent: 'save', id: 'employee', 'name.en': 'Employee', 'description.en': 'Your record', claims: 'email', customClaims: 'employee_number\nhttps://example.com/claims/site', display: 'employee_number = employee number | 员工编号' }));
    expect(saved.status).toBe(303);
    expect(await fixture.op.stores.scopes.require('employee')).toMatchObject({
      claims: ['email', 'employee_number', 'https://example.com/claims/site'],
      display: { employee_number: { en: 'employee number', 'zh-CN': '员工编号' } },
    });
    expect((await ua.get('/admin/scopes/employee')).body).toMatch(/<textarea[^>]*id="display"[^>]*>employee_number = employee number \| 员工编号<\/textarea>/);
    const badDisplay = await post(ua, '/admin/scopes/employee', form(csrf, { intent: 'save', 'name.en': 'Employee', 'description.en': 'Your record', customClaims: 'employee_number', display: 'aud = audience' }));
    expect(badDisplay.status).toBe(400);
    expect(badDisplay.body).toMatch(/id="display-error" role="alert">display: claim aud: reserved/);
    const refused = await post(ua, '/admin/scopes', form(csrf, { intent: 'save', id: 'forged', 'name.en': 'F', 'description.en': 'F', customClaims: 'nonce' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('claim nonce: reserved by the protocol');

    const groupsPage = await ua.get('/admin/scopes/groups');
    expect(groupsPage.body).toMatch(/<textarea[^>]*id="customClaims"[^>]*>groups\ngroups_overage<\/textarea>/);
    expect((await post(ua, '/admin/scopes/groups', form(csrf, { intent: 'save', 'name.en': 'Teams', 'description.en': 'Your teams', customClaims: 'groups\ngroups_overage' }))).status).toBe(303);
    expect(await fixture.op.stores.scopes.require('groups')).toMatchObject({ name: 'Teams', claims: ['groups', 'groups_overage'] });
  });
});
