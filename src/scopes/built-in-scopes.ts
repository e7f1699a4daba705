/** Scopes the provider always offers beyond the standard ones: `groups`, which releases the user's group names. */
import { GROUPS_CLAIM, GROUPS_OVERAGE_CLAIM, GROUPS_SCOPE } from '../oidc/claim-names.js';
import type { ScopeConfig } from '../config/scope-schema.js';

export const BUILT_IN_SCOPES: readonly ScopeConfig[] = [
  {
    id: GROUPS_SCOPE,
    name: { en: 'Your groups', 'zh-CN': '您所在的组' },
    description: { en: 'The names of the groups {user} belongs to.', 'zh-CN': '{user} 所属各组的名称。' },
    claims: [GROUPS_CLAIM, GROUPS_OVERAGE_CLAIM],
  },
];
