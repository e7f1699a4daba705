/** Renders docs/reference/cli.md from the command definitions: each block is what the command line itself prints. */
import { COMMANDS } from '../../src/cli/commands/index.js';
import { helpOf, manual } from '../../src/cli/help.js';
import { GENERATED } from './generated.js';

const block = (text: string) => `\`\`\`text\n${text}\n\`\`\``;

export function cliReference(): string {
  const commands = COMMANDS.map((command) => {
    const actions = Object.keys(command.actions ?? {}).map(
      (action) => `### \`${command.name} ${action}\`\n\n\`npx oidc-op ${command.name} ${action} --help\`:\n\n${block(helpOf(command, action))}`,
    );
    return [`## \`${command.name}\``, `\`npx oidc-op help ${command.name}\` or \`npx oidc-op ${command.name} --help\`:`, block(helpOf(command, undefined)), ...actions].join('\n\n');
  });
  return `# Command-line reference

${GENERATED('src/cli/commands/*.ts and src/cli/help.ts')}

Every command of \`oidc-op\`, as its own help prints it. [The command line](../cli.md) is the guide: how to run it,
examples, and what it shares with the server.

## All commands

\`npx oidc-op help\`, \`npx oidc-op --help\` or \`npx oidc-op\` alone:

${block(manual())}

${commands.join('\n\n')}
`;
}
