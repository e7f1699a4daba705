/**
 * The network `docker compose up` gives a project, made of Linux network namespaces: one per service (its own
 * loopback and an eth0 on a bridge, other services reachable by their names), and one standing for the machine
 * that runs compose (the bridge's other side; published ports listen there, and the browser runs there). Nothing
 * is added to the host's own network, so the compose file's real ports and names are used without clashing
 * with anything, and two rehearsals can run at once. Needs root (`ip netns`).
 *
 * `ip netns exec <ns>` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts, which is how each namespace gets the
 * name resolution Docker's embedded DNS would give.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Teardown } from './teardown.js';

const SUBNET = '10.89.0'; // private to this network's namespaces: the machine's own routes never see it

export interface ComposeNetwork {
  /** The namespace standing for the machine that runs compose. */
  readonly host: string;
  namespace(service: string): string;
  address(service: string): string;
  /** An executable script that runs `executable` with its arguments inside the host namespace. */
  wrap(executable: string, dir: string): string;
}

const ip = (...args: string[]) => promisify(execFile)('ip', args);

function hostsFile(ns: string, lines: string[]): void {
  mkdirSync(join('/etc/netns', ns), { recursive: true });
  writeFileSync(join('/etc/netns', ns, 'hosts'), `${['127.0.0.1\tlocalhost', '::1\tlocalhost', ...lines].join('\n')}\n`);
}

export async function composeNetwork(services: string[], teardown: Teardown): Promise<ComposeNetwork> {
  if (process.getuid?.() !== 0) throw new Error('the compose rehearsal needs root: it creates network namespaces (`ip netns add`)');
  const id = `oidc-op-${randomBytes(4).toString('hex')}`;
  const host = `${id}-host`;
  const known = (service: string) => {
    if (!services.includes(service)) throw new Error(`no service ${service} on this network`);
    return service;
  };
  const namespace = (service: string) => `${id}-${known(service)}`;
  const address = (service: string) => `${SUBNET}.${services.indexOf(known(service)) + 2}`;

  const add = async (ns: string) => {
    await ip('netns', 'add', ns);
    teardown.add(async () => {
      await ip('netns', 'delete', ns);
      rmSync(join('/etc/netns', ns), { recursive: true, force: true });
    });
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  };

  await add(host);
  hostsFile(host, []);
  await ip('-n', host, 'link', 'add', 'br0', 'type', 'bridge');
  await ip('-n', host, 'addr', 'add', `${SUBNET}.1/24`, 'dev', 'br0');
  await ip('-n', host, 'link', 'set', 'br0', 'up');

  const names = services.map((s) => `${address(s)}\t${s}`);
  for (const [i, service] of services.entries()) {
    const ns = namespace(service);
    await add(ns);
    hostsFile(ns, names);
    await ip('-n', host, 'link', 'add', `veth${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    await ip('-n', host, 'link', 'set', `veth${i}`, 'master', 'br0', 'up');
    await ip('-n', ns, 'addr', 'add', `${address(service)}/24`, 'dev', 'eth0');
    await ip('-n', ns, 'link', 'set', 'eth0', 'up');
  }

  return {
    host,
    namespace,
    address,
    wrap(executable, dir) {
      const script = join(dir, `${host}-${executable.split('/').at(-1)}`);
      writeFileSync(script, `#!/bin/sh\nexec ip netns exec ${host} ${executable} "$@"\n`);
      chmodSync(script, 0o755);
      return script;
    },
  };
}
