import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A mistake in the command line itself; printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The project folder, found upwards from this file (it runs from server/ or from dist/server/). */
export const PROJECT_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('redline: cannot find the project folder (package.json)');
    dir = up;
  }
  return dir;
})();

export const VERSION: string = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
