/** The assertion replay set on Redis: one SET NX EX per accepted assertion, under a hash of its ID (bounded keys). */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../../storage/redis.js';
import type { AssertionReplay } from './replay.js';

export const replayKey = (idp: string, assertionId: string): string =>
  `saml:assertion:{${createHash('sha256').update(idp).update('\n').update(assertionId).digest('base64url')}}`;

export class RedisAssertionReplay implements AssertionReplay {
  constructor(private readonly redis: RedisClient) {}

  async claim(idp: string, assertionId: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(replayKey(idp, assertionId), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK';
  }
}
