/**
 * A real SAML 2.0 IdP nobody here wrote: Debian's SimpleSAMLphp 1.19 under PHP's built-in server on a free loopback
 * port, with its own config dir (SIMPLESAMLPHP_CONFIG_DIR) in a temp dir, a self-signed signing certificate made with
 * openssl, two users of the exampleauth userpass source with attributes, and persistent NameIDs. The SPs it knows
 * are written to saml20-sp-remote.php, which it reads on each request, so one can be added once its URL is known.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const SIMPLESAMLPHP = '/usr/share/simplesamlphp';
export const PHP = '/usr/bin/php';

/** Installed, with the PHP extensions it needs (Debian's package does not pull in DOM). */
export const simpleSamlPhpInstalled = (): boolean => {
  if (!existsSync(join(SIMPLESAMLPHP, 'www')) || !existsSync(PHP)) return false;
  const modules = execFileSync(PHP, ['-m'], { encoding: 'utf8' }).split('\n');
  return modules.includes('dom') && modules.includes('mbstring');
};

export const SAML_USERS = {
  alice: {
    password: 'alice saml pass',
    attributes: { uid: ['alice'], mail: ['alice@saml.example'], givenName: ['Alice'], sn: ['Liddell'], displayName: ['Alice Liddell'], groups: ['staff', 'engineers', 'saml-admins'] },
  },
  bob: {
    password: 'bob saml pass',
    attributes: { uid: ['bob'], mail: ['bob@saml.example'], givenName: ['Bob'], sn: ['Builder'], displayName: ['Bob Builder'], groups: ['staff'] },
  },
} as const;

export interface SamlSp {
  entityId: string;
  acsUrl: string;
}

export interface TestSimpleSamlPhp {
  origin: string;
  /** The IdP's entityID (its metadata URL). */
  entityId: string;
  metadataUrl: string;
  /** Its metadata document, as an administrator would download it. */
  metadata(): Promise<string>;
  /** The IdP's signing certificate and key (PEM). */
  certificate: string;
  privateKey: string;
  /** Adds (or replaces) an SP it will answer. */
  addSp(sp: SamlSp): void;
  /** What PHP wrote so far (SimpleSAMLphp logs to stderr). */
  output(): string;
  close(): Promise<void>;
}

const php = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(php).join(', ')}]`;
  if (value && typeof value === 'object') return `[${Object.entries(value).map(([k, v]) => `${php(k)} => ${php(v)}`).join(', ')}]`;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
};

const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

async function answering(url: string, until: number, output: () => string): Promise<void> {
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`SimpleSAMLphp did not answer at ${url}:\n${output()}`);
}

/**
 * `host`: the name the IdP is reached by (it listens on 127.0.0.1 either way). `localhost` puts it on another site
 * than a provider at 127.0.0.1, so the Response's POST to our ACS is cross-site, as with a real corporate IdP.
 */
export async function startSimpleSamlPhp({ sps = [], host = '127.0.0.1' }: { sps?: SamlSp[]; host?: '127.0.0.1' | 'localhost' } = {}): Promise<TestSimpleSamlPhp> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-simplesamlphp-'));
  for (const sub of ['config', 'metadata', 'cert', 'log', 'data', 'tmp', 'sessions']) mkdirSync(join(dir, sub));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'cert', 'idp.key'), '-out', join(dir, 'cert', 'idp.crt'), '-days', '2', '-subj', '/CN=SimpleSAMLphp test IdP'],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const origin = `http://${host}:${port}`;
  const entityId = `${origin}/saml2/idp/metadata.php`;

  const config = {
    baseurlpath: `${origin}/`,
    certdir: join(dir, 'cert'),
    loggingdir: join(dir, 'log'),
    datadir: join(dir, 'data'),
    tempdir: join(dir, 'tmp'),
    metadatadir: join(dir, 'metadata'),
    attributenamemapdir: join(SIMPLESAMLPHP, 'attributemap'),
    timezone: 'UTC',
    secretsalt: 'test-salt-for-persistent-nameids',
    'auth.adminpassword': 'test-admin-password',
    'admin.protectmetadata': false,
    'technicalcontact_name': 'Test',
    'technicalcontact_email': 'test@example.org',
    'enable.saml20-idp': true,
    'module.enable': { exampleauth: true, core: true, saml: true, admin: true },
    'store.type': 'phpsession',
    'session.cookie.secure': false,
    'session.phpsession.savepath': join(dir, 'sessions'),
    'logging.handler': 'stderr',
    'logging.level': 4,
    showerrors: true,
    'trusted.url.domains': ['127.0.0.1', 'localhost'],
    'language.default': 'en',
  };
  writeFileSync(join(dir, 'config', 'config.php'), `<?php\n$config = ${php(config)};\n`);
  // The dictionaries and attribute maps stay Debian's: only the files that name our values are ours.
  const users = Object.fromEntries(Object.entries(SAML_USERS).map(([name, u]) => [`${name}:${u.password}`, u.attributes]));
  writeFileSync(join(dir, 'config', 'authsources.php'), `<?php\n$config = ${php({ admin: ['core:AdminPassword'], 'example-userpass': { 0: 'exampleauth:UserPass', ...users } })};\n`);
  writeFileSync(
    join(dir, 'metadata', 'saml20-idp-hosted.php'),
    `<?php\n$metadata['__DYNAMIC:1__'] = ${php({
      host: '__DEFAULT__',
      privatekey: 'idp.key',
      certificate: 'idp.crt',
      auth: 'example-userpass',
      'signature.algorithm': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      'attributes.NameFormat': 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
      // An opaque, stable NameID per (user, SP), derived from uid with the secret salt.
      authproc: { 10: { class: 'saml:PersistentNameID', attribute: 'uid', NameIDFormat: PERSISTENT } },
    })};\n`,
  );
  const known = new Map<string, SamlSp>();
  const writeSps = () =>
    writeFileSync(
      join(dir, 'metadata', 'saml20-sp-remote.php'),
      `<?php\n${[...known.values()]
        .map((sp) => `$metadata[${php(sp.entityId)}] = ${php({ AssertionConsumerService: sp.acsUrl, NameIDFormat: PERSISTENT, 'saml20.sign.assertion': true })};`)
        .join('\n')}\n`,
    );
  const addSp = (sp: SamlSp) => {
    known.set(sp.entityId, sp);
    writeSps();
  };
  sps.forEach(addSp);
  writeSps();

  let output = '';
  const child: ChildProcess = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', join(SIMPLESAMLPHP, 'www')], {
    env: { PATH: process.env.PATH ?? '', SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await answering(entityId, Date.now() + 20_000, () => output);

  return {
    origin,
    entityId,
    metadataUrl: entityId,
    metadata: async () => (await fetch(entityId)).text(),
    certificate: readFileSync(join(dir, 'cert', 'idp.crt'), 'utf8'),
    privateKey: readFileSync(join(dir, 'cert', 'idp.key'), 'utf8'),
    addSp,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
