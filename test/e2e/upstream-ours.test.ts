/**
 * Our provider as someone else's upstream: two of ours, the first an ordinary OpenID Connect provider with a
 * confidential code-flow client, the second brokering sign-ins to it. The brokered user is linked to the second's
 * local user by verified e-mail (read from the first's userinfo), and the relying party sees the second's own sub.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { authorizeUrl, implicitParams, submitForm, submitLogin } from '../support/flows.js';
import { ALICE, RP, startTestProvider, type TestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { verifyIdToken } from '../support/rp.js';
import { fragmentParams, inputValue, UserAgent, type Hop } from '../support/user-agent.js';

let redisA: TestRedis;
let redisB: TestRedis;
let upstream: TestProvider;
let broker: TestProvider;

beforeAll(async () => {
  redisA = await startTestRedis();
  redisB = await startTestRedis();
  upstream = await startTestProvider(redisA);
  broker = await startTestProvider(redisB);
  const registered = await upstream.stores.clients.create({
    name: 'The broker',
    redirectUris: [`${broker.issuer}/federation/ours/callback`],
    responseTypes: ['code'],
    authMethod: 'client_secret_basic',
    firstParty: true,
  });
  await broker.stores.idps.create({
    name: 'ours',
    type: 'oidc',
    displayName: 'Our other provider',
    linkByVerifiedEmail: true,
    oidc: { issuer: upstream.issuer, clientId: registered.client_id, clientSecret: registered.client_secret!, scopes: ['openid', 'email', 'profile'], useUserinfo: true },
  });
});
afterAll(async () => {
  await broker?.close(500);
  await upstream?.close(500);
  await redisA?.close();
  await redisB?.close();
});

const afterConsent = async (ua: UserAgent, hop: Hop) => (hop.status === 200 && hop.body.includes('/confirm"') ? submitForm(ua, hop, 'confirm') : hop);

describe('two of ours', () => {
  test('alice signs in at the broker through the upstream (our own login page there) and is linked to the broker\'s alice by verified e-mail', async () => {
    const atBroker = new UserAgent(broker.issuer);
    const page = await atBroker.follow(authorizeUrl(broker.issuer, implicitParams({ scope: 'openid email' })));
    const action = page.body.match(/action="(\/interaction\/[^"]+\/federation\/ours)"/)![1]!;
    const away = await atBroker.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: inputValue(page.body, 'csrf')! }).toString() });
    expect(away.location!.startsWith(`${upstream.issuer}/auth?`)).toBe(true);
    const atUpstream = new UserAgent(upstream.issuer);
    const upstreamLogin = await atUpstream.follow(away.location!);
    expect(upstreamLogin.body).toContain('name="password"');
    const back = await submitLogin(atUpstream, upstreamLogin, ALICE.username, ALICE.password);
    expect(back.location!.startsWith(`${broker.issuer}/federation/ours/callback?`)).toBe(true);
    const final = await afterConsent(atBroker, await atBroker.follow(back.location!));
    expect(final.location!.startsWith(`${RP}#`)).toBe(true);
    const { payload } = await verifyIdToken(broker.issuer, fragmentParams(final.location).get('id_token')!, 'spa-both');
    // The broker's own alice (the same fixture sub on both, so the link is what tells): linked, not created.
    expect(payload).toMatchObject({ sub: ALICE.sub, amr: ['fed'] });
    const alice = await broker.stores.users.findBySub(ALICE.sub);
    expect(alice!.links).toEqual([expect.objectContaining({ idp: 'ours', subject: ALICE.sub })]);
    expect((await broker.stores.users.list()).filter((u) => u.source?.kind === 'idp')).toEqual([]);
  });
});
