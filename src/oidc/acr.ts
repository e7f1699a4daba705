/** Protocol vocabulary: the authentication context class references this provider reports in `acr`. */
export const ACR_PASSWORD = 'urn:oidc-op:acr:password';
