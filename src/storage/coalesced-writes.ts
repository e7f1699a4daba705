/**
 * Commands made in one turn of the event loop leave in one write(2). ioredis writes each command to the socket as
 * it is made, and on loopback every write runs the kernel's whole TCP send and receive path (and wakes Redis) for a
 * few dozen bytes: on the sign-in paths that cost more CPU than the commands themselves. Here the connection's
 * socket is corked at its first write of a turn and uncorked once that turn's I/O callbacks have run (setImmediate),
 * so the commands of every request served in that turn go out together. Unlike ioredis's auto-pipelining, no
 * command waits for another batch's replies, and no pipeline object is built.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Socket } from 'node:net';

const COALESCING = Symbol('coalescing');
type Coalesced = Socket & { [COALESCING]?: true };

function coalesce(socket: Coalesced): void {
  if (socket[COALESCING]) return;
  socket[COALESCING] = true;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write;
  socket.write = function (this: Socket, ...args: unknown[]) {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Socket['write'];
}

/** Every connection the client makes (each reconnection is a new socket), and for a Cluster, every node's. */
export function coalesceWrites(client: Redis | Cluster): void {
  const onConnection = (redis: Redis) => redis.on('connect', () => coalesce((redis as unknown as { stream: Coalesced }).stream));
  if (client.isCluster) (client as Cluster).on('+node', onConnection);
  else onConnection(client as Redis);
}
