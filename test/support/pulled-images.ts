/**
 * The images the compose file pulls rather than builds, stood in for by the host's Debian packages: the
 * programs are Debian's, the image's configuration (working directory, users, what its entrypoint does before
 * the command) is taken from the image and written down here. An image not listed is an error.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Image, ImageUser } from './image-build.js';

export interface PulledImage extends Image {
  /** What the image's entrypoint does with the command: the command it finally runs, as whom, and the paths it
   * gives that user first. */
  entrypoint(argv: string[]): { argv: string[]; user: ImageUser; owns: string[] };
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const IMAGES: Record<string, (root: string) => PulledImage> = {
  // redis:7-bookworm: WORKDIR /data, no USER; docker-entrypoint.sh gives /data to the redis user (999) and runs
  // redis-server as that user. The image compiles protected mode off (Debian's redis-server has it on, which
  // would refuse the provider's connection from another address): said on the command line instead.
  'redis:7-bookworm': (root) => {
    const users = { root: { uid: 0, gid: 0 }, redis: { uid: 999, gid: 999 } };
    return {
      root,
      workdir: '/data',
      env: { PATH },
      user: users.root,
      users,
      cmd: ['redis-server'],
      exposed: ['6379'],
      entrypoint: (argv) =>
        argv[0] === 'redis-server'
          ? { argv: [...argv, '--protected-mode', 'no'], user: users.redis, owns: ['/data'] }
          : { argv, user: users.root, owns: [] },
    };
  },
};

export function pulledImage(reference: string, dir: string): PulledImage {
  const image = IMAGES[reference];
  if (!image) throw new Error(`the rehearsal has no stand-in for the image ${reference}: add one to pulled-images.ts`);
  const root = join(dir, reference.replace(/[^\w.-]/g, '_'));
  mkdirSync(root, { recursive: true });
  return image(root);
}
