/** Protocol vocabulary: the authentication context class references this provider reports in `acr`. */
export const ACR_PASSWORD = 'urn:oidc-op:acr:password';
/** Signed in through an upstream identity provider (OpenID Connect or SAML): its own methods are its business. */
export const ACR_FEDERATED = 'urn:oidc-op:acr:federated';
/** Two factors (a password and a one-time code, or a user-verifying passkey): NIST SP 800-63B AAL2. */
export const ACR_MFA = 'urn:oidc-op:acr:mfa';

/** Every ACR we may report, weakest first: discovery's acr_values_supported. */
export const ACR_VALUES = [ACR_PASSWORD, ACR_FEDERATED, ACR_MFA] as const;

/** The ID token claims that say how the user signed in, released with `openid` to every client. */
export const SIGN_IN_CLAIMS = ['acr', 'amr'] as const;
