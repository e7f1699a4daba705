/**
 * "Continue with NAME" in Chromium: the login page's button (English and Simplified Chinese) sends the browser to a
 * plain oidc-provider upstream, whose own page signs carol in; the relying party gets our ID token with amr fed.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { useBrowser } from '../support/browser.js';
import { useCallbackSink } from '../support/callback-sink.js';
import { startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { verifyIdToken } from '../support/rp.js';
import { startUpstreamOidc, type UpstreamOidc } from '../support/upstream-oidc.js';

let redis: TestRedis | undefined;
let op: TestProvider | undefined;
let upstream: UpstreamOidc | undefined;
const browser = useBrowser();
const sink = useCallbackSink();
let clientId = '';

beforeAll(async () => {
  redis = await startTestRedis();
  op = await startTestProvider(redis, { PROXY: 'true' });
  // The upstream at localhost, we at 127.0.0.1: two sites, so its answer reaches our callback by a cross-site
  // navigation, and the interaction cookie (SameSite=Lax) must still reach the done step.
  expect(new URL(op.issuer).hostname).toBe('127.0.0.1');
  upstream = await startUpstreamOidc([`${op.issuer}/federation/corp/callback`], undefined, 'localhost');
  await op.stores.idps.create({ name: 'corp', type: 'oidc', displayName: { en: 'Corp SSO', 'zh-CN': '公司单点登录' }, oidc: { issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, scopes: ['openid', 'email', 'profile', 'groups'] } });
  clientId = (await op.stores.clients.create({ name: 'Federated RP', redirectUris: [`${sink.origin}/cb`], responseTypes: ['id_token'], firstParty: true })).client_id;
});
afterAll(async () => {
  await upstream?.close();
  await op?.close(500);
  await redis?.close();
});

const authUrl = (params: Record<string, string> = {}) =>
  `${op!.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token', scope: 'openid email groups', redirect_uri: `${sink.origin}/cb`, nonce: `n-${Math.random().toString(36).slice(2)}`, ...params })}`;

test('the button signs carol in through the upstream: our ID token, our sub, her groups, amr fed', async () => {
  const page = await browser.page();
  await page.goto(authUrl());
  const button = page.getByRole('button', { name: 'Continue with Corp SSO' });
  await expect(button.isVisible()).resolves.toBe(true);
  await browser.screenshot(page, 'login-with-upstream-idp');
  await button.click();
  await page.waitForURL(`${upstream!.issuer}/interaction/**`);
  await page.locator('input[name="username"]').fill('carol');
  await page.getByRole('button', { name: 'sign in' }).click();
  await page.waitForURL(`${sink.origin}/cb#*`);
  const token = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('id_token')!;
  const { payload } = await verifyIdToken(op!.issuer, token, clientId);
  expect(payload).toMatchObject({ amr: ['fed'], email: 'carol@corp.example', groups: ['engineering', 'vpn-users'] });
  expect(payload.sub).toMatch(/^[0-9a-f]{32}$/);
});

test('in Simplified Chinese the button carries the IdP\'s Chinese name', async () => {
  const page = await browser.page({ locale: 'zh-CN' });
  await page.goto(authUrl({ ui_locales: 'zh-CN', prompt: 'login' }));
  await expect(page.getByRole('button', { name: '通过 公司单点登录 继续' }).isVisible()).resolves.toBe(true);
  await browser.screenshot(page, 'login-with-upstream-idp-zh');
});
