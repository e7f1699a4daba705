/**
 * The directory scenarios' setup: a real slapd (test/support/slapd.ts) holding one directory account per benchmark
 * person, defined in ours' store with the command line as an operator would. Its people sign in by their plain
 * directory names (no local account holds them), so each flow goes through the search-then-bind.
 */
import { jsonOf, runCli } from '../test/support/cli.js';
import { SERVICE_PASSWORD, startSlapd, type TestSlapd } from '../test/support/slapd.js';
import { USERS } from './fixture.js';

export interface DirectoryBench {
  people: { username: string; password: string }[];
  slapd: TestSlapd;
  close(): Promise<void>;
}

const PASSWORD = 'bench directory password';

export async function startDirectory(redisUrl: string): Promise<DirectoryBench> {
  const slapd = await startSlapd();
  const people = USERS.map((_, i) => ({ username: `ldapuser${i}`, password: PASSWORD }));
  slapd.modify(
    people
      .map((p) => `dn: uid=${p.username},ou=people,${slapd.baseDn}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: ${p.username}\ncn: Bench ${p.username}\nsn: Bench\nmail: ${p.username}@corp.example\nuserPassword: ${p.password}\n`)
      .join('\n'),
  );
  const created = await runCli(
    ['directory', 'create', 'bench', '--url', slapd.url, '--bind-dn', slapd.bindDn, '--bind-password-stdin', '--user-base', `ou=people,${slapd.baseDn}`, '--group-base', `ou=groups,${slapd.baseDn}`, '--json'],
    { REDIS_URL: redisUrl },
    `${SERVICE_PASSWORD}\n`,
  );
  if (created.code !== 0) throw new Error(`directory create failed: ${created.stderr}`);
  jsonOf(created);
  return { people, slapd, close: () => slapd.close() };
}
