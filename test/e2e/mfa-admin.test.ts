/** A user's second factors from the command line and the admin API: shown without secrets, reset for a lost phone, audited. */
import { beforeAll, expect, test } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import { useProvider } from '../support/provider.js';
import { jsonOf, runCli } from '../support/cli.js';
import { submitLogin } from '../support/flows.js';
import { inputValue, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();
let token = '';
const env = () => ({ REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });

beforeAll(async () => {
  token = String(jsonOf(await runCli(['admin-token', 'create', '--name', 'mfa-robot', '--json'], env())).token);
});

async function api(method: string, path: string) {
  const response = await fetch(`${fixture.op.issuer}/admin/api${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** An app enrolled as the enrolment page does it: a pending key confirmed by its first code. */
async function enrolled(username: string): Promise<{ sub: string; secret: string }> {
  const { sub } = await fixture.op.stores.users.create({ username, password: `${username} long password` });
  const secret = await fixture.op.stores.mfa.beginTotp(sub);
  const code = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
  expect(await fixture.op.stores.mfa.confirmTotp(sub, code)).toBe('accepted');
  await fixture.op.stores.mfa.newRecoveryCodes(sub);
  return { sub, secret };
}

test('user mfa show and reset on the command line: no key in the output, the reset audited', async () => {
  const { sub, secret } = await enrolled('cli-phone-lost');
  const shown = await runCli(['user', 'mfa', 'show', 'cli-phone-lost', '--json'], env());
  expect(shown.code).toBe(0);
  expect(jsonOf(shown)).toMatchObject({ user: 'cli-phone-lost', totp: true, recoveryCodesLeft: 10 });
  expect(shown.stdout).not.toContain(secret);

  const reset = await runCli(['user', 'mfa', 'reset', 'cli-phone-lost', '--json'], env());
  expect(reset.code).toBe(0);
  expect(jsonOf(reset)).toMatchObject({ user: 'cli-phone-lost', removed: { totp: true, recoveryCodesLeft: 10 } });
  expect(await fixture.op.stores.mfa.enrolled(sub)).toBe(false);
  // A credential changed: what the old factors opened ends (credential-fence.ts).
  expect((await fixture.op.stores.users.require('cli-phone-lost')).credentialsChangedAt).toEqual(expect.any(String));

  const missing = await runCli(['user', 'mfa', 'reset', 'nobody-here', '--json'], env());
  expect(missing.code).not.toBe(0);
  const audit = await fixture.op.stores.audit.tail(20, { type: 'admin' });
  expect(audit).toEqual(expect.arrayContaining([
    expect.objectContaining({ action: 'user mfa reset', outcome: 'success', user: 'cli-phone-lost' }),
    expect.objectContaining({ action: 'user mfa reset', outcome: 'failure', user: 'nobody-here' }),
  ]));
});

test('the admin API: GET and DELETE /users/{username}/mfa, documented, audited with the token as actor', async () => {
  const { sub, secret } = await enrolled('api-phone-lost');
  const shown = await api('GET', '/users/api-phone-lost/mfa');
  expect(shown.status).toBe(200);
  expect(shown.json).toMatchObject({ user: 'api-phone-lost', totp: true, recoveryCodesLeft: 10 });
  expect(shown.body).not.toContain(secret);

  const reset = await api('DELETE', '/users/api-phone-lost/mfa');
  expect(reset.status).toBe(200);
  expect(await fixture.op.stores.mfa.enrolled(sub)).toBe(false);
  expect((await fixture.op.stores.users.require('api-phone-lost')).credentialsChangedAt).toEqual(expect.any(String));
  expect((await api('GET', '/users/nobody-here/mfa')).status).toBe(404);

  await fixture.op.stores.audit.flush();
  const audit = await fixture.op.stores.audit.tail(20, { type: 'admin', user: 'api-phone-lost' });
  expect(audit[0]).toMatchObject({ action: 'user mfa reset', outcome: 'success', actor: 'token:mfa-robot' });

  const doc = (await (await fetch(`${fixture.op.issuer}/admin/api/openapi.json`)).json()) as { paths: Record<string, object> };
  expect(Object.keys(doc.paths['/users/{username}/mfa']!)).toEqual(expect.arrayContaining(['get', 'delete']));
});

test('the web console lists each user\'s second factors and resets them, audited with the administrator as actor', async () => {
  await fixture.op.stores.users.create({ username: 'console-admin', password: 'console admin password', role: 'admin' });
  const { sub, secret } = await enrolled('console-phone-lost');
  const ua = new UserAgent(fixture.op.issuer);
  const loginPage = await ua.follow('/admin/users?q=console-phone-lost');
  await submitLogin(ua, loginPage, 'console-admin', 'console admin password');
  const page = await ua.follow('/admin/users?q=console-phone-lost');
  expect(page.status).toBe(200);
  expect(page.body).toContain('recovery codes left: 10');
  expect(page.body).not.toContain(secret);
  expect(page.body).toContain('/admin/users/console-phone-lost/mfa-reset');

  const reset = await ua.post('/admin/users/console-phone-lost/mfa-reset', { csrf: inputValue(page.body, 'csrf')! });
  expect(reset.status).toBe(200);
  expect(reset.body).toContain('were removed');
  expect(await fixture.op.stores.mfa.enrolled(sub)).toBe(false);
  const noCsrf = await ua.post('/admin/users/console-phone-lost/mfa-reset', {});
  expect(noCsrf.status).toBe(403);
  await fixture.op.stores.audit.flush();
  const audit = await fixture.op.stores.audit.tail(20, { type: 'admin', user: 'console-phone-lost' });
  expect(audit[0]).toMatchObject({ action: 'user mfa reset', outcome: 'success', actor: 'console:console-admin' });
});
