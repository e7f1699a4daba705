/** Protocol vocabulary: the standard OpenID Connect scopes and the claims each one releases (OIDC Core 5.4). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: [
    'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
} as const satisfies Record<string, readonly string[]>;

export type StandardScope = keyof typeof SCOPE_CLAIMS;
export const STANDARD_SCOPES = Object.keys(SCOPE_CLAIMS) as StandardScope[];
export const STANDARD_CLAIMS: ReadonlySet<string> = new Set(Object.values(SCOPE_CLAIMS).flat());

/** Claims that say how the sign-in happened rather than who the user is: never dropped (oidc-provider's own list). */
export const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss']);

