/**
 * The assertion replay set: an assertion ID is accepted once per IdP, remembered until the assertion could no longer
 * be accepted anyway (its NotOnOrAfter plus the clock skew), so a copied SAMLResponse posted again is refused.
 */
export interface AssertionReplay {
  /** true on the first sight of this assertion (now remembered for `ttlSeconds`); false: a replay. */
  claim(idp: string, assertionId: string, ttlSeconds: number): Promise<boolean>;
}
