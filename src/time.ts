/** The current time as JWT and oidc-provider's records count it: whole seconds since the Unix epoch. */
export const epochSeconds = (): number => Math.floor(Date.now() / 1000);
