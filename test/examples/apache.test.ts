/**
 * examples/apache: a server-side web app behind Debian's mod_auth_openidc, signed in through it in Chromium with both
 * implicit response types and with form_post.
 */
import { beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apacheInstalled, startApache } from '../support/apache.js';
import { useBrowser } from '../support/browser.js';
import { describeIf } from '../support/describe-if.js';
import { freePort } from '../support/ports.js';
import { ALICE, useProvider } from '../support/provider.js';
import { registerClient, registrationArgs } from '../support/register-client.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'apache');
const installed = apacheInstalled();
if (!installed) process.stderr.write('skipped examples/apache: apache2 or libapache2-mod-auth-openidc is not installed\n');

describeIf(installed)(`examples/apache${installed ? '' : ' (skipped: apache2 with mod_auth_openidc not installed)'}`, () => {
  const fixture = useProvider();
  const browser = useBrowser();
  let port: number;
  let clientId: string;

  beforeAll(async () => {
    port = await freePort();
    const app = `http://127.0.0.1:${port}`;
    // The registration the guide shows (register.sh): both implicit response types, RS256 (the module cannot read EdDSA).
    ({ client_id: clientId } = await registerClient(fixture, await registrationArgs(join(EXAMPLE, 'register.sh'), { APP: app })));
  });

  const cases = [
    { type: 'id_token', mode: 'fragment' },
    { type: 'id_token token', mode: 'fragment' },
    { type: 'id_token', mode: 'form_post' },
    { type: 'id_token token', mode: 'form_post' },
  ];

  test.each(cases)('signs in with response_type=$type and response_mode=$mode, shows the claims, and signs out', async ({ type, mode }) => {
    const apache = await startApache({
      htdocs: join(EXAMPLE, 'htdocs'),
      include: [join(EXAMPLE, 'openidc.conf')],
      modules: ['auth_openidc'],
      port,
      env: {
        OIDC_ISSUER: fixture.op.issuer,
        OIDC_CLIENT_ID: clientId,
        OIDC_CRYPTO_PASSPHRASE: randomBytes(32).toString('base64url'),
        OIDC_RESPONSE_TYPE: type,
        OIDC_RESPONSE_MODE: mode,
      },
    });
    try {
      const page = await browser.page();
      const authorizations: URL[] = [];
      page.on('request', (req) => {
        const url = new URL(req.url());
        if (url.origin === fixture.op.issuer && url.pathname === '/auth') authorizations.push(url);
      });
      await page.goto(`${apache.origin}/protected/`);
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const allow = page.getByRole('button', { name: 'Allow' });
      const user = page.locator('#user');
      await Promise.race([allow.waitFor(), user.waitFor()]);
      if (await allow.isVisible()) await allow.click(); // consent is asked once per client

      await user.waitFor();
      expect(page.url()).toBe(`${apache.origin}/protected/`);
      await expect(user.textContent()).resolves.toBe(ALICE.sub);
      // With id_token the claims are in the ID token; with id_token token the module fetched them from userinfo.
      await expect(page.locator('#email').textContent()).resolves.toBe('alice@example.com');
      await expect(page.locator('#name').textContent()).resolves.toBe('Alice Liddell');
      expect(authorizations[0]?.searchParams.get('response_type')).toBe(type);
      expect(authorizations[0]?.searchParams.get('response_mode') ?? 'fragment').toBe(mode);
      await browser.screenshot(page, `example-apache-${type.replace(' ', '-')}-${mode}`);

      await page.getByRole('link', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${apache.origin}/`);
      // Both sessions are gone: the protected page sends the browser to the provider's login again.
      await page.goto(`${apache.origin}/protected/`);
      await page.getByLabel('Password').waitFor();
    } catch (err) {
      throw new Error(`${String(err)}\napache error log:\n${apache.errorLog()}`);
    } finally {
      await apache.stop();
    }
  });

  test('a client left on EdDSA is refused by the module, with the parse error the guide quotes (its reason for RS256)', async () => {
    const args = await registrationArgs(join(EXAMPLE, 'register.sh'), { APP: `http://127.0.0.1:${port}` });
    const alg = args.indexOf('--id-token-signed-response-alg') + 1;
    expect(args[alg]).toBe('RS256');
    args.splice(alg, 1, 'EdDSA');
    const { client_id: edClient } = await registerClient(fixture, args);
    const apache = await startApache({
      htdocs: join(EXAMPLE, 'htdocs'),
      include: [join(EXAMPLE, 'openidc.conf')],
      modules: ['auth_openidc'],
      port,
      env: {
        OIDC_ISSUER: fixture.op.issuer,
        OIDC_CLIENT_ID: edClient,
        OIDC_CRYPTO_PASSPHRASE: randomBytes(32).toString('base64url'),
        OIDC_RESPONSE_TYPE: 'id_token',
        OIDC_RESPONSE_MODE: 'form_post',
      },
    });
    try {
      const page = await browser.page();
      await page.goto(`${apache.origin}/protected/`);
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${apache.origin}/protected/redirect_uri`);
      await expect(page.locator('#user').count()).resolves.toBe(0);
      expect(apache.errorLog()).toMatch(/oidc_proto_parse_idtoken: oidc_jwt_parse failed: .*cjose_jws_import failed: invalid argument/);
    } finally {
      await apache.stop();
    }
  });
});
