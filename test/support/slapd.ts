/**
 * A real OpenLDAP slapd (Debian's) for one test file: cn=config in a temp dir, on free loopback ports (ldap:// with
 * StartTLS and ldaps://, a CA made here with openssl), loaded with a test tree through ldapadd. `kind: 'ad'` loads
 * the Active Directory attribute subset (msuser schema: sAMAccountName, binary objectGUID, userAccountControl…).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const SERVICE_PASSWORD = 'reader-secret';
export const USER_PASSWORD = 'directory pass 1';

export interface TestSlapd {
  url: string;
  ldapsUrl: string;
  /** The CA certificate (PEM file) the server's certificate is signed by. */
  caFile: string;
  baseDn: string;
  bindDn: string;
  /** Runs ldapmodify as the directory's manager with this LDIF. */
  modify(ldif: string): void;
  /** SIGSTOP: connections stay open and nothing answers. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SlapdOptions {
  kind?: 'openldap' | 'ad';
}

const ROOT_PW = 'manager-secret';

function certificates(dir: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=Test Directory CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1');
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext);
  return { ca, cert, key };
}

function configLdif(dir: string, kind: 'openldap' | 'ad', baseDn: string, tls: { ca: string; cert: string; key: string }): string {
  const schemas = kind === 'ad' ? ['core', 'cosine', 'inetorgperson', 'nis', 'msuser'] : ['core', 'cosine', 'inetorgperson', 'nis'];
  const overlays =
    kind === 'openldap'
      ? `
dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf

dn: olcOverlay={1}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {1}ppolicy
olcPPolicyDefault: cn=default,ou=policies,${baseDn}
olcPPolicyUseLockout: TRUE
`
      : '';
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid
olcTLSCACertificateFile: ${tls.ca}
olcTLSCertificateFile: ${tls.cert}
olcTLSCertificateKeyFile: ${tls.key}

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
${kind === 'openldap' ? 'olcModuleLoad: ppolicy\nolcModuleLoad: memberof\n' : ''}
dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${schemas.map((s) => `include: file://${s === 'msuser' ? `${dir}/msuser.ldif` : `/etc/ldap/schema/${s}.ldif`}`).join('\n\n')}

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: 500

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${baseDn}
olcRootDN: cn=manager,${baseDn}
olcRootPW: ${ROOT_PW}
olcDbDirectory: ${dir}/data
olcDbMaxSize: 16777216
olcAccess: to attrs=userPassword by self write by anonymous auth by * none
olcAccess: to * by users read by * none
${overlays}`;
}

/** Debian's msuser schema gives sAMAccountName and userPrincipalName no equality rule: a filter on them never matches. */
function searchableMsUser(): string {
  return readFileSync('/etc/ldap/schema/msuser.ldif', 'utf8').replace(
    /(NAME '(?:sAMAccountName|userPrincipalName)'\n)/g,
    '$1  EQUALITY caseIgnoreMatch\n',
  );
}

const OPENLDAP_TREE = (b: string) => `dn: ${b}
objectClass: dcObject
objectClass: organization
dc: corp
o: Corp

dn: cn=reader,${b}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: ${SERVICE_PASSWORD}

dn: ou=policies,${b}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,${b}
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 50

dn: cn=expiring,ou=policies,${b}
objectClass: organizationalRole
objectClass: pwdPolicy
cn: expiring
pwdAttribute: userPassword
pwdMaxAge: 86400

dn: ou=people,${b}
objectClass: organizationalUnit
ou: people

${[
  ['alice', 'Alice', 'Liddell', 'Alice Liddell'],
  ['bob', 'Bob', 'Builder', 'Bob Builder'],
  ['lockedlarry', 'Larry', 'Locked', 'Larry Locked'],
  ['resetrita', 'Rita', 'Reset', 'Rita Reset'],
  ['expiredeve', 'Eve', 'Expired', 'Eve Expired', 'expiring'],
  ['freshfred', 'Fred', 'Fresh', 'Fred Fresh', 'expiring'],
  ['oldoscar', 'Oscar', 'Old', 'Oscar Old'],
]
  .map(
    ([uid, given, sn, name, policy]) => `dn: uid=${uid},ou=people,${b}
${policy ? `pwdPolicySubentry: cn=${policy},ou=policies,${b}\n` : ''}objectClass: inetOrgPerson
uid: ${uid}
cn: ${name}
displayName: ${name}
givenName: ${given}
sn: ${sn}
mail: ${uid}@corp.example
userPassword: ${USER_PASSWORD}
`,
  )
  .join('\n')}
dn: ou=groups,${b}
objectClass: organizationalUnit
ou: groups

dn: cn=engineers,ou=groups,${b}
objectClass: groupOfNames
cn: engineers
member: uid=alice,ou=people,${b}

dn: cn=staff,ou=groups,${b}
objectClass: groupOfNames
cn: staff
member: uid=alice,ou=people,${b}
member: uid=bob,ou=people,${b}
member: cn=engineers,ou=groups,${b}

dn: cn=unix,ou=groups,${b}
objectClass: posixGroup
cn: unix
gidNumber: 5000
memberUid: alice
`;

/** A canonical GUID string → AD's binary objectGUID (the first three groups little-endian). */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

/** Now as an AD FILETIME (100-ns intervals since 1601). */
const filetimeNow = () => String(116444736000000000n + BigInt(Date.now()) * 10000n);

/** The domain's lockout duration: 30 minutes (AD stores it negative, in 100-ns intervals). */
export const AD_LOCKOUT_DURATION = '-18000000000';

export const AD_USERS = {
  carol: { guid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', uac: 512, pwdLastSet: '133000000000000000' },
  dave: { guid: '11111111-2222-3333-4444-555555555555', uac: 514, pwdLastSet: '133000000000000000' },
  erin: { guid: '22222222-3333-4444-5555-666666666666', uac: 512, pwdLastSet: '0' },
  // Locked just now: within the domain's lockout duration.
  frank: { guid: '33333333-4444-5555-6666-777777777777', uac: 512, pwdLastSet: '133000000000000000', lockoutTime: filetimeNow() },
  // Locked in 2022: the lockout duration has long passed (AD leaves lockoutTime set until the next sign-in).
  gina: { guid: '44444444-5555-6666-7777-888888888888', uac: 512, pwdLastSet: '133000000000000000', lockoutTime: '133000000000000000' },
} as const;

const AD_TREE = (b: string) => `dn: ${b}
objectClass: dcObject
objectClass: organization
objectClass: extensibleObject
dc: ad
o: AD
lockoutDuration: ${AD_LOCKOUT_DURATION}

dn: cn=reader,${b}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: ${SERVICE_PASSWORD}

dn: cn=Users,${b}
objectClass: organizationalRole
cn: Users

${Object.entries(AD_USERS)
  .map(
    ([name, u]) => `dn: cn=${name},cn=Users,${b}
objectClass: user
objectClass: extensibleObject
cn: ${name}
instanceType: 4
objectCategory: cn=Person,${b}
nTSecurityDescriptor:: AQAEgA==
sAMAccountName: ${name}
userPrincipalName: ${name}@ad.example
objectGUID:: ${guidBytes(u.guid).toString('base64')}
userAccountControl: ${u.uac}
pwdLastSet: ${u.pwdLastSet}
${'lockoutTime' in u ? `lockoutTime: ${u.lockoutTime}\n` : ''}displayName: ${name[0]!.toUpperCase()}${name.slice(1)} AD
givenName: ${name[0]!.toUpperCase()}${name.slice(1)}
sn: AD
mail: ${name}@ad.example
memberOf: CN=Domain Users,cn=Users,${b}
memberOf: CN=Sales,cn=Users,${b}
userPassword: ${USER_PASSWORD}
`,
  )
  .join('\n')}`;

async function listening(port: number, until: number): Promise<void> {
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not listen on ${port}`);
}

export async function startSlapd({ kind = 'openldap' }: SlapdOptions = {}): Promise<TestSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-slapd-'));
  const config = join(dir, 'config');
  mkdirSync(config);
  mkdirSync(join(dir, 'data'));
  const baseDn = kind === 'ad' ? 'dc=ad,dc=example' : 'dc=corp,dc=example';
  const tls = certificates(dir);
  if (kind === 'ad') writeFileSync(join(dir, 'msuser.ldif'), searchableMsUser());
  writeFileSync(join(dir, 'config.ldif'), configLdif(dir, kind, baseDn, tls));
  execFileSync('slapadd', ['-n', '0', '-F', config, '-l', join(dir, 'config.ldif')], { stdio: 'pipe' });
  const [port, tlsPort] = [await freePort(), await freePort()];
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('slapd', ['-d', '0', '-h', `${url}/ ${ldapsUrl}/`, '-F', config], { stdio: 'ignore' });
    await listening(port, Date.now() + 15_000);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  const manager = ['-x', '-H', url, '-D', `cn=manager,${baseDn}`, '-w', ROOT_PW];
  const modify = (ldif: string) => void execFileSync('ldapmodify', [...manager, '-c'], { input: ldif, stdio: ['pipe', 'ignore', 'pipe'] });
  execFileSync('ldapadd', manager, { input: kind === 'ad' ? AD_TREE(baseDn) : OPENLDAP_TREE(baseDn), stdio: ['pipe', 'ignore', 'pipe'] });
  // ppolicy's states are operational attributes: the manager sets them (a permanent lock, a reset password, a
  // password last changed long before its policy's pwdMaxAge).
  if (kind === 'openldap') {
    execFileSync('ldapmodify', [...manager, '-e', 'relax'], {
      input: `dn: uid=lockedlarry,ou=people,${baseDn}\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n\ndn: uid=resetrita,ou=people,${baseDn}\nchangetype: modify\nadd: pwdReset\npwdReset: TRUE\n\ndn: uid=expiredeve,ou=people,${baseDn}\nchangetype: modify\nreplace: pwdChangedTime\npwdChangedTime: 20200101000000Z\n\ndn: uid=oldoscar,ou=people,${baseDn}\nchangetype: modify\nreplace: pwdChangedTime\npwdChangedTime: 20200101000000Z\n`,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  }
  return {
    url,
    ldapsUrl,
    caFile: tls.ca,
    baseDn,
    bindDn: `cn=reader,${baseDn}`,
    modify,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
