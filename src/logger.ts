/** pino, with the fields that could carry credentials redacted wherever they appear. */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'client_secret',
  '*.client_secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'access_token',
  'id_token',
  '*.access_token',
  '*.id_token',
];

/**
 * Lines are gathered up to BATCH_BYTES and written with one write(2), on this thread: a write per request line
 * (pino's default) cost a syscall each, and pino's asynchronous writes wait for the libuv pool behind argon2 and
 * signing. FLUSH_MS bounds how long a line waits in the batch on a quiet server.
 */
const BATCH_BYTES = 4096;
const FLUSH_MS = 200;

/**
 * Logs to stdout, or to `destination` (tests read what would be written). Whatever is still in the batch is
 * written when the process exits, through process.exit (a stop, a failed start) or an uncaught exception.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  const stdout = pino.destination({ dest: 1, sync: true, minLength: BATCH_BYTES, periodicFlush: FLUSH_MS });
  process.on('exit', () => stdout.flushSync());
  return pino(options, stdout);
}
