/** The command groups of the command line, in the order the manual lists them. */
import { adminToken } from './admin-token.js';
import { audit } from './audit.js';
import { client } from './client.js';
import type { Command } from './command.js';
import { directory } from './directory.js';
import { exportData } from './export.js';
import { group } from './group.js';
import { idp } from './idp.js';
import { importData } from './import.js';
import { keys } from './keys.js';
import { registrationToken } from './registration-token.js';
import { scope } from './scope.js';
import { settings } from './settings.js';
import { user } from './user.js';

export const COMMANDS: readonly Command[] = [client, user, audit, adminToken, registrationToken, scope, keys, exportData, importData, settings, group, directory, idp];

export const commandNamed = (name: string | undefined): Command | undefined => COMMANDS.find((command) => command.name === name);
