/**
 * `npm run bench [-- options]`: starts a redis-server of its own and the servers under test, measures each
 * scenario in alternating rounds (median of them), and writes a JSON result file and a table.
 *   --smoke                 a few seconds: one short round of each scenario, ours and the baselines only
 *   --scenario a,b          silent, silent-id-token, interactive, interactive-totp, userinfo, discovery, jwks (default: these);
 *                           interactive-totp's ratio to the password-only flow needs interactive in the same run;
 *                           silent-groups, silent-groups-id-token on request (with silent, silent-id-token for their ratio);
 *                           soak and memory run alone (see soak.ts, memory.ts)
 *   --duration S  --rounds N  --connections C  --sessions N  --users N  --out FILE
 *   --access-token-ttl S    ours issues access tokens living S seconds (soak: shows Redis settle once tokens expire)
 *   --profile               ours and plain oidc-provider run under node --cpu-prof; profiles in bench/results/profiles (see profile-summary.ts)
 *   --against REV           also ours at git revision REV (checked out beside this one), in every scenario ours runs in,
 *                           with the ratio of each: a change's before and after measured in one run
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startTestRedis } from '../test/support/redis-server.js';
import { startDirectory, type DirectoryBench } from './directory.js';
import { interactive, makeSessions, personOf, silent, simpleGet, type Measurement, type RunOptions } from './load.js';
import { measureMemory } from './memory.js';
import { formatTable, median, summarize, type ScenarioResult } from './report.js';
import { soak } from './soak.js';
import { ENTERPRISE_SCOPE, prepareEnterpriseUsers } from './enterprise.js';
import { checkoutRevision } from './revision.js';
import { TOTP_POOL, totpPeople } from './totp-users.js';
import { profiling, startBareKoa, startBaseline, startOurs, type Target } from './targets.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * Unrecorded load of the same scenario before each measured run, so the figures are the servers' steady state. A
 * fresh process spends ~8 s of silent sign-ins at up to twice its steady CPU per sign-in (1 s runs on 2 cores:
 * 1.6-1.9 ms falling to 0.75-0.85) while V8 optimizes, and in two full runs of three ours's first run after 10 s of
 * load was still at 1.01-1.03 ms (0.78-0.93 in its later rounds), after 30 s at 0.84-0.94. A server that idled a
 * minute spent its next 4-8 s at 1.1-1.5 ms. So: FRESH_WARM_UP_S before a server's first run of the benchmark,
 * FIRST_WARM_UP_S before its first run in each later scenario, WARM_UP_S between its rounds.
 */
const FRESH_WARM_UP_S = 30;
const FIRST_WARM_UP_S = 10;
const WARM_UP_S = 2;
const SCENARIOS = ['silent', 'silent-id-token', 'interactive', 'interactive-totp', 'userinfo', 'discovery', 'jwks', 'silent-groups', 'silent-groups-id-token'] as const;
/**
 * Only when named (they start a slapd): interactive flows and silent SSO of directory accounts, ours only. Run them
 * beside their local twins to get the ratios: `--scenario interactive,directory-interactive,silent,directory-silent`.
 */
const DIRECTORY_SCENARIOS = ['directory-interactive', 'directory-silent'] as const;
type Scenario = (typeof SCENARIOS)[number] | (typeof DIRECTORY_SCENARIOS)[number];
/** What runs when no --scenario is given: the enterprise user's scenarios are asked for by name. */
const DEFAULT_SCENARIOS = SCENARIOS.filter((s) => !s.startsWith('silent-groups'));

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '16' },
    sessions: { type: 'string', default: '16' },
    users: { type: 'string', default: '100000' },
    out: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'access-token-ttl': { type: 'string' },
    against: { type: 'string' },
  },
});

const smoke = values.smoke!;
const requested = (values.scenario ?? DEFAULT_SCENARIOS.join(',')).split(',').map((s) => s.trim());
const durationS = Number(values.duration ?? (smoke ? 1 : requested.includes('soak') ? 600 : 5));
const rounds = Number(values.rounds ?? (smoke ? 1 : 5));
const connections = Number(values.connections);
const sessionCount = smoke ? 2 : Number(values.sessions);

if (values.profile) profiling.dir = join(HERE, 'results', 'profiles');
const redisServer = await startTestRedis();
const redis = new Redis(redisServer.url, { lazyConnect: true });
await redis.connect();
const targets: Target[] = [];
let directory: DirectoryBench | undefined;
const revision = values.against ? checkoutRevision(join(HERE, '..'), values.against) : undefined;
const stopAll = async () => {
  await Promise.all(targets.map((t) => t.stop()));
  await directory?.close();
  redis.disconnect();
  await redisServer.close();
  revision?.remove();
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

const meta = {
  date: new Date().toISOString(),
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
  options: { durationS, rounds, connections, sessions: sessionCount, smoke, ...(revision ? { against: revision.commit } : {}) },
  /** The 1, 5 and 15 minute load averages when the run started and ended: how shared the machine was. */
  loadAverage: { start: loadavg().map((l) => Math.round(l * 100) / 100), end: [] as number[] },
};

async function main(): Promise<unknown> {
  if (requested.includes('soak')) {
    const ttl = values['access-token-ttl'];
    const ours = await startOurs('ours', { redisUrl: redisServer.url, extraEnv: ttl ? { TTL_ACCESS_TOKEN: ttl, TTL_ID_TOKEN: ttl } : {} });
    targets.push(ours);
    return { meta, soak: await soak(ours, redis, { durationS, connections }) };
  }
  if (requested.includes('memory')) {
    const ours = await startOurs('ours', { redisUrl: redisServer.url });
    targets.push(ours);
    return { meta, memory: await measureMemory(ours, redisServer.url, redis, Number(values.users)) };
  }
  const known: readonly string[] = [...SCENARIOS, ...DIRECTORY_SCENARIOS];
  const unknown = requested.filter((s) => !known.includes(s));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')} (one of ${[...known, 'soak', 'memory'].join(', ')})`);
  const scenarios = requested as Scenario[];
  if (scenarios.some((s) => (DIRECTORY_SCENARIOS as readonly string[]).includes(s))) directory = await startDirectory(redisServer.url);

  const [ours, baseline, oursEs256, oursWorkers] = await Promise.all([
    startOurs('ours', { redisUrl: redisServer.url }),
    startBaseline('oidc-provider-memory'),
    smoke ? undefined : startOurs('ours-es256', { redisUrl: redisServer.url, alg: 'ES256' }),
    smoke ? undefined : startOurs(`ours-workers-${availableParallelism()}`, { redisUrl: redisServer.url, workers: availableParallelism() }),
  ]);
  targets.push(...[ours, baseline, oursEs256, oursWorkers].filter((t): t is Target => t !== undefined));
  const koa = await startBareKoa(ours);
  targets.push(koa);
  const before = revision ? await startOurs(`ours@${revision.commit}`, { redisUrl: redisServer.url, root: revision.root }) : undefined;
  if (before) targets.push(before);

  // Ours runs next to what its narrowest targets compare it with: plain oidc-provider and the WORKERS server (with
  // --against, the revision takes the WORKERS server's place beside it), the bare Koa handler for the documents;
  // ES256, with room to spare, one run further. The machine's speed moves in phases of tens of seconds, and two
  // sides measured further apart are likelier to fall into different phases.
  const plan: Record<Scenario, (Target | undefined)[]> = {
    silent: [oursEs256, baseline, ours, before, oursWorkers],
    'silent-id-token': [baseline, ours, before],
    interactive: [baseline, ours, before],
    // Ours only: plain oidc-provider has no second factor. Its figure is compared with ours in `interactive`.
    'interactive-totp': [ours, before],
    userinfo: [baseline, ours, before],
    discovery: [baseline, before, ours, koa],
    jwks: [baseline, before, ours, koa],
    // A user with 20 groups and 5 custom claims, against ours's own plain silent SSO of this run (ours only: the
    // baseline has no groups).
    'silent-groups': [ours, before],
    'silent-groups-id-token': [ours, before],
    'directory-interactive': [ours],
    'directory-silent': [ours],
  };
  if (scenarios.some((s) => s.startsWith('silent-groups'))) await prepareEnterpriseUsers(ours, redisServer.url);
  const options: RunOptions = { durationS, connections, redis };
  const measured = new Map<string, Measurement[]>();
  const fresh = new Set(targets);
  // A scenario's rounds run one after another: a server that only one scenario uses (the WORKERS and ES256 ones)
  // would otherwise idle through every other scenario between its rounds and be measured cold.
  for (const scenario of scenarios) {
    for (let round = 0; round < rounds; round++) {
      const order = plan[scenario].filter((t): t is Target => t !== undefined);
      if (round % 2 === 1) order.reverse(); // alternate, so a drifting machine favours no one
      for (const target of order) {
        const warmUpS = smoke ? 0 : fresh.delete(target) ? FRESH_WARM_UP_S : round === 0 ? FIRST_WARM_UP_S : WARM_UP_S;
        const m = await measureOne(scenario, target, options, warmUpS);
        const key = `${scenario}\t${target.name}`;
        measured.set(key, [...(measured.get(key) ?? []), m]);
        process.stderr.write(`round ${round + 1} ${scenario} ${target.name}: ${m.rate}/s p99 ${m.p99} ms errors ${m.errors} cpu ms/op server ${m.serverCpuMs} bench ${m.clientCpuMs}${m.redisPerOp !== undefined ? ` redis ${m.redisCpuMs}, commands/op ${m.redisPerOp}` : ''}${m.firstProblem ? ` first problem: ${m.firstProblem}` : ''}\n`);
      }
    }
  }
  const results: ScenarioResult[] = [...measured.entries()].map(([key, runs]) => {
    const [scenario, target] = key.split('\t') as [string, string];
    return { scenario, target, runs, median: summarize(runs) };
  });
  return { meta, results, ...ratios(results) };
}

/**
 * One measured run after `warmUpS` seconds of the same load. Each run of a silent scenario signs in sessions of its
 * own, so none inherits another's token index (plain oidc-provider rescans its per-grant index on every token), and
 * signs them in after the warm-up: plain oidc-provider's in-memory store keeps its 1,000 most recently used records,
 * and sessions left unused through a warm-up are gone when the run starts.
 */
async function measureOne(scenario: Scenario, target: Target, options: RunOptions, warmUpS: number): Promise<Measurement> {
  if (warmUpS) await (await prepare(scenario, target))({ ...options, durationS: warmUpS });
  return (await prepare(scenario, target))(options);
}

/** A run of the scenario against the target, ready to start: the sessions it needs are signed in. */
async function prepare(scenario: Scenario, target: Target): Promise<(options: RunOptions) => Promise<Measurement>> {
  switch (scenario) {
    case 'silent':
    case 'silent-id-token': {
      const { cookies } = await makeSessions(target, sessionCount);
      return (options) => silent(target, cookies, scenario === 'silent' ? 'id_token token' : 'id_token', options);
    }
    case 'silent-groups':
    case 'silent-groups-id-token': {
      // Only ours knows groups; a revision from before them (--against) answers without the scope.
      const { cookies } = await makeSessions(target, sessionCount, ENTERPRISE_SCOPE);
      return (options) => silent(target, cookies, scenario === 'silent-groups' ? 'id_token token' : 'id_token', options, ENTERPRISE_SCOPE);
    }
    case 'interactive':
      return (options) => interactive(target, options);
    case 'directory-interactive':
      return (options) => interactive(target, options, (connection) => personOf(connection, directory!.people));
    case 'directory-silent': {
      const { cookies } = await makeSessions(target, sessionCount, undefined, directory!.people);
      return (options) => silent(target, cookies, 'id_token token', options);
    }
    case 'interactive-totp': {
      const next = await totpPeople(redis, smoke ? 500 : TOTP_POOL);
      return (options) => interactive(target, options, () => next());
    }
    case 'userinfo': {
      const { accessToken } = await makeSessions(target, 1);
      return (options) => simpleGet(target, '/me', '"sub"', options, { authorization: `Bearer ${accessToken}` });
    }
    case 'discovery':
      return (options) => simpleGet(target, '/.well-known/openid-configuration', '"issuer"', options);
    case 'jwks':
      return (options) => simpleGet(target, '/jwks', '"keys"', options);
  }
}

/**
 * Each figure in each round, and their median as the headline. A ratio is taken within a round, where both sides
 * were measured back to back, so a machine whose speed drifts between rounds moves both sides of each alike.
 */
function ratios(results: ScenarioResult[]): { ratios: Record<string, number>; rounds: Record<string, number[]> } {
  const runsOf = (scenario: string, prefix: string, exact = false) => results.find((r) => r.scenario === scenario && (exact ? r.target === prefix : r.target.startsWith(prefix)))?.runs;
  const ours = (s: string) => runsOf(s, 'ours', true);
  const rounds: Record<string, number[]> = {};
  const per = (name: string, values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (known.length) rounds[name] = known.map((v) => Math.round(v * 100) / 100);
  };
  const ratio = (name: string, a: Measurement[] | undefined, b: Measurement[] | undefined, pick: (m: Measurement) => number | undefined = (m) => m.rate) => {
    if (a && b) per(name, a.map((m, i) => (b[i] && pick(b[i]!) ? pick(m)! / pick(b[i]!)! : undefined)));
  };
  ratio('silent: ours / oidc-provider memory (target >= 0.9)', ours('silent'), runsOf('silent', 'oidc-provider'));
  ratio('silent: p99 ours / oidc-provider memory (target <= 1.2)', ours('silent'), runsOf('silent', 'oidc-provider'), (m) => m.p99);
  ratio('silent-id-token: ours / oidc-provider memory', ours('silent-id-token'), runsOf('silent-id-token', 'oidc-provider'));
  ratio('silent: ES256 / RS256, ours (target >= 1.2)', runsOf('silent', 'ours-es256'), ours('silent'));
  ratio('silent: WORKERS / one process, ours (target >= 1.25)', runsOf('silent', 'ours-workers'), ours('silent'));
  ratio('userinfo: ours / oidc-provider memory (target >= 0.9)', ours('userinfo'), runsOf('userinfo', 'oidc-provider'));
  per('userinfo: Redis commands per request, ours (target <= 1)', ours('userinfo')?.map((m) => m.redisPerOp) ?? []);
  ratio('discovery: ours / bare Koa (target >= 0.8)', ours('discovery'), runsOf('discovery', 'bare-koa'));
  ratio('jwks: ours / bare Koa (target >= 0.8)', ours('jwks'), runsOf('jwks', 'bare-koa'));
  per('silent: Redis commands per authorization, ours (target <= 8)', ours('silent')?.map((m) => m.redisPerOp) ?? []);
  ratio('silent-groups: 20 groups + 5 claims / plain user, ours (target >= 0.9)', ours('silent-groups'), ours('silent'));
  ratio('silent-groups-id-token: 20 groups + 5 claims / plain user, ours (target >= 0.9)', ours('silent-groups-id-token'), ours('silent-id-token'));
  ratio('silent-groups: Redis commands per authorization, 20 groups / plain user (target <= 1)', ours('silent-groups'), ours('silent'), (m) => m.redisPerOp);
  for (const scenario of SCENARIOS) {
    ratio(`${scenario}: ours / ours at ${revision?.commit} (--against)`, ours(scenario), runsOf(scenario, 'ours@'));
  }
  per('interactive: flows/s, ours (target >= 60)', ours('interactive')?.map((m) => m.rate) ?? []);
  per('directory-interactive: flows/s, ours (target >= 60)', ours('directory-interactive')?.map((m) => m.rate) ?? []);
  ratio('directory-interactive / interactive (argon2id), ours (target >= 1.0)', ours('directory-interactive'), ours('interactive'));
  ratio('directory-silent / silent (local user), ours (target >= 1.0)', ours('directory-silent'), ours('silent'));
  per('interactive-totp: flows/s, ours (target >= 60)', ours('interactive-totp')?.map((m) => m.rate) ?? []);
  ratio('interactive-totp: ours / ours interactive, password only (target >= 0.9)', ours('interactive-totp'), ours('interactive'));
  const medians = Object.fromEntries(Object.entries(rounds).map(([name, values]) => [name, Math.round(median(values) * 100) / 100]));
  return { ratios: medians, rounds };
}

try {
  const result = await main();
  meta.loadAverage.end = loadavg().map((l) => Math.round(l * 100) / 100);
  const out = values.out ?? join(HERE, 'results', `${meta.date.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${formatTable(result)}\nload average at start ${meta.loadAverage.start.join(' ')}, at end ${meta.loadAverage.end.join(' ')}\nresult: ${out}\n`);
} finally {
  await stopAll();
}
