/**
 * A real Samba Active Directory domain controller (Debian's `samba`) for one test file: provisioned into a temp dir,
 * run in a network namespace of its own (its LDAP on 389 there, reached over a veth pair from here, never on the
 * host's ports), with test users and nested groups made by samba-tool. Needs root (`ip netns`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Teardown } from './teardown.js';

const run = promisify(execFile);

export const SAMBA_ADMIN_PASSWORD = 'Adm1n-Passw0rd!';
export const SAMBA_USER_PASSWORD = 'Directory-Pass-1';

export interface TestSamba {
  url: string;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
  /** samba-tool against the running domain controller's database. */
  tool(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Why a Samba domain controller cannot run here, or undefined when it can. */
export function sambaUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (ip netns)';
  if (!existsSync('/usr/sbin/samba') || !existsSync('/usr/bin/samba-tool')) return 'Debian\'s samba is not installed';
  return undefined;
}

async function listening(host: string, port: number, until: number): Promise<void> {
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`samba did not listen on ${host}:${port}`);
}

export async function startSamba(): Promise<TestSamba> {
  const teardown = new Teardown();
  const dir = mkdtempSync(join(tmpdir(), 'oidc-op-samba-'));
  teardown.add(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await run('samba-tool', ['domain', 'provision', '--realm=AD.EXAMPLE', '--domain=AD', '--server-role=dc', '--dns-backend=NONE', `--adminpass=${SAMBA_ADMIN_PASSWORD}`, `--targetdir=${dir}`, '--host-name=dc1', '--option=interfaces=eth0', '--option=bind interfaces only=yes'], { cwd: dir });
    const conf = join(dir, 'etc', 'smb.conf');
    // Only the services the tests use (winbindd is not installed), and simple binds over plain LDAP inside the namespace.
    writeFileSync(
      conf,
      readFileSync(conf, 'utf8')
        .replace(/^\tserver services = .*$/m, '\tserver services = rpc, ldap, cldap, kdc\n\tldap server require strong auth = no')
        .replace(/^\tlog file = .*$/m, `\tlog file = ${dir}/log.%m`),
    );
    const tool = async (...args: string[]) => (await run('samba-tool', [...args, '-s', conf], { cwd: dir })).stdout;

    const id = Math.floor(Math.random() * 250) + 1;
    const ns = `oidc-op-samba-${process.pid}-${id}`;
    const veth = `vsmb${process.pid % 100000}`;
    const [here, there] = [`10.78.${id}.1`, `10.78.${id}.2`];
    await run('ip', ['netns', 'add', ns]);
    teardown.add(() => run('ip', ['netns', 'delete', ns]));
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    teardown.add(() => run('ip', ['link', 'delete', veth]).catch(() => undefined));
    await run('ip', ['addr', 'add', `${here}/30`, 'dev', veth]);
    await run('ip', ['link', 'set', veth, 'up']);
    await run('ip', ['-n', ns, 'addr', 'add', `${there}/30`, 'dev', 'eth0']);
    await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);

    // Users and groups first, into the database samba will serve.
    for (const name of ['carol', 'dave', 'erin', 'frank']) {
      await tool('user', 'create', name, SAMBA_USER_PASSWORD, `--mail-address=${name}@ad.example`, `--given-name=${name[0]!.toUpperCase()}${name.slice(1)}`, '--surname=Samba', ...(name === 'erin' ? ['--must-change-at-next-login'] : []));
    }
    await tool('user', 'disable', 'dave');
    await tool('group', 'add', 'Engineers');
    await tool('group', 'add', 'Staff');
    await tool('group', 'addmembers', 'Engineers', 'carol,frank');
    // Nested: Engineers is a member of Staff, so carol is in Staff only through the chain.
    await tool('group', 'addmembers', 'Staff', 'Engineers');
    await tool('domain', 'passwordsettings', 'set', '--account-lockout-threshold=3', '--account-lockout-duration=30', '--reset-account-lockout-after=30');

    const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, 'samba', '-i', '-s', conf], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    teardown.add(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      // samba's own children (prefork workers) live in the namespace: end them before it goes.
      const pids = (await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
    await listening(there, 389, Date.now() + 60_000);
    return {
      url: `ldap://${there}`,
      baseDn: 'DC=ad,DC=example',
      bindDn: 'CN=Administrator,CN=Users,DC=ad,DC=example',
      bindPassword: SAMBA_ADMIN_PASSWORD,
      tool,
      close: () => teardown.run(),
    };
  } catch (err) {
    await teardown.run().catch(() => undefined);
    throw err;
  }
}
