/** The generated references: each file under docs/reference/ and the function that renders it. */
import { cliReference } from './cli.js';
import { configurationReference } from './configuration.js';

export const REFERENCES: readonly { path: string; render: () => string }[] = [
  { path: 'docs/reference/configuration.md', render: configurationReference },
  { path: 'docs/reference/cli.md', render: cliReference },
];
