/**
 * GET a URL a client registered (its logo) without letting it reach inside our network: the host name is
 * resolved once, every address it resolves to must be public (http/public-address.ts), and the connection goes
 * to an address so checked, so a DNS answer that changes between check and connect (rebinding) cannot slip
 * through. No redirects, a time limit and a size limit.
 */
import { AppError } from '../errors.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './public-address.js';

export interface FetchedBody {
  contentType: string;
  body: Buffer;
}

export interface PublicFetchOptions {
  allowLoopback: boolean;
  timeoutMs: number;
  maxBytes: number;
}

export class NotPublicError extends AppError {
  override name = 'NotPublicError';

  constructor(message: string) {
    super('forbidden', message);
  }
}

/** net.connect's lookup: resolves, refuses unless every address is public, hands over only checked addresses. */
export function publicLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !isPublicAddress(a.address, { allowLoopback }));
      if (refused || !addresses.length) {
        return callback(new NotPublicError(`${hostname} resolves to ${refused?.address ?? 'nothing'}: not a public address`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** The body of a 200 response, or undefined for anything else (refused address, error status, too big, too slow). */
export async function fetchPublic(uri: string, { allowLoopback, timeoutMs, maxBytes }: PublicFetchOptions): Promise<FetchedBody | undefined> {
  const url = URL.parse(uri);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
  // An address literal is connected to without a lookup: check it here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host, { allowLoopback })) return undefined;
  const get = url.protocol === 'https:' ? httpsGet : httpGet;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      get(url, { lookup: publicLookup(allowLoopback), signal, headers: { accept: 'image/*' } }, resolve).once('error', reject);
    });
    const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (response.statusCode !== 200 || Number(response.headers['content-length'] ?? 0) > maxBytes) {
      response.destroy();
      return undefined;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
    return { contentType, body: Buffer.concat(chunks) };
  } catch {
    return undefined; // unreachable, refused, too slow
  }
}
