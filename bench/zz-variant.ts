import { startTestRedis } from '../test/support/redis-server.js';
import { makeSessions, silent } from './load.js';
import { startOurs, startBaseline, type Target } from './targets.js';
const rs = await startTestRedis();
const roots = (process.env.ROOTS ?? '/tmp/variant').split(',');
const targets: Target[] = [await startOurs('ours', { redisUrl: rs.url }), ...(await Promise.all(roots.map((root, i) => startOurs(`v${i}`, { redisUrl: rs.url, root }))))];
if (process.env.PLAIN) targets.push(await startBaseline('oidc-provider-memory'));
const opts = { connections: 16 } as any;
for (const t of targets) { const s = await makeSessions(t, 16); await silent(t, s.cookies, 'id_token token', { ...opts, durationS: 30 }); }
const rows: Record<string, string[]> = {};
for (let round = 0; round < Number(process.env.ROUNDS ?? 6); round++) {
  const order = round % 2 ? [...targets].reverse() : targets;
  for (const t of order) {
    const s = await makeSessions(t, 16);
    await silent(t, s.cookies, 'id_token token', { ...opts, durationS: 2 });
    const c0 = t.cpuSeconds();
    const m = await silent(t, s.cookies, 'id_token token', { ...opts, durationS: 5 });
    const cpu = ((t.cpuSeconds() - c0) * 1000) / m.operations;
    (rows[t.name] ??= []).push(`${m.rate}/${m.p99}/${cpu.toFixed(2)}`);
    console.log(round, t.name, m.rate, 'p50', m.p50, 'p99', m.p99, 'cpu', cpu.toFixed(3), 'err', m.errors);
  }
}
for (const [k, v] of Object.entries(rows)) console.log(k, v.join('  '));
for (const t of targets) await t.stop();
process.exit(0);
