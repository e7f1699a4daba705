/**
 * The rule a subject identifier (`sub`) meets, wherever a user comes from: the admin API, the command line, an
 * import, the configuration. OpenID Connect Core 2 caps it at 255 ASCII characters; printable and without spaces
 * here, so it is safe in logs, Redis keys and URLs.
 */
import { z } from 'zod';

export const SUB_RULE = 'printable ASCII without spaces (1 to 255)';

export const subSchema = z.string({ error: SUB_RULE }).regex(/^[\x21-\x7E]{1,255}$/, SUB_RULE);
