/**
 * A directory as configuration: where it is (URLs tried in turn), how we search it (service account, bases,
 * filters), how we trust it (StartTLS, CA), its kind (OpenLDAP or Active Directory) and its attribute-to-claim map.
 * The bind password is write-only: it never leaves in a view.
 */
import { z } from 'zod';
import { claimNameProblem } from '../oidc/claim-names.js';

export const DIRECTORY_KINDS = ['openldap', 'active-directory'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

export interface DirectoryRecord {
  name: string;
  kind: DirectoryKind;
  /** ldap:// or ldaps:// URLs, tried in this order (failover). */
  urls: string[];
  bindDn: string;
  /** Kept sealed at rest when KEYS_ENCRYPTION_KEY is set (bind-password-seal.ts). */
  bindPassword: string;
  userBase: string;
  /** With `{username}` where the escaped sign-in name goes. */
  userFilter?: string | undefined;
  groupBase?: string | undefined;
  /** With `{dn}` (the user's DN) and `{username}`, escaped. */
  groupFilter?: string | undefined;
  startTls: boolean;
  /** PEM of the CA(s) the server's certificate must chain to; the system's CAs when absent. */
  ca?: string | undefined;
  /** Other names a sign-in name may carry to pick this directory: `alice@corp.example`, `CORP\alice`. */
  domains: string[];
  /** claim → attribute, over the kind's defaults; an empty attribute drops the claim. */
  claimMap: Record<string, string>;
  /** Position among the directories a plain sign-in name falls through (lowest first). */
  order: number;
  connectTimeoutMs: number;
  timeoutMs: number;
  /**
   * OpenLDAP: the password max age (seconds) for entries that name no `pwdPolicySubentry` (the ppolicy overlay's
   * default policy lives in cn=config, which the service account cannot read). Absent or 0: they never expire here.
   */
  passwordMaxAgeSeconds?: number | undefined;
  createdAt: string;
  updatedAt: string;
}

/** What leaves the store for display: the bind password only as whether one is set. */
export type DirectoryView = Omit<DirectoryRecord, 'bindPassword'> & { bindPasswordSet: boolean };

export const toDirectoryView = ({ bindPassword, ...rest }: DirectoryRecord): DirectoryView => ({ ...rest, bindPasswordSet: bindPassword.length > 0 });

export const DEFAULT_FILTERS: Record<DirectoryKind, { user: string; group: string }> = {
  openldap: {
    user: '(&(objectClass=inetOrgPerson)(uid={username}))',
    group: '(|(&(objectClass=groupOfNames)(member={dn}))(&(objectClass=groupOfUniqueNames)(uniqueMember={dn}))(&(objectClass=posixGroup)(memberUid={username})))',
  },
  'active-directory': {
    user: '(&(objectClass=user)(sAMAccountName={username}))',
    // Nested groups: LDAP_MATCHING_RULE_IN_CHAIN walks the whole membership chain on the domain controller.
    group: '(&(objectClass=group)(member:1.2.840.113556.1.4.1941:={dn}))',
  },
};

/** The attribute each claim comes from, per kind (the first attribute present wins). */
export const DEFAULT_CLAIM_MAP: Record<DirectoryKind, Record<string, string[]>> = {
  openldap: { email: ['mail'], name: ['displayName', 'cn'], given_name: ['givenName'], family_name: ['sn'], preferred_username: ['uid'] },
  'active-directory': {
    email: ['mail', 'userPrincipalName'],
    name: ['displayName', 'cn'],
    given_name: ['givenName'],
    family_name: ['sn'],
    preferred_username: ['sAMAccountName'],
  },
};

export const NAME_RULE = 'a name of letters, digits, . _ - (1 to 64), starting with a letter or digit';
const nameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, `name: ${NAME_RULE}`);
const dn = (field: string) => z.string().trim().min(1, `${field}: required`).max(1024, `${field}: at most 1024 characters`).refine((v) => !/[\0\r\n]/.test(v), `${field}: no control characters`);
const filter = (field: string, placeholder: string) =>
  z
    .string()
    .trim()
    .max(2048, `${field}: at most 2048 characters`)
    .refine((v) => v.startsWith('(') && v.endsWith(')'), `${field}: an LDAP filter in parentheses`)
    .refine((v) => v.includes(placeholder), `${field}: must contain ${placeholder}`);
const urlSchema = z
  .string()
  .max(512, 'url: at most 512 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'ldap:' || u.protocol === 'ldaps:') && u.hostname !== '' && (u.pathname === '' || u.pathname === '/') && !u.search && !u.username;
    } catch {
      return false;
    }
  }, 'url: ldap://host[:port] or ldaps://host[:port]');

export const directoryInputSchema = z
  .object({
    name: nameSchema,
    kind: z.enum(DIRECTORY_KINDS, { error: `kind: one of ${DIRECTORY_KINDS.join(', ')}` }).default('openldap'),
    urls: z.array(urlSchema, { error: 'urls: a list of ldap:// or ldaps:// URLs' }).min(1, 'urls: at least one').max(8, 'urls: at most 8'),
    bindDn: dn('bindDn'),
    bindPassword: z.string({ error: 'bindPassword: required' }).min(1, 'bindPassword: required').max(1024, 'bindPassword: at most 1024 characters'),
    userBase: dn('userBase'),
    userFilter: filter('userFilter', '{username}').optional(),
    groupBase: dn('groupBase').optional(),
    groupFilter: filter('groupFilter', '{').optional(),
    startTls: z.boolean({ error: 'startTls: true or false' }).default(false),
    ca: z
      .string()
      .max(65536, 'ca: at most 64 KiB of PEM')
      .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'ca: PEM certificates (-----BEGIN CERTIFICATE-----)')
      .optional(),
    domains: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'domains: DNS or NetBIOS names'))
      .max(16, 'domains: at most 16')
      .default([]),
    claimMap: z
      .record(z.string(), z.string().regex(/^([A-Za-z][A-Za-z0-9-]{0,63})?$/, 'claimMap: attribute names'))
      .default({})
      .superRefine((map, ctx) => {
        for (const claim of Object.keys(map)) {
          if (claim === 'sub') ctx.addIssue({ code: 'custom', message: 'claimMap.sub: the subject comes from the directory\'s immutable id, not an attribute' });
          else {
            // A standard claim or a custom one (employee_number, https://example.com/claims/cost_center); never a protocol claim.
            const problem = claimNameProblem(claim);
            if (problem) ctx.addIssue({ code: 'custom', message: `claimMap.${claim}: ${problem}` });
          }
        }
      }),
    order: z.number({ error: 'order: a number' }).int('order: a whole number').min(0).max(1000).default(100),
    connectTimeoutMs: z.number({ error: 'connectTimeoutMs: milliseconds' }).int().min(100, 'connectTimeoutMs: at least 100').max(60_000, 'connectTimeoutMs: at most 60000').default(3000),
    timeoutMs: z.number({ error: 'timeoutMs: milliseconds' }).int().min(100, 'timeoutMs: at least 100').max(60_000, 'timeoutMs: at most 60000').default(5000),
    passwordMaxAgeSeconds: z
      .number({ error: 'passwordMaxAgeSeconds: seconds' })
      .int('passwordMaxAgeSeconds: a whole number of seconds')
      .min(0, 'passwordMaxAgeSeconds: 0 (never) or more')
      .max(100 * 365 * 86400, 'passwordMaxAgeSeconds: at most 100 years')
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.startTls && d.urls.some((u) => u.startsWith('ldaps:'))) ctx.addIssue({ code: 'custom', message: 'startTls: only with ldap:// URLs (ldaps:// is TLS already)' });
  });

export type DirectoryInput = z.input<typeof directoryInputSchema>;

/** The user filter in force: the configured one, or the kind's default. */
export const userFilterOf = (d: Pick<DirectoryRecord, 'kind' | 'userFilter'>) => d.userFilter || DEFAULT_FILTERS[d.kind].user;
export const groupFilterOf = (d: Pick<DirectoryRecord, 'kind' | 'groupFilter'>) => d.groupFilter || DEFAULT_FILTERS[d.kind].group;
