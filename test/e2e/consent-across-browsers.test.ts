/**
 * A consent belongs to the account and the client, not to the browser that gave it: another browser (its own cookie
 * jar) signs in and gets its tokens without a consent page, until the consent is revoked. prompt=consent still asks,
 * and a wider scope asks only for what is new.
 */
import { describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { jsonOf, runCli } from '../support/cli.js';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { ALICE, BOB, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent, type Hop } from '../support/user-agent.js';

const fixture = useProvider();
const cli = (args: string[]) => runCli(args, { REDIS_URL: fixture.redis.url, REDIS_KEY_PREFIX: fixture.redis.prefix, NODE_ENV: 'test' });
const auth = (params: Record<string, string> = {}) => authorizeUrl(fixture.op.issuer, implicitParams(params));
const browser = () => new UserAgent(fixture.op.issuer);
const userinfo = async (hop: Hop) =>
  (await fetch(`${fixture.op.issuer}/me`, { headers: { authorization: `Bearer ${fragmentParams(hop.location).get('access_token')!}` } })).status;
type Consent = { grantId: string; clientId: string; scope: string };
const consentsOf = async (username: string) => (jsonOf(await cli(['user', 'consents', username, '--json'])) as { consents: Consent[] }).consents;

const isConsentPage = (hop: Hop) => hop.status === 200 && hop.body.includes('/confirm"');
const tokensIn = (hop: Hop) => hop.status === 302 && fragmentParams(hop.location).has('access_token');

/** A new browser: the authorization, then the login; what comes after it (a consent page, or the tokens). */
async function signInFresh(user: { username: string; password: string }, params: Record<string, string> = {}): Promise<{ ua: UserAgent; hop: Hop }> {
  const ua = browser();
  const login = await ua.follow(auth(params));
  return { ua, hop: await submitLogin(ua, login, user.username, user.password) };
}

/** How often Redis has run a command since it started. */
async function calls(command: string): Promise<number> {
  const redis = new Redis(fixture.redis.url, { lazyConnect: true });
  try {
    await redis.connect();
    return Number((await redis.info('commandstats')).match(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm'))?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

describe('a consent remembered per account, across browsers', () => {
  test('consent in one browser; the next gets its tokens without a consent page; prompt=consent asks; a wider scope asks only for the new one', async () => {
    const first = await signInFresh(ALICE);
    expect(isConsentPage(first.hop)).toBe(true);
    const allowed = await submitForm(first.ua, first.hop, 'confirm');
    expect(tokensIn(allowed)).toBe(true);

    const second = await signInFresh(ALICE);
    expect(isConsentPage(second.hop)).toBe(false);
    expect(tokensIn(second.hop)).toBe(true);
    expect(await userinfo(second.hop)).toBe(200);

    // A session that holds the grant reads nothing more: the account's index is not read again.
    const before = await calls('hget');
    expect(tokensIn(await second.ua.follow(auth({ prompt: 'none' })))).toBe(true);
    expect(await calls('hget')).toBe(before);

    const asked = await second.ua.follow(auth({ prompt: 'consent' }));
    expect(isConsentPage(asked)).toBe(true);
    expect(asked.body).toContain('Your identity');
    expect(tokensIn(await submitForm(second.ua, asked, 'confirm'))).toBe(true);

    const third = await signInFresh(ALICE, { scope: 'openid email' });
    expect(isConsentPage(third.hop)).toBe(true);
    expect(third.hop.body).toContain('Your email address');
    expect(third.hop.body).not.toContain('Your identity');
    expect(tokensIn(await submitForm(third.ua, third.hop, 'confirm'))).toBe(true);

    // One consent for the client, now with both scopes, which the first browser uses without asking.
    expect((await consentsOf('alice')).filter((c) => c.clientId === 'spa-both')).toEqual([expect.objectContaining({ scope: 'openid email' })]);
    expect(tokensIn(await first.ua.follow(auth({ scope: 'openid email', prompt: 'none' })))).toBe(true);
  });

  test('a revoked consent is not found again: the next browser is asked, by the administrator or through the grant', async () => {
    const first = await signInFresh(BOB);
    expect(tokensIn(await submitForm(first.ua, first.hop, 'confirm'))).toBe(true);
    expect(tokensIn((await signInFresh(BOB)).hop)).toBe(true);

    expect((await cli(['user', 'revoke-consent', 'bob', 'spa-both', '--json'])).code).toBe(0);
    expect(fragmentParams((await first.ua.follow(auth({ prompt: 'none' }))).location).get('error')).toBe('consent_required');
    const afterAdmin = await signInFresh(BOB);
    expect(isConsentPage(afterAdmin.hop)).toBe(true);
    expect(tokensIn(await submitForm(afterAdmin.ua, afterAdmin.hop, 'confirm'))).toBe(true);

    // oidc-provider's own revocation destroys the grant (a refresh token revoked, one reused): the same.
    const [consent] = (await consentsOf('bob')).filter((c) => c.clientId === 'spa-both');
    await (await fixture.op.provider.current.Grant.find(consent!.grantId))!.destroy();
    expect(isConsentPage((await signInFresh(BOB)).hop)).toBe(true);
  });
});
