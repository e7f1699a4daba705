/** Scopes defined at run time: consent texts, the claims they release, default scopes for new clients. */
import { once } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100' });
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });

/** A scope command, resolved once the provider has rebuilt with the scopes it changed. */
async function scope(args: string[]) {
  const rebuilt = once(fixture.op.scopes, 'change');
  const result = await cli(['scope', ...args, '--json']);
  expect(result.code).toBe(0);
  await rebuilt;
  return jsonOf(result);
}

describe('oidc-op scope', () => {
  test('a new scope shows on the consent page with its texts and releases its claims', async () => {
    const created = await scope([
      'create', 'contact',
      '--name', '{"en":"How to reach you","zh-CN":"联系方式"}',
      '--description', '{"en":"Lets {client_name} email or call {user}.","zh-CN":"允许 {client_name} 联系 {user}。"}',
      '--claim', 'email', '--claim', 'phone_number',
      '--icon', 'phone',
    ]);
    expect(created).toMatchObject({ id: 'contact', claims: ['email', 'phone_number'], icon: 'phone' });
    const discovery = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
    expect(discovery.scopes_supported).toContain('contact');

    const ua = new UserAgent(fixture.op.issuer);
    const login = await ua.follow(authorizeUrl(fixture.op.issuer, implicitParams({ scope: 'openid contact' })));
    const consent = await submitLogin(ua, login, 'alice', 'correct horse battery');
    expect(consent.body).toContain('How to reach you');
    expect(consent.body).toContain('Lets Both Implicit Types email or call alice.');
    expect(consent.body).toContain('Shares: email address, phone number');
    const zh = await ua.get(`${consent.url.replace(/\/login$/, '')}?lang=zh-CN`);
    expect(zh.body).toContain('允许 Both Implicit Types 联系 alice。');

    const done = await submitForm(ua, consent, 'confirm');
    const token = fragmentParams(done.location).get('access_token')!;
    const userinfo = (await (await fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
    expect(userinfo).toMatchObject({ email: 'alice@example.com', phone_number: '+44 20 7946 0000' });
    expect(userinfo.name).toBeUndefined();
  });

  test('update changes texts; --default gives the scope to new clients; delete removes only what an administrator defined', async () => {
    await scope(['create', 'newsletter', '--name', 'Newsletter', '--description', 'Send {user} our newsletter.', '--claim', 'email']);
    expect(await scope(['update', 'newsletter', '--description', 'Email {user} once a month.', '--default'])).toMatchObject({ description: 'Email {user} once a month.', default: true });
    const client = jsonOf(await cli(['client', 'create', '--name', 'Defaults', '--redirect-uri', 'https://defaults.example.test/cb', '--response-type', 'id_token', '--json']));
    expect(jsonOf(await cli(['client', 'show', String(client.client_id), '--json'])).scope).toBe('openid newsletter');

    expect((await cli(['scope', 'delete', 'email', '--json'])).stderr).toMatch(/scope email: a standard or configured scope cannot be deleted/);
    expect((await cli(['scope', 'create', 'bad scope', '--name', 'x', '--description', 'y', '--json'])).stderr).toMatch(/id: a scope token/);
    expect((await cli(['scope', 'create', 'weird', '--name', 'x', '--description', 'y', '--claim', 'nonce', '--json'])).stderr).toMatch(/claim nonce: reserved by the protocol/);
    expect((await cli(['scope', 'create', 'contact', '--name', 'x', '--description', 'y', '--json'])).stderr).toMatch(/scope contact: already exists/);
    expect(await scope(['delete', 'newsletter'])).toEqual({ deleted: 'newsletter' });
    expect(((jsonOf(await cli(['scope', 'list', '--json'])) as { scopes: { id: string }[] }).scopes.map((s) => s.id))).not.toContain('newsletter');
  });
});
