/**
 * Front-channel logout (OpenID Connect Front-Channel Logout 1.0) in Chromium: a user signed into two relying parties
 * on two origins signs out at one; our signed-out step loads each one's frontchannel_logout_uri in an invisible
 * iframe with iss and sid (the page's CSP frames exactly those origins), then continues to the post_logout_redirect_uri.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.js';
import { ALICE, useProvider } from '../support/provider.js';

const fixture = useProvider();
const browser = useBrowser();

/** A relying party's site: records each front-channel request, answers every page with a little HTML. */
class RelyingSite {
  readonly frontchannel: URLSearchParams[] = [];
  #server: Server | undefined;
  #waiting: (() => void)[] = [];
  origin = '';

  async start(host: string): Promise<void> {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://rp');
      if (url.pathname === '/fc') {
        this.frontchannel.push(url.searchParams);
        for (const resolve of this.#waiting.splice(0)) resolve();
        res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end('<!DOCTYPE html><title>signed out</title>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><title>${url.pathname}</title><p>relying party</p>`);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, host, resolve));
    this.origin = `http://${host === '127.0.0.1' ? '127.0.0.1' : 'localhost'}:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server?.closeAllConnections();
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

const one = new RelyingSite();
const two = new RelyingSite();
const clients: Record<'one' | 'two', string> = { one: '', two: '' };

beforeAll(async () => {
  await Promise.all([one.start('127.0.0.1'), two.start('127.0.0.1')]);
  for (const [key, site] of [['one', one], ['two', two]] as const) {
    const created = await fixture.op.stores.clients.create({
      name: `Site ${key}`,
      redirectUris: [`${site.origin}/cb`],
      postLogoutRedirectUris: [`${site.origin}/bye`],
      responseTypes: ['id_token'],
      firstParty: true,
      frontchannelLogoutUri: `${site.origin}/fc`,
    });
    clients[key] = created.client_id;
  }
});
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});

const authUrl = (clientId: string, site: RelyingSite) =>
  `${fixture.op.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token', scope: 'openid', redirect_uri: `${site.origin}/cb`, nonce: 'n', state: 's' })}`;

async function idTokenAt(page: Page, site: RelyingSite): Promise<string> {
  await page.waitForURL(`${site.origin}/cb#*`);
  const token = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('id_token');
  if (!token) throw new Error(`no id_token at ${page.url()}`);
  return token;
}

describe('front-channel logout', () => {
  test('both relying parties get their iframe with iss and sid, then the browser returns to the one that asked', async () => {
    const page = await browser.page();
    await page.goto(authUrl(clients.one, one));
    await page.getByLabel(/Username/).fill(ALICE.username);
    await page.getByLabel(/^Password$/).fill(ALICE.password);
    await page.getByRole('button', { name: /^Sign in$/ }).click();
    const tokenOne = await idTokenAt(page, one);
    await page.goto(authUrl(clients.two, two));
    const tokenTwo = await idTokenAt(page, two);

    await page.goto(`${fixture.op.issuer}/session/end?${new URLSearchParams({ id_token_hint: tokenOne, post_logout_redirect_uri: `${one.origin}/bye`, state: 'bye-state' })}`);
    const pageResponse = page.waitForResponse((r) => r.url().endsWith('/session/end/confirm'));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    const csp = (await (await pageResponse).allHeaders())['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(new RegExp(`frame-src (${one.origin} ${two.origin}|${two.origin} ${one.origin})$`));

    await page.waitForURL(`${one.origin}/bye?state=bye-state`);
    expect(one.frontchannel.map((p) => Object.fromEntries(p))).toEqual([{ iss: fixture.op.issuer, sid: String(decodeJwt(tokenOne).sid) }]);
    expect(two.frontchannel.map((p) => Object.fromEntries(p))).toEqual([{ iss: fixture.op.issuer, sid: String(decodeJwt(tokenTwo).sid) }]);

    // Signed out: the next authorization asks for a sign-in again.
    await page.goto(authUrl(clients.two, two));
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  });
});
