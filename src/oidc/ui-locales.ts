/** Protocol vocabulary: the languages our pages speak, as `ui_locales` tags (OIDC Core 3.1.2.1). */
export const UI_LOCALES = ['en', 'zh-CN'] as const;
