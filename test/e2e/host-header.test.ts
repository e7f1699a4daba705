/**
 * With PROXY=false the Host header (and an absolute request target) is the client's to forge: the provider
 * answers with the issuer's URLs whatever it says, in discovery and on the sign-out pages.
 */
import { request } from 'node:http';
import { describe, expect, test } from '@jest/globals';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { ALICE, useProvider } from '../support/provider.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider({ PROXY: 'false' });
const EVIL = 'evil.example';

/** A GET with headers fetch() would not send as given (Host), to `target` as the request line names it. */
function rawGet(target: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { port } = new URL(fixture.op.issuer);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every absolute URL in a text (JSON or HTML). */
const urlsIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s"'<>\\]+/g)].map((m) => m[0]);
/** Where the forms of an HTML page post. */
const actionsIn = (html: string) => [...html.matchAll(/action="([^"]*)"/g)].map((m) => m[1]!);

describe('forged Host header', () => {
  test.each([
    ['Host header', '/.well-known/openid-configuration'],
    ['absolute request target', `http://${EVIL}/.well-known/openid-configuration`],
  ])("discovery names the issuer's endpoints whatever the %s says", async (_what, target) => {
    const forged = await rawGet(target, { host: EVIL });
    expect(forged.status).toBe(200);
    const doc = JSON.parse(forged.body) as Record<string, unknown>;
    expect(doc.issuer).toBe(fixture.op.issuer);
    const endpoints = Object.entries(doc).filter(([key]) => key.endsWith('_endpoint') || key === 'jwks_uri');
    expect(endpoints.length).toBeGreaterThanOrEqual(5);
    for (const [, url] of endpoints) expect(String(url).startsWith(`${fixture.op.issuer}/`)).toBe(true);
    expect(forged.body).not.toContain(EVIL);
    // The document kept for later requests is the issuer's too.
    const plain = (await (await fetch(`${fixture.op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(plain.end_session_endpoint).toBe(`${fixture.op.issuer}/session/end`);
  });

  test('the end-session pages post to the issuer, signed in or not, and name its host', async () => {
    const anonymous = await rawGet('/session/end', { host: EVIL });
    expect(anonymous.status).toBe(200);
    expect(urlsIn(anonymous.body)).toContain(`${fixture.op.issuer}/session/end/confirm`);
    expect(anonymous.body).not.toContain(EVIL);

    const ua = new UserAgent(fixture.op.issuer);
    const final = await signIn(ua, authorizeUrl(fixture.op.issuer, implicitParams()), ALICE);
    const hint = fragmentParams(final.location).get('id_token')!;
    const target = `/session/end?${new URLSearchParams({ id_token_hint: hint })}`;
    const signedIn = await rawGet(target, { host: EVIL, cookie: ua.cookieHeaderFor(`${fixture.op.issuer}/session/end`) });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toContain('op.logoutForm');
    expect(signedIn.body).toContain(`action="${fixture.op.issuer}/session/end/confirm"`);
    expect(signedIn.body).toContain(new URL(fixture.op.issuer).host);
    expect(signedIn.body).not.toContain(EVIL);
    expect(actionsIn(signedIn.body).filter((url) => !url.startsWith(`${fixture.op.issuer}/`))).toEqual([]);
  });
});
