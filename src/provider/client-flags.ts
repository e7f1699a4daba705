/** Client settings of ours beside the registered metadata (oidc-provider's extraClientMetadata). */
export const CLIENT_FLAGS = ['first_party', 'always_select_account'] as const;
export type ClientFlag = (typeof CLIENT_FLAGS)[number];

/** oidc-provider keeps extra metadata on the client under its own (snake_case) name. */
export const clientFlag = (client: object | undefined, flag: ClientFlag): boolean =>
  (client as Record<string, unknown> | undefined)?.[flag] === true;
