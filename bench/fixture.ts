/**
 * The client and users every benchmarked server serves: bench/config/demo.json, read by both ours and the baselines.
 * Sixteen users, one per connection: sixteen people signing in, not one person signing in thousands of times (whose
 * every new grant would join one ever longer index entry of ours, a cost no real account builds up).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_CONFIG = join(dirname(fileURLToPath(import.meta.url)), 'config');

interface Demo {
  clients: { client_id: string; redirect_uris: string[]; response_types: string[] }[];
  users: { sub: string; username: string; password: string; claims: Record<string, unknown> }[];
}

const demo = JSON.parse(readFileSync(join(BENCH_CONFIG, 'demo.json'), 'utf8')) as Demo;
export const CLIENT = demo.clients[0]!;
export const USERS = demo.users;
export const REDIRECT_URI = CLIENT.redirect_uris[0]!;
