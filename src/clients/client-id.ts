/** The id a new client gets, from the command line, the admin API or its own registration. */
import { randomBytes } from 'node:crypto';

/** Hex: 128 bits that never start with '-' (an id like '-x1' would read as an option on a command line). */
export const newClientId = () => randomBytes(16).toString('hex');
