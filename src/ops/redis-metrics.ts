/**
 * Redis command latency and errors, measured in this process around every command the client sends (the
 * way OpenTelemetry's ioredis instrumentation does): no extra round trip, nothing asked of the server.
 * Every authorization sends several commands, so the per-command work is kept small: the label set of each
 * command name is made once, and a sent command is marked on itself rather than tracked in a set.
 */
import { seriesOf, type Metrics } from './metrics.js';
import type { RedisClient } from '../storage/redis.js';

interface SentCommand {
  name: string;
  promise: Promise<unknown>;
}

const SENT = Symbol('measured');
type Marked = SentCommand & { [SENT]?: true };

// Commands the client forms itself (a Lua script by name, a MULTI's parts) get their own label; anything
// else stays what Redis calls it, a closed set.
const commandLabel = (name: string) => (/^[a-z][a-z_|-]{0,31}$/i.test(name) ? name.toLowerCase() : 'other');

export function observeRedis(client: RedisClient, metrics: Metrics): void {
  const labels = new Map<string, { command: string }>();
  const labelsOf = (name: string) => {
    let set = labels.get(name);
    if (!set) labels.set(name, (set = { command: commandLabel(name) }));
    return set;
  };
  const latency = seriesOf(metrics.redisCommands);
  const send = client.sendCommand.bind(client) as (command: Marked, ...rest: unknown[]) => unknown;
  (client as unknown as { sendCommand: typeof send }).sendCommand = (command, ...rest) => {
    // Cluster re-sends a redirected command through here: measure it once, from its first send.
    if (!command[SENT]) {
      command[SENT] = true;
      const set = labelsOf(command.name);
      const series = latency(set.command, set);
      const started = performance.now();
      command.promise.then(
        () => series.observe((performance.now() - started) / 1000),
        () => {
          series.observe((performance.now() - started) / 1000);
          metrics.redisErrors.inc(set);
        },
      );
    }
    return send(command, ...rest);
  };
  client.on('error', () => metrics.redisErrors.inc({ command: 'connection' }));
}
