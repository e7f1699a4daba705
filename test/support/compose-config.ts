/**
 * docker-compose.yml as `docker-compose config` resolves it (Debian's docker-compose validates and interpolates
 * without a container engine), with .env.example as the .env and a clean environment: what the files say, not
 * what the host has set.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'yaml';

export interface ComposeService {
  build?: { context: string; target?: string; dockerfile?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string | null>;
  ports?: { published: number | string; target: number }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  volumes?: string[];
  stop_grace_period?: string;
  init?: boolean;
  restart?: string;
}

export interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export async function composeConfig(root: string): Promise<ComposeConfig> {
  const { stdout } = await promisify(execFile)('docker-compose', ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '' },
  });
  return parse(stdout) as ComposeConfig;
}
