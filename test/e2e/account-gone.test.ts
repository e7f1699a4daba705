/** A user removed while signed in: their session signs nobody in any more, and their tokens stop working. */
import { describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { authorizeUrl, implicitParams, signIn } from '../support/flows.js';
import { fragmentParams, UserAgent } from '../support/user-agent.js';

const fixture = useProvider();

describe('a deleted account', () => {
  test('its session no longer authorizes silently and its access token is refused', async () => {
    const { op } = fixture;
    await op.stores.users.create({ username: 'temp', password: 'temporary password', claims: { email: 'temp@example.com' } });
    const ua = new UserAgent(op.issuer);
    const final = await signIn(ua, authorizeUrl(op.issuer, implicitParams({ scope: 'openid email' })), { username: 'temp', password: 'temporary password' });
    const token = fragmentParams(final.location).get('access_token')!;
    expect((await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    await op.stores.users.delete('temp');

    const silent = await ua.follow(authorizeUrl(op.issuer, implicitParams({ prompt: 'none' })));
    expect(silent.status).toBe(302);
    expect(fragmentParams(silent.location).get('error')).toBe('login_required');
    const interactive = await ua.follow(authorizeUrl(op.issuer, implicitParams()));
    expect(interactive.status).toBe(200);
    expect(interactive.body).toContain('name="password"');
    const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(userinfo.status).toBe(401);
  });
});
