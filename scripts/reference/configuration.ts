/** Renders docs/reference/configuration.md from the documentation the environment and runtime settings carry on their schemas. */
import { envSchema } from '../../src/config/env.js';
import { referenceRows, type ReferenceRow } from '../../src/config/setting-doc.js';
import { settingsReference, type SettingReference } from '../../src/settings/provider-settings.js';
import { GENERATED } from './generated.js';

const code = (text: string) => `\`${text}\``;

function variable(row: ReferenceRow): string {
  const lines = [`#### ${code(row.name)}`, '', row.description, '', `- Type: ${row.type}`];
  lines.push(`- Default: ${row.default === undefined ? 'not set' : /^[\w./:$-]+$/.test(row.default) ? code(row.default) : row.default}`);
  if (row.example !== undefined) lines.push(`- Example: ${code(`${row.name}=${row.example}`)}`);
  return lines.join('\n');
}

function setting(row: SettingReference): string {
  const fallback = 'value' in row.default ? code(row.default.value) : `the value of ${code(row.default.variable)}`;
  return [`### ${code(row.key)}`, '', row.description, '', `- Type: ${row.type}`, `- Default: ${fallback}`, `- Example: ${code(`npx oidc-op settings set ${row.key} ${row.example}`)}`].join('\n');
}

export function configurationReference(): string {
  const rows = referenceRows(envSchema.shape);
  const groups = [...new Set(rows.map((row) => row.group))];
  return `# Configuration reference

${GENERATED('src/config/env.ts and src/settings/provider-settings.ts')}

Every setting, with its type, default and an example. [Configuration](../configuration.md) is the guide: how the
settings fit together, the files in \`config/\`, keys and branding.

## Environment variables

Read once at start-up by \`src/config/\`; a bad value stops start-up with a message naming the variable. An empty
variable counts as unset. \`.env.example\` lists the same variables.

${groups.map((group) => `### ${group}\n\n${rows.filter((row) => row.group === group).map(variable).join('\n\n')}`).join('\n\n')}

## Runtime settings

Changed while the provider runs, without a restart: \`npx oidc-op settings set KEY VALUE\`, \`PUT /admin/api/settings/{key}\`
or the web console. A setting set overrides its environment variable; every instance follows within
\`SETTINGS_REFRESH_MS\`.

${settingsReference().map(setting).join('\n\n')}
`;
}
