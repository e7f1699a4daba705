/**
 * Redis command latency and errors, measured in this process around every command the client sends (the
 * way OpenTelemetry's ioredis instrumentation does): no extra round trip, nothing asked of the server.
 */
import type { Metrics } from './metrics.js';
import type { RedisClient } from '../storage/redis.js';

interface SentCommand {
  name: string;
  promise: Promise<unknown>;
}

// Commands the client forms itself (a Lua script by name, a MULTI's parts) get their own label; anything
// else stays what Redis calls it, a closed set.
const label = (name: string) => (/^[a-z][a-z_|-]{0,31}$/i.test(name) ? name.toLowerCase() : 'other');

export function observeRedis(client: RedisClient, metrics: Metrics): void {
  const seen = new WeakSet<SentCommand>();
  const send = client.sendCommand.bind(client) as (command: SentCommand, ...rest: unknown[]) => unknown;
  (client as unknown as { sendCommand: typeof send }).sendCommand = (command, ...rest) => {
    // Cluster re-sends a redirected command through here: measure it once, from its first send.
    if (!seen.has(command)) {
      seen.add(command);
      const command_ = label(command.name);
      const end = metrics.redisCommands.startTimer({ command: command_ });
      command.promise.then(
        () => end(),
        () => {
          end();
          metrics.redisErrors.inc({ command: command_ });
        },
      );
    }
    return send(command, ...rest);
  };
  client.on('error', () => metrics.redisErrors.inc({ command: 'connection' }));
}
