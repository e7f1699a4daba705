/** The consent page in Chromium names the groups and a custom claim in human words, in English and in Chinese, and the ID token then carries them. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import { ALICE, useProvider } from '../support/provider.js';
import { useBrowser } from '../support/browser.js';
import { useCallbackSink } from '../support/callback-sink.js';
import { verifyIdToken } from '../support/rp.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100' });
const browser = useBrowser();
const sink = useCallbackSink();
let clientId = '';

beforeAll(async () => {
  const { stores } = fixture.op;
  await stores.groups.create({ name: 'Research' });
  await stores.users.update(ALICE.username, { groups: ['Research'], claims: { employee_number: 1042, 'https://example.com/claims/site': 'Oxford' } });
  const rebuilt = once(fixture.op.scopes, 'change');
  await stores.scopes.create({
    id: 'employee',
    name: { en: 'Employee record', 'zh-CN': '员工档案' },
    description: { en: 'Details from your employee record.', 'zh-CN': '您员工档案中的信息。' },
    claims: ['employee_number', 'https://example.com/claims/site'],
    display: { employee_number: { en: 'employee number', 'zh-CN': '员工编号' } },
  });
  await rebuilt;
  clientId = (await stores.clients.create({ name: 'Staff Portal', redirectUris: [`${sink.origin}/cb`], responseTypes: ['id_token'], scopes: ['openid', 'groups', 'employee'] })).client_id;
});

const authUrl = () =>
  `${fixture.op.issuer}/auth?${new URLSearchParams({ client_id: clientId, response_type: 'id_token', scope: 'openid groups employee', redirect_uri: `${sink.origin}/cb`, nonce: 'n-claims', state: 's', prompt: 'consent' })}`;

describe('the consent page names custom claims', () => {
  test.each([
    ['en-US', 'en', { heading: 'Allow access?', scopes: ['Your groups', 'Employee record'], claims: ['the groups you belong to', 'employee number', 'https://example.com/claims/site'], allow: 'Allow' }],
    ['zh-CN', 'zh-CN', { heading: '是否允许访问？', scopes: ['您所在的组', '员工档案'], claims: ['您所在的组', '员工编号', 'https://example.com/claims/site'], allow: '允许' }],
  ])('in %s', async (locale, lang, expected) => {
    const page = await browser.page({ locale });
    await page.goto(authUrl());
    await page.getByLabel(/Username|用户名/).fill(ALICE.username);
    await page.getByLabel(/^Password$|^密码$/).fill(ALICE.password);
    await page.getByRole('button', { name: /^Sign in$|^登录$/ }).click();
    await page.getByRole('heading', { name: expected.heading }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const words of [...expected.scopes, ...expected.claims]) expect(text).toContain(words);
    expect(text).not.toContain('groups_overage');
    await browser.screenshot(page, `consent-custom-claims-${lang}`);

    await page.getByRole('button', { name: expected.allow, exact: true }).click();
    await page.waitForURL(`${sink.origin}/cb#*`);
    const idToken = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('id_token')!;
    const { payload } = await verifyIdToken(fixture.op.issuer, idToken, clientId);
    expect(payload).toMatchObject({ groups: ['Research'], employee_number: 1042, 'https://example.com/claims/site': 'Oxford' });
  });
});
