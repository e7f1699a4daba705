/**
 * `npx tsx bench/record-codec.ts`: the CPU the compact Session and Grant records cost per silent authorization,
 * against the plain JSON they replace. The silent path reads one session and one grant and writes neither (the
 * unchanged-session check compares the payloads as JSON, as before). Median of 7 runs of 100,000 operations each.
 */
import { grantIn } from '../src/storage/account-grants.js';
import { decode, encode, GRANT, SESSION } from '../src/storage/compact-records.js';

const epoch = Math.floor(Date.now() / 1000);
const id = (c: string) => c.repeat(43);
const accountId = 'be0c4be0c4be0c4be0c4be0c4be0c400';
const grantId = `AbCdEfGh.${'g'.repeat(34)}`;
const session = {
  iat: epoch, exp: epoch + 1209600, uid: id('u'), accountId, loginTs: epoch, amr: ['pwd'], acr: 'urn:oidc-op:acr:password', transient: true,
  kind: 'Session', jti: id('s'), authorizations: { 'bench-spa': { sid: id('d'), grantId } },
};
const grant = { iat: epoch, exp: epoch + 1209600, accountId, clientId: 'bench-spa', kind: 'Grant', jti: grantId, openid: { scope: 'openid email' } };
const sessionJson = JSON.stringify(session);
const grantJson = JSON.stringify(grant);
const sessionCompact = encode(SESSION, session.jti, session as never);
const grantRecord = `${grantId} ${encode(GRANT, grantId, grant as never)}`;

function measure(name: string, op: () => unknown): number {
  const runs: number[] = [];
  let sink: unknown;
  for (let r = 0; r < 7; r++) {
    const n = 100_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = op();
    runs.push(Number(process.hrtime.bigint() - t0) / n / 1000);
  }
  runs.sort((a, b) => a - b);
  const median = runs[3]!;
  if (sink === undefined) throw new Error(`${name} returned nothing`);
  console.log(`${name.padEnd(58)} ${median.toFixed(3)} µs`);
  return median;
}

const before = measure('before: session JSON.parse', () => JSON.parse(sessionJson)) + measure('before: grant JSON.parse', () => JSON.parse(grantJson));
const after =
  measure('now: session decode', () => decode(SESSION, session.jti, sessionCompact)) +
  measure("now: grant found in its account's record and decoded", () => grantIn(grantRecord, grantId));
measure('(writes, not on the silent path) session encode', () => encode(SESSION, session.jti, session as never));
measure('(writes, not on the silent path) session JSON.stringify', () => JSON.stringify(session));
console.log(`per silent authorization: before ${before.toFixed(2)} µs, now ${after.toFixed(2)} µs, difference ${(after - before).toFixed(2)} µs`);
