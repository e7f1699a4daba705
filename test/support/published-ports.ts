/**
 * What docker-proxy does for a compose file's `ports:`: listens on the published port (every address, IPv4 and
 * IPv6, as `"3000:3000"` does) and forwards each connection to the service's address and target port. Run as a
 * script inside the namespace standing for the machine that runs compose:
 * `node --import tsx published-ports.ts 3000=10.89.0.3:3000 4000=10.89.0.4:4000`; prints `published` once all listen.
 */
import { connect, createServer } from 'node:net';

const forwards = process.argv.slice(2).map((arg) => {
  const m = arg.match(/^(\d+)=([\d.]+):(\d+)$/);
  if (!m) throw new Error(`expected published=address:target, got ${arg}`);
  return { published: Number(m[1]), host: m[2]!, port: Number(m[3]) };
});

await Promise.all(
  forwards.map(
    ({ published, host, port }) =>
      new Promise<void>((resolve, reject) => {
        const server = createServer((client) => {
          const upstream = connect({ host, port });
          client.pipe(upstream).pipe(client);
          // A refused or reset upstream closes the client's connection, as the proxy does.
          upstream.on('error', () => client.destroy());
          client.on('error', () => upstream.destroy());
        });
        server.once('error', reject);
        server.listen(published, () => resolve());
      }),
  ),
);
process.stdout.write('published\n');
process.on('SIGTERM', () => process.exit(0));
