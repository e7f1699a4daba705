import { describe, expect, test } from '@jest/globals';
import { finalRedirectAs302, isClientRedirect } from '../../src/provider/final-redirect.js';
import { routeAnswers } from '../../src/provider/route-answers.js';

const RP = 'https://rp.example.test/cb';

describe('isClientRedirect', () => {
  test.each([
    ['the redirect_uri itself', RP],
    ['with a fragment response', `${RP}#id_token=eyJ&state=s1`],
    ['with an added query', `${RP}?code=abc&state=s1`],
    ['with both', `${RP}?error=access_denied#x`],
  ])('%s → true', (_name, location) => {
    expect(isClientRedirect(location, RP)).toBe(true);
  });

  test('a redirect_uri with its own query matches with the response added', () => {
    expect(isClientRedirect('https://rp.example.test/cb?tenant=1&code=abc', 'https://rp.example.test/cb?tenant=1')).toBe(true);
  });

  test.each([
    ['our own interaction page (absolute)', 'https://op.example.test/interaction/abc123'],
    ['our own interaction page (relative)', '/interaction/abc123'],
    ['another path of the client', 'https://rp.example.test/other'],
    ['a sub-path of the redirect_uri', 'https://rp.example.test/cb/more'],
    ['another host', 'https://evil.example.test/cb'],
    ['another port', 'https://rp.example.test:8443/cb'],
    ['another scheme', 'http://rp.example.test/cb'],
    ['a malformed location', 'http://[not-a-host/cb'],
    ['an empty location', ''],
  ])('%s → false', (_name, location) => {
    expect(isClientRedirect(location, RP)).toBe(false);
  });

  test.each([
    ['undefined', undefined],
    ['a number', 42],
    ['an array', [RP]],
    ['null', null],
  ])('redirect_uri %s → false', (_name, redirectUri) => {
    expect(isClientRedirect(RP, redirectUri)).toBe(false);
  });

  test('a malformed redirect_uri → false', () => {
    expect(isClientRedirect(RP, 'not a url')).toBe(false);
    expect(isClientRedirect('not a url', 'not a url')).toBe(false);
  });
});

interface FakeCtx {
  status: number;
  oidc?: { route: string; params?: Record<string, unknown> };
  response: { get(header: string): string };
}

function fakeCtx(
  status: number,
  route: string | undefined,
  location: string,
  params: Record<string, unknown> = { redirect_uri: RP },
): FakeCtx {
  return {
    status,
    ...(route === undefined ? {} : { oidc: { route, params } }),
    response: { get: (header: string) => (header.toLowerCase() === 'location' ? location : '') },
  };
}

async function run(ctx: FakeCtx): Promise<number> {
  finalRedirectAs302(ctx as never);
  return ctx.status;
}

describe('finalRedirectAs302', () => {
  test.each(['authorization', 'resume'])('303 to the redirect_uri on %s becomes 302', async (route) => {
    expect(await run(fakeCtx(303, route, `${RP}#id_token=eyJ&state=s1`))).toBe(302);
  });

  test('303 to the redirect_uri with a query (code flow) becomes 302', async () => {
    expect(await run(fakeCtx(303, 'resume', `${RP}?code=abc&state=s1`))).toBe(302);
  });

  test.each(['authorization', 'resume'])('303 to the interaction page on %s stays 303', async (route) => {
    expect(await run(fakeCtx(303, route, '/interaction/x'))).toBe(303);
    expect(await run(fakeCtx(303, route, 'https://op.example.test/interaction/x'))).toBe(303);
  });

  test.each(['end_session', 'end_session_confirm', 'userinfo', 'token'])('other route %s stays 303', async (route) => {
    expect(await run(fakeCtx(303, route, RP))).toBe(303);
  });

  test('without oidc context the status is untouched', async () => {
    expect(await run(fakeCtx(303, undefined, RP))).toBe(303);
  });

  test('without a redirect_uri parameter the status is untouched', async () => {
    expect(await run(fakeCtx(303, 'authorization', RP, {}))).toBe(303);
    expect(await run(fakeCtx(303, 'authorization', RP, { redirect_uri: undefined }))).toBe(303);
  });

  test.each([200, 302, 400])('status %d is untouched', async (status) => {
    expect(await run(fakeCtx(status, 'authorization', RP))).toBe(status);
  });

  test('run as a route answer, the status is read after oidc-provider answered', async () => {
    const ctx = fakeCtx(404, 'authorization', `${RP}#state=s1`);
    await routeAnswers(new Map([['authorization', finalRedirectAs302]]))(ctx as never, async () => {
      ctx.status = 303;
    });
    expect(ctx.status).toBe(302);
  });
});
