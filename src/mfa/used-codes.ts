/** The replay set: each (account, time step) accepts one code, so a code seen over a shoulder or replayed is refused. */
export interface UsedCodes {
  /** true when this is the first use of the step for the account (now marked used for `ttlSeconds`); false: a replay. */
  claim(sub: string, step: number, ttlSeconds: number): Promise<boolean>;
}
