/**
 * oidc-op: the administrator's command line. It talks to the same Redis as the server (REDIS_URL) through
 * the same registry and user store, so what it writes is live at once; without Redis settings it hands the command to
 * the in-memory development server (cli/forward.ts), which runs it the same way. With --json every command prints
 * exactly one JSON object on stdout; errors go to stderr with a non-zero exit, and nothing is changed.
 */
import { loadSettings } from '../config/settings.js';
import { openStores } from '../stores.js';
import { execute, type Runner } from './execute.js';
import { forward } from './forward.js';

const runner =
  (argv: string[]): Runner =>
  async ({ command, action, args, values }) => {
    const settings = loadSettings();
    if (!settings.redis) return forward(argv, settings.cliTokenFile);
    const stores = await openStores(settings, 'oidc-op-cli');
    try {
      return await command.run({ stores, settings, action, args, values });
    } finally {
      await stores.close();
    }
  };

const argv = process.argv.slice(2);
const printed = await execute(argv, runner(argv));
process.stdout.write(printed.stdout);
process.stderr.write(printed.stderr);
process.exitCode = printed.exitCode;
