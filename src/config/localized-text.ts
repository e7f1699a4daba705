/**
 * A text config files give in one language for all, or per language (en required, as the fallback): scope names,
 * product name, footer labels.
 */
import { z } from 'zod';

export const localizedText = (max: number) =>
  z.union([
    z.string().trim().min(1).max(max),
    z.object({ en: z.string().trim().min(1).max(max), 'zh-CN': z.string().trim().min(1).max(max).optional() }).strict(),
  ]);
export type LocalizedText = z.infer<ReturnType<typeof localizedText>>;
