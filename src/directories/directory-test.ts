/**
 * `directory test`: one sign-in against one directory, nothing written, each step with its time (connect, search,
 * DN found, bind, attributes, groups) and the claims as they would be issued. For the administrator setting it up.
 */
import type { DirectoryRecord } from './directory-record.js';
import { LdapConnections } from './ldap-connections.js';
import { searchThenBind } from './search-then-bind.js';

export interface TestStep {
  step: string;
  ok: boolean;
  /** Milliseconds since the step before. */
  ms: number;
  detail?: string;
}

export type TestReport = { steps: TestStep[] } & (
  | { outcome: 'success'; dn: string; claims: Record<string, string>; groups: string[] }
  | { outcome: 'refused'; state: string }
  | { outcome: 'invalid' | 'unavailable'; reason: string }
);

export async function testDirectory(directory: DirectoryRecord, username: string, password: string): Promise<TestReport> {
  const steps: TestStep[] = [];
  let last = process.hrtime.bigint();
  const log = (step: string, ok: boolean, detail?: string) => {
    const now = process.hrtime.bigint();
    steps.push({ step, ok, ms: Math.round(Number(now - last) / 1e4) / 100, ...(detail === undefined ? {} : { detail }) });
    last = now;
  };
  // Its own connections, closed after: the test never leaves a socket behind nor uses the server's pool.
  const connections = new LdapConnections();
  try {
    // Only this directory, the name as typed.
    const result = await searchThenBind(connections, [{ ...directory, domains: [] }], username, password, log);
    if (result.kind === 'success') return { steps, outcome: 'success', dn: result.account.dn, claims: { ...result.account.claims, sub: result.account.id }, groups: result.account.groups };
    if (result.kind === 'state') return { steps, outcome: 'refused', state: result.state };
    return { steps, outcome: result.kind, reason: result.reason };
  } finally {
    await connections.close();
  }
}
