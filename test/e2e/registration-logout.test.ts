/**
 * Logout URIs through dynamic client registration (RFC 7591): a client registers backchannel_logout_uri and
 * frontchannel_logout_uri under our rules (https outside loopback development; the front-channel URI on a redirect
 * URI's origin), or is refused with invalid_client_metadata and nothing registered.
 */
import { describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import { useProvider } from '../support/provider.js';

const fixture = useProvider({ SETTINGS_REFRESH_MS: '100' });
const REDIRECT = 'https://rp.example.test/dcr';
const base = { client_name: 'Self-registered', redirect_uris: [REDIRECT], response_types: ['id_token token'], grant_types: ['implicit'] };

async function registrationOn(): Promise<string> {
  if (fixture.op.live.current['registration.enabled'] !== true) {
    const changed = once(fixture.op.live, 'change');
    await fixture.op.stores.providerSettings.set('registration.enabled', 'true');
    await changed;
  }
  return (await fixture.op.stores.registrationTokens.create(600)).token;
}

async function register(metadata: Record<string, unknown>, token: string) {
  const response = await fetch(`${fixture.op.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('dynamic registration of logout URIs', () => {
  test('accepted within the rules, and echoed back', async () => {
    const token = await registrationOn();
    const { status, body } = await register(
      { ...base, backchannel_logout_uri: 'https://rp.example.test/bc', backchannel_logout_session_required: true, frontchannel_logout_uri: 'https://rp.example.test/fc' },
      token,
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ backchannel_logout_uri: 'https://rp.example.test/bc', backchannel_logout_session_required: true, frontchannel_logout_uri: 'https://rp.example.test/fc' });
  });

  test.each([
    [{ backchannel_logout_uri: 'http://rp.example.test/bc' }, /backchannel_logout_uri must use https/],
    [{ frontchannel_logout_uri: 'https://elsewhere.example.test/fc' }, /frontchannel_logout_uri must be on the origin/],
    [{ frontchannel_logout_uri: 'https://rp.example.test/fc', frontchannel_logout_session_required: 'yes' }, /frontchannel_logout_session_required must be a boolean/],
  ])('%j: invalid_client_metadata, nothing registered', async (fields, message) => {
    const token = await registrationOn();
    const before = (await fixture.op.stores.clients.list()).length;
    const { status, body } = await register({ ...base, ...fields }, token);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client_metadata');
    expect(String(body.error_description)).toMatch(message);
    expect((await fixture.op.stores.clients.list()).length).toBe(before);
  });
});
