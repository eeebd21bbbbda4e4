import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleUploads } from '../../server/http/uploads.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';

const dir = tempDir('redline-uploads-');
afterAll(dir.remove);

describe('upload folders left by a killed process', () => {
  it('are removed at start-up when an hour old; a fresh upload and other files are left alone', async () => {
    const old = join(dir.path, 'upload-old');
    const fresh = join(dir.path, 'upload-fresh');
    const other = join(dir.path, 'keep-me');
    for (const d of [old, fresh, other]) {
      mkdirSync(d);
      writeFileSync(join(d, 'licences.zip'), 'x');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    utimesSync(other, twoHoursAgo, twoHoursAgo);
    expect(await removeStaleUploads(dir.path)).toBe(1);
    expect([existsSync(old), existsSync(fresh), existsSync(other)]).toEqual([false, true, true]);
    expect(await removeStaleUploads(join(dir.path, 'nowhere'))).toBe(0);
  });
});
