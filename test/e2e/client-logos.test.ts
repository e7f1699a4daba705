/** Client logos come from our origin: fetched server-side, raster only, or an avatar with the initial. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { useProvider } from '../support/provider.js';
import { LOGO_PNG, useCallbackSink } from '../support/callback-sink.js';

const fixture = useProvider();
const site = useCallbackSink();
const ids: Record<string, string> = {};

beforeAll(async () => {
  const make = async (name: string, logoUri?: string) =>
    (await fixture.op.stores.clients.create({ name, redirectUris: ['https://rp.example.test/cb'], responseTypes: ['id_token'], logoUri })).client_id;
  ids.png = await make('Photo Album', `${site.origin}/logo.png`);
  ids.html = await make('Not An Image', `${site.origin}/not-an-image`);
  ids.none = await make('<Zebra & Co>');
});

const logo = (id: string) => fetch(`${fixture.op.issuer}/assets/client-logo/${encodeURIComponent(id)}`);

describe('/assets/client-logo/:clientId', () => {
  test('a registered raster logo is served from our origin, byte for byte', async () => {
    const response = await logo(ids.png!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(LOGO_PNG);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('a logo that is not a raster image gives way to the initial avatar', async () => {
    const response = await logo(ids.html!);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toContain('>N</text>');
  });

  test('no logo: the initial, escaped, in the brand colour', async () => {
    const svg = await (await logo(ids.none!)).text();
    expect(svg).toContain('>&#60;</text>');
    expect(svg).toContain('fill="#1f5fbf"');
    expect(svg).not.toContain('<script');
  });

  test('an unknown client is a 404', async () => {
    expect((await logo('nobody')).status).toBe(404);
  });
});
