/**
 * Sign-in through an upstream SAML 2.0 IdP, end to end in Chromium: a relying party's authorization request, our
 * login page's "Continue with" button, SimpleSAMLphp's own login page, the Response posted to our ACS, our consent,
 * and the relying party's tokens with our own sub and the IdP's attributes and groups as claims. A replayed Response
 * is refused with our page and an audit entry, and a Response changed on its way gives our page naming the failed
 * sign-in; nothing is created either time. The IdP is at localhost, we at 127.0.0.1 (two sites, as in production);
 * a silent request naming the IdP is asked of it with IsPassive.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { inflateRawSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';
import * as client from 'openid-client';
import { samlUrlsOf } from '../../src/idps/idp-record.js';
import { useBrowser } from '../support/browser.js';
import { jsonOf, runCli } from '../support/cli.js';
import { describeIf } from '../support/describe-if.js';
import { implicitParams } from '../support/flows.js';
import { RP, useProvider } from '../support/provider.js';
import { rpConfiguration, verifyIdToken } from '../support/rp.js';
import { SAML_USERS, simpleSamlPhpInstalled, startSimpleSamlPhp, type TestSimpleSamlPhp } from '../support/simplesamlphp.js';

const installed = simpleSamlPhpInstalled();

describeIf(installed)(`upstream SAML sign-in${installed ? '' : ' (skipped: simplesamlphp with php-xml and php-mbstring not installed)'}`, () => {
  const fixture = useProvider();
  const browser = useBrowser();
  let ssp: TestSimpleSamlPhp;
  const cliEnv = () => ({ REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test', ISSUER: fixture.op.issuer });
  const SCOPE = 'openid profile email groups';

  beforeAll(async () => {
    // The IdP at localhost, we at 127.0.0.1: two sites, so its Response reaches our ACS by a cross-site POST.
    expect(new URL(fixture.op.issuer).hostname).toBe('127.0.0.1');
    ssp = await startSimpleSamlPhp({ sps: [samlUrlsOf(fixture.op.issuer, 'corp-saml')], host: 'localhost' });
  }, 60_000);
  afterAll(async () => {
    await ssp?.close();
  });

  /**
   * The next stop of the sign-in: our consent page, or the redirect to the relying party, read from its Location
   * header (the fragment never reaches a server). A listener, not waitForResponse, so no timer outlives the test.
   */
  const nextStop = (page: Page): Promise<'consent' | URLSearchParams> =>
    new Promise((resolve) => {
      const onResponse = (r: Response) => {
        const location = r.headers()['location'] ?? '';
        const answer = location.startsWith(RP) ? new URLSearchParams(new URL(location).hash.slice(1)) : r.url().startsWith(`${fixture.op.issuer}/interaction/`) && r.status() === 200 ? 'consent' : undefined;
        if (answer === undefined) return;
        page.off('response', onResponse);
        resolve(answer);
      };
      page.on('response', onResponse);
    });

  /**
   * From the relying party's authorization request to its redirect, through our login page and SimpleSAMLphp's; our
   * consent when asked. The relying party is a stand-in page: Chromium never leaves for rp.example.test.
   */
  async function signInThroughSaml(page: Page, user: keyof typeof SAML_USERS): Promise<URLSearchParams> {
    await page.context().route(`${RP}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'relying party' }));
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    await page.goto(client.buildAuthorizationUrl(config, implicitParams({ scope: SCOPE })).href);
    await page.click('button.idp[data-idp="corp-saml"]');
    await page.waitForURL(`${ssp.origin}/**`);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', SAML_USERS[user].password);
    const afterIdp = nextStop(page);
    await page.click('#submit_button');
    const stop = await afterIdp;
    if (stop !== 'consent') return stop;
    await page.waitForSelector('form[action$="/confirm"] button.primary');
    await browser.screenshot(page, 'upstream-saml-consent');
    const afterConsent = nextStop(page);
    await page.click('form[action$="/confirm"] button.primary');
    const back = await afterConsent;
    if (back === 'consent') throw new Error('consent asked twice');
    return back;
  }

  test('defined with the command line from the IdP metadata URL; our SP metadata is published', async () => {
    const created = await runCli(['idp', 'create', 'corp-saml', '--type', 'saml', '--metadata-url', ssp.metadataUrl, '--display-name', 'Corp SAML', '--json'], cliEnv());
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const urls = samlUrlsOf(fixture.op.issuer, 'corp-saml');
    expect(jsonOf(created)).toMatchObject({ name: 'corp-saml', type: 'saml', sp_metadata_url: urls.entityId, acs_url: urls.acsUrl, saml: { entityId: ssp.entityId } });
    const metadata = await fetch(urls.entityId);
    expect(metadata.status).toBe(200);
    expect(await metadata.text()).toContain(`entityID="${urls.entityId}"`);
  });

  let sub = '';
  test('alice signs in at SimpleSAMLphp: the relying party gets our own sub, her attributes and groups', async () => {
    const page = await browser.page();
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    // What Chromium sends: the cross-site POST to the ACS carries no interaction cookie (SameSite=Lax), and the 303
    // GET to the done step, a top-level navigation, does: that is what binds the answer to this browser.
    const cookiesSent = new Map<string, string>();
    const read: Promise<void>[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      const step = request.method() === 'POST' && path.endsWith('/saml/acs') ? 'acs' : request.method() === 'GET' && path.includes('/federation/done/') ? 'done' : undefined;
      if (step) read.push(request.allHeaders().then((headers) => void cookiesSent.set(step, headers.cookie ?? '')));
    });
    const params = await signInThroughSaml(page, 'alice');
    await Promise.all(read);
    expect(ssp.origin.startsWith('http://localhost:')).toBe(true);
    expect(cookiesSent.get('acs')).not.toMatch(/(^|; )_interaction=/);
    expect(cookiesSent.get('done')).toMatch(/(^|; )_interaction=/);
    expect(Object.fromEntries(params)).toMatchObject({ token_type: 'Bearer', state: 'state-xyz' });
    const { payload } = await verifyIdToken(fixture.op.issuer, params.get('id_token')!, 'spa-both');
    sub = String(payload.sub);
    expect(sub).toMatch(/^[0-9a-f]{32}$/);
    expect(payload).toMatchObject({ amr: ['fed'] });
    const userinfo = await client.fetchUserInfo(config, params.get('access_token')!, sub);
    expect(userinfo).toMatchObject({ sub, name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', email: 'alice@saml.example', email_verified: false, groups: ['staff', 'engineers', 'saml-admins'] });
    const user = await fixture.op.stores.users.findBySub(sub);
    expect(user).toMatchObject({ source: { kind: 'idp', name: 'corp-saml', id: expect.stringMatching(/^[0-9a-f]{40}$/) } });
  });

  test('prompt=none naming the IdP, no session at either: IsPassive sent, its NoPassive reaches the relying party as login_required, no page', async () => {
    const page = await browser.page();
    await page.context().route(`${RP}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'relying party' }));
    const pages: string[] = [];
    const requests: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 200 && r.request().resourceType() === 'document') pages.push(r.url());
    });
    page.on('request', (r) => {
      const samlRequest = new URL(r.url()).searchParams.get('SAMLRequest');
      if (samlRequest) requests.push(inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8'));
    });
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    const back = nextStop(page);
    // The navigation ends at the relying party's address, which nextStop reads from the Location header.
    await page.goto(client.buildAuthorizationUrl(config, implicitParams({ prompt: 'none', idp_hint: 'corp-saml' })).href).catch(() => undefined);
    const params = await back;
    if (params === 'consent') throw new Error('a page of ours was shown');
    expect(Object.fromEntries(params)).toMatchObject({ error: 'login_required', state: 'state-xyz' });
    expect(requests).toEqual([expect.stringContaining('IsPassive="true"')]);
    // Nothing asked of the person on the way: no page of ours, no login page at SimpleSAMLphp (only its
    // self-submitting form that carries the Response).
    expect(pages.filter((url) => url.startsWith(fixture.op.issuer))).toEqual([]);
    expect(pages.filter((url) => /loginuserpass/.test(url))).toEqual([]);
    expect(pages.every((url) => url.startsWith(ssp.origin))).toBe(true);
  });

  test('a Response posted again (a replay) is refused with our page and an audit entry; no user is created', async () => {
    const page = await browser.page();
    let posted: string | undefined;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/saml/acs')) posted = request.postData() ?? undefined;
    });
    expect((await signInThroughSaml(page, 'alice')).get('id_token')).toBeTruthy();
    expect(posted).toBeTruthy();

    const before = (await fixture.op.stores.users.list()).length;
    const replayed = await page.request.post(samlUrlsOf(fixture.op.issuer, 'corp-saml').acsUrl, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: posted!,
      maxRedirects: 0,
    });
    expect(replayed.status()).toBe(400);
    expect(await replayed.text()).toContain('This sign-in answer belongs to no sign-in in progress here');
    expect((await fixture.op.stores.users.list()).length).toBe(before);
    const events = await fixture.op.stores.audit.tail(50, { type: 'login' });
    expect(events.some((e) => e.outcome === 'failure' && e.action === 'saml corp-saml: no pending sign-in for this answer')).toBe(true);
  });

  test('a Response changed on its way (bob\'s email) is refused: our page names the failed sign-in, audited, bob not created', async () => {
    const page = await browser.page();
    await page.route('**/saml/acs', async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      const xml = Buffer.from(form.get('SAMLResponse')!, 'base64').toString('utf8').replace('bob@saml.example', 'boss@saml.example');
      form.set('SAMLResponse', Buffer.from(xml).toString('base64'));
      await route.continue({ postData: form.toString() });
    });
    const config = await rpConfiguration(fixture.op.issuer, 'spa-both');
    const before = (await fixture.op.stores.users.list()).length;
    const refusals = async () => (await fixture.op.stores.audit.tail(200, { type: 'login' })).filter((e) => e.outcome === 'failure' && /^(saml|idp) corp-saml: /.test(e.action ?? ''));
    const earlier = (await refusals()).length;
    await page.goto(client.buildAuthorizationUrl(config, implicitParams({ scope: SCOPE })).href);
    await page.click('button.idp[data-idp="corp-saml"]');
    await page.waitForURL(`${ssp.origin}/**`);
    await page.fill('input[name=username]', 'bob');
    await page.fill('input[name=password]', SAML_USERS.bob.password);
    await page.click('#submit_button');
    await page.waitForURL(`${fixture.op.issuer}/interaction/**/federation/done/**`);
    expect(await page.textContent('body')).toContain('Corp SAML sent an answer we could not verify');
    await browser.screenshot(page, 'upstream-saml-refused');
    expect((await fixture.op.stores.users.list()).length).toBe(before);
    // One entry, written at the ACS where the answer was refused (the done step only shows it).
    const events = await refusals();
    expect(events).toHaveLength(earlier + 1);
    expect(events[0]).toMatchObject({ client: 'spa-both', action: expect.stringMatching(/^saml corp-saml: invalid_answer: .*signature/i) });
    expect(events[0]!.count ?? 1).toBe(1); // not one event recorded twice and folded together
  });
});
