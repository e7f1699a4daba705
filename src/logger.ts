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

/** Logs to stdout, or to `destination` (tests read what would be written). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
