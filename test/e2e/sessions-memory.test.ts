/** The embedded default (no Redis): an account's sessions are listed from the in-memory index and ended there too. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, startTestProvider, type TestProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider(undefined);
});
afterAll(() => op?.close(500));

describe('sessions in memory', () => {
  test('listed with their browser, ended by an administrator', async () => {
    const ua = new UserAgent(op.issuer);
    const final = await signIn(ua, authorizeUrl(op.issuer, implicitParams()), ALICE);
    expect(fragmentParams(final.location ?? '').get('id_token')).toBeTruthy();
    const [session, ...others] = await op.stores.sessions.list(ALICE.sub);
    expect(others).toEqual([]);
    expect(session).toMatchObject({ clients: ['spa-both'] });
    expect(session!.address).toMatch(/127\.0\.0\.1/);
    const ended = await op.stores.sessions.end(ALICE.sub, 'test');
    expect(ended.length).toBe(1);
    const silent = await ua.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none' })));
    expect(fragmentParams(silent.location ?? '').get('error')).toBe('login_required');
    expect(await op.stores.sessions.list(ALICE.sub)).toEqual([]);
  });
});
