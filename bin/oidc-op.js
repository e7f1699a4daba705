#!/usr/bin/env node
// The installed `oidc-op` command: runs the TypeScript command line through tsx, as `npm start` runs the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
