/**
 * The ID token algorithms this provider signs: the values ID_TOKEN_SIGNING_ALG and a client's
 * id_token_signed_response_alg may take (a key for each is generated; a configured JWKS may hold fewer).
 */
export const SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
