/** A wait in words a person can plan with: "42 seconds" or "5 minutes". */
import type { Locale } from './i18n.js';

export function waitText(locale: Locale, seconds: number): string {
  if (seconds === 1) return locale.t('wait.second');
  return seconds < 120 ? locale.t('wait.seconds', { n: seconds }) : locale.t('wait.minutes', { n: Math.ceil(seconds / 60) });
}
