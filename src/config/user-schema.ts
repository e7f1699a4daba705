/**
 * A user as the demo file declares it: subject, username, password, claims and role. The schema lives in config/,
 * the bottom layer that validates files, because Settings carries these users to the layers above that seed them.
 */
import { z } from 'zod';
import { subSchema } from '../oidc/subject.js';

export const userConfigSchema = z
  .object({
    sub: subSchema,
    username: z.string().min(1).max(128),
    password: z.string().min(1),
    claims: z.record(z.string(), z.unknown()).default({}),
    /** admin: may use the web console (/admin). */
    role: z.enum(['user', 'admin']).optional(),
  })
  .strict();
export type UserConfig = z.infer<typeof userConfigSchema>;
