/**
 * Silent SSO on ONE session for a long time: throughput, the server's memory and Redis's memory sampled every
 * 10 s must stay flat (an index that only grows shows as falling throughput and rising memory).
 */
import type { Redis } from 'ioredis';
import autocannon from 'autocannon';
import { CLIENT, REDIRECT_URI } from './fixture.js';
import { headerOf, makeSessions } from './load.js';
import type { Target } from './targets.js';

interface Sample {
  atS: number;
  rate: number;
  rssMiB: number;
  redisMiB: number;
  redisKeys: number;
}

async function redisUsed(redis: Redis): Promise<{ mib: number; keys: number }> {
  const info = await redis.info('memory');
  const used = Number(info.match(/^used_memory:(\d+)/m)?.[1] ?? 0);
  return { mib: Math.round((used / 1048576) * 10) / 10, keys: await redis.dbsize() };
}

export async function soak(target: Target, redis: Redis, options: { durationS: number; connections: number }) {
  const { cookies } = await makeSessions(target, 1);
  const cookie = cookies[0]!;
  const base = `/auth?${new URLSearchParams({ client_id: CLIENT.client_id, response_type: 'id_token token', scope: 'openid', redirect_uri: REDIRECT_URI, prompt: 'none' })}`;
  let n = 0;
  let ok = 0;
  let bad = 0;
  const samples: Sample[] = [];
  const started = Date.now();
  let lastOk = 0;
  const every = 10_000;
  const timer = setInterval(() => {
    const rate = (ok - lastOk) / (every / 1000);
    lastOk = ok;
    void redisUsed(redis).then(({ mib, keys }) => {
      samples.push({ atS: Math.round((Date.now() - started) / 1000), rate, rssMiB: Math.round(target.rss() / 1048576), redisMiB: mib, redisKeys: keys });
      process.stderr.write(`soak ${samples.at(-1)!.atS}s: ${rate}/s rss ${samples.at(-1)!.rssMiB} MiB redis ${mib} MiB ${keys} keys\n`);
    });
  }, every);
  await new Promise<void>((resolve, reject) => {
    autocannon(
      {
        url: target.origin,
        connections: options.connections,
        duration: options.durationS,
        requests: [
          {
            setupRequest: (request, context) => {
              (context as { state: string }).state = `s${++n}`;
              return { ...request, method: 'GET', path: `${base}&nonce=n${n}&state=s${n}`, headers: { cookie } };
            },
            onResponse: (status, _body, context, headers) => {
              const location = headerOf(headers, 'location') ?? '';
              if (status === 302 && location.startsWith(`${REDIRECT_URI}#`) && location.includes(`state=${(context as { state: string }).state}`) && location.includes('id_token=')) ok++;
              else bad++;
            },
          },
        ],
      },
      (err) => (err ? reject(err) : resolve()),
    );
  });
  clearInterval(timer);
  // Medians of each half: one busy neighbour on a shared machine moves a 10 s sample, not a half.
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const half = Math.floor(samples.length / 2);
  const halves = [samples.slice(0, half), samples.slice(half)].map((part) => ({
    rate: median(part.map((s) => s.rate)),
    rssMiB: median(part.map((s) => s.rssMiB)),
    redisMiB: part.at(-1)?.redisMiB,
    redisKeys: part.at(-1)?.redisKeys,
  }));
  return {
    durationS: options.durationS,
    authorizations: ok,
    errors: bad,
    firstHalf: halves[0],
    secondHalf: halves[1],
    rateRatio: halves[0]!.rate ? Math.round((halves[1]!.rate / halves[0]!.rate) * 100) / 100 : undefined,
    rssRatio: halves[0]!.rssMiB ? Math.round((halves[1]!.rssMiB / halves[0]!.rssMiB) * 100) / 100 : undefined,
    samples,
  };
}
