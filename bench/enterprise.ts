/**
 * The enterprise user of the silent-groups scenarios: each benchmark user in 20 groups with 5 custom claims, and an
 * `employee` scope releasing those claims, written to ours's Redis through the same stores the command line uses.
 */
import { loadSettings } from '../src/config/settings.js';
import { openStores } from '../src/stores.js';
import type { Target } from './targets.js';
import { BENCH_CONFIG, USERS } from './fixture.js';

export const GROUPS_PER_USER = 20;
export const ENTERPRISE_SCOPE = 'openid email groups employee';
const CLAIMS = { employee_number: 1042, department: 'Research', cost_centers: ['A1', 'B2'], 'https://example.com/claims/site': 'Oxford', on_site: true };

/** Writes the groups, memberships, claims and scope once; resolves when `target` lists the scope in discovery. */
export async function prepareEnterpriseUsers(target: Target, redisUrl: string): Promise<void> {
  const stores = await openStores(loadSettings({ NODE_ENV: 'test', REDIS_URL: redisUrl, CONFIG_DIR: BENCH_CONFIG, DEMO: 'true', LOG_LEVEL: 'silent' }));
  try {
    const names = Array.from({ length: GROUPS_PER_USER }, (_, i) => `Department ${String(i + 1).padStart(2, '0')}`);
    const existing = new Set((await stores.groups.list()).map((g) => g.name));
    for (const name of names) if (!existing.has(name)) await stores.groups.create({ name });
    for (const user of USERS) await stores.users.update(user.username, { groups: names, claims: CLAIMS });
    if (!(await stores.scopes.list()).some((s) => s.id === 'employee')) {
      await stores.scopes.create({ id: 'employee', name: 'Employee record', description: 'Your employee number and department', claims: Object.keys(CLAIMS) });
    }
  } finally {
    await stores.close();
  }
  // The server picks the new scope up on its next settings poll: ready once discovery lists it.
  for (let attempt = 0; attempt < 300; attempt++) {
    const discovery = (await (await fetch(`${target.origin}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
    if (discovery.scopes_supported.includes('employee')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the employee scope never reached discovery');
}
