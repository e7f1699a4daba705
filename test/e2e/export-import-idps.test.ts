/**
 * Upstream identity providers in export and import: with KEYS_ENCRYPTION_KEY an OIDC client secret travels sealed
 * and opens on the importing side; another key or none refuses the whole document; without a key it is left out,
 * kept from the IdP it replaces or marked as needing one, and both sides say so. SAML metadata travels as it is.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useConfigDirs } from '../support/config-dir.js';
import { jsonOf, runCli } from '../support/cli.js';
import { startTestProvider } from '../support/provider.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const files = useConfigDirs();
let redis: TestRedis;
let metadataFile: string;

const SECRET = 'upstream-client-secret-for-the-export-test';
const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');

beforeAll(async () => {
  redis = await startTestRedis();
  // A SAML IdP's metadata with a real signing certificate (the metadata parser reads it).
  const dir = files();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=idp'], { stdio: 'ignore' });
  const body = readFileSync(join(dir, 'c'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const xml = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.corp.example/saml"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.corp.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
  metadataFile = join(files({ 'idp.xml': xml }), 'idp.xml');
}, 30_000);
afterAll(async () => {
  await redis?.close();
});

/** The command line on one store (a key prefix of the one redis-server), with or without an encryption key. */
const cli = (store: string, key?: string) => (args: string[], stdin?: string) =>
  runCli(args, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${redis.prefix}${store}:`, NODE_ENV: 'test', ...(key ? { KEYS_ENCRYPTION_KEY: key } : {}) }, stdin);
const fileWith = (document: unknown) => join(files({ 'export.json': document }), 'export.json');
type Doc = { idps: Record<string, unknown>[]; users: Record<string, unknown>[] } & Record<string, unknown>;
const exported = async (run: ReturnType<typeof cli>) => jsonOf(await run(['export', '--json'])) as Doc;

async function createIdps(run: ReturnType<typeof cli>) {
  const oidc = await run(['idp', 'create', 'corp', '--type', 'oidc', '--issuer', 'https://login.corp.example', '--client-id', 'our-broker', '--client-secret-stdin', '--domain', 'corp.example', '--json'], `${SECRET}\n`);
  expect(oidc.code).toBe(0);
  const saml = await run(['idp', 'create', 'corp-saml', '--type', 'saml', '--metadata-file', metadataFile, '--trust-email', '--subject-attribute', 'uid', '--link-by-email', '--json']);
  expect(saml.code).toBe(0);
  expect(jsonOf(saml)).toMatchObject({ trustEmail: true, linkByVerifiedEmail: true, saml: { subjectAttribute: 'uid', entityId: 'https://idp.corp.example/saml' } });
}

/** The client secret the sign-in would use on a store: opened by a running provider with that side's key. */
async function secretOn(store: string, key?: string): Promise<string | undefined> {
  const op = await startTestProvider({ ...redis, prefix: `${redis.prefix}${store}:` }, { DEMO: 'false', ...(key ? { KEYS_ENCRYPTION_KEY: key } : {}) });
  try {
    return (await op.stores.idps.forSignIn('corp'))?.oidc?.clientSecret;
  } finally {
    await op.close(500);
  }
}

describe('with KEYS_ENCRYPTION_KEY', () => {
  const source = cli('sealed-source', KEY);
  const target = cli('sealed-target', KEY);
  let document: Doc;

  test('the client secret leaves sealed and opens on a side with the same key; SAML travels as it is; an export of the import is the same document', async () => {
    await createIdps(source);
    const run = await source(['export', '--json']);
    expect(run.stderr).toBe('');
    document = jsonOf(run) as Doc;
    expect(document.idps).toEqual([
      expect.objectContaining({ name: 'corp', type: 'oidc', domains: ['corp.example'], oidc: expect.objectContaining({ clientId: 'our-broker', clientSecret: expect.stringMatching(/^sealed:/) }) }),
      expect.objectContaining({ name: 'corp-saml', type: 'saml', trustEmail: true, saml: expect.objectContaining({ subjectAttribute: 'uid', metadataXml: readFileSync(metadataFile, 'utf8') }) }),
    ]);
    expect(JSON.stringify(document)).not.toContain(SECRET);

    const imported = await target(['import', fileWith(document), '--json']);
    expect(imported.stderr).toBe('');
    expect(jsonOf(imported)).toEqual({ imported: expect.objectContaining({ replaced: false, idps: 2, clientSecretsKept: [], clientSecretsNeeded: [] }) });
    expect(await exported(target)).toEqual(document);
    expect(await secretOn('sealed-target', KEY)).toBe(SECRET);
  }, 60_000);

  test('another key, or none, or a plain secret is refused clearly and nothing of the document is written', async () => {
    const before = await exported(target);
    // A bigger document: were it half written, the extra user or IdP would show.
    const bigger = { ...document, idps: [...document.idps, { ...document.idps[1], name: 'other-saml' }] };
    const wrongKey = await cli('sealed-target', OTHER_KEY)(['import', fileWith(bigger), '--replace', '--json']);
    expect({ code: wrongKey.code, stdout: wrongKey.stdout }).toEqual({ code: 1, stdout: '' });
    expect(wrongKey.stderr).toMatch(/the document is refused, nothing was changed/);
    expect(wrongKey.stderr).toMatch(/idps\[0\]\.oidc\.clientSecret: KEYS_ENCRYPTION_KEY here does not open it \(it was exported under another key\)/);
    const noKey = await cli('sealed-target')(['import', fileWith(bigger), '--replace', '--json']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/idps\[0\]\.oidc\.clientSecret: sealed with KEYS_ENCRYPTION_KEY where it was exported; set KEYS_ENCRYPTION_KEY here to the same key/);
    const corp = document.idps[0] as { oidc: Record<string, unknown> };
    const plain = await target(['import', fileWith({ ...bigger, idps: [{ ...corp, oidc: { ...corp.oidc, clientSecret: SECRET } }, ...bigger.idps.slice(1)] }), '--replace', '--json']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/idps\[0\]\.oidc\.clientSecret: sealed with KEYS_ENCRYPTION_KEY \(sealed:…\) or absent: a client secret never travels in plain text/);
    expect(plain.stderr).not.toContain(SECRET);
    expect(await exported(target)).toEqual(before);
    expect((await target(['idp', 'show', 'other-saml', '--json'])).stderr).toMatch(/not found/);

    // Exported under a key that does not open the stored seal: left out, and said.
    const underOtherKey = await cli('sealed-source', OTHER_KEY)(['export', '--json']);
    expect(underOtherKey.code).toBe(0);
    expect(((jsonOf(underOtherKey) as Doc).idps[0] as { oidc: object }).oidc).not.toHaveProperty('clientSecret');
    expect(underOtherKey.stderr).toMatch(/oidc-op: note: idp corp: its client secret is not in the document/);
  }, 60_000);
});

describe('without KEYS_ENCRYPTION_KEY', () => {
  const source = cli('plain-source');

  test('the client secret is left out and said; a replace keeps the secret already set, an empty store needs one', async () => {
    await createIdps(source);
    const run = await source(['export', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/oidc-op: note: idp corp: its client secret is not in the document .*oidc-op idp update corp --client-secret-stdin/);
    const document = jsonOf(run) as Doc;
    expect((document.idps[0] as { oidc: object }).oidc).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(document)).not.toContain(SECRET);

    // Into the store that has corp with its (sealed) secret: kept.
    const replaced = await cli('sealed-target', KEY)(['import', fileWith(document), '--replace', '--json']);
    expect(jsonOf(replaced)).toEqual({ imported: expect.objectContaining({ replaced: true, idps: 2, clientSecretsKept: ['corp'], clientSecretsNeeded: [] }) });
    expect(replaced.stderr).toMatch(/note: idp corp: the document carried no client secret; the one already set here is kept/);
    expect(await secretOn('sealed-target', KEY)).toBe(SECRET);

    // Into an empty store: imported without one, shown as unset, refused by `idp test` until it is set.
    const fresh = cli('plain-target');
    const imported = await fresh(['import', fileWith(document)]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/2 idps/);
    expect(imported.stderr).toMatch(/note: idp corp: no client secret \(the document carried none\): it refuses sign-ins until you run oidc-op idp update corp --client-secret-stdin/);
    expect(jsonOf(await fresh(['idp', 'show', 'corp', '--json']))).toMatchObject({ name: 'corp', oidc: { clientSecretSet: false } });
    const tested = jsonOf(await fresh(['idp', 'test', 'corp', '--json'])) as { ok: boolean; steps: { step: string; ok: boolean; detail?: string }[] };
    expect(tested.ok).toBe(false);
    expect(tested.steps[0]).toEqual({ step: 'secret', ok: false, detail: 'no client secret is set: oidc-op idp update corp --client-secret-stdin' });
    expect((await fresh(['idp', 'update', 'corp', '--client-secret-stdin', '--json'], `${SECRET}\n`)).code).toBe(0);
    expect(await secretOn('plain-target')).toBe(SECRET);
    // The round trip: the store exports what it imported, the secret still left out.
    expect((await exported(fresh)).idps).toEqual([{ ...document.idps[0], updatedAt: expect.any(String) }, document.idps[1]]);
  }, 90_000);
});
