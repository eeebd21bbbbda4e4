/**
 * Fixtures for tests: the committed sample county, freshly generated counties in temp dirs, and
 * reference exit areas from a private PostGIS when one is installed.
 *
 *   const { dir, summary } = makeCounty({ licences: 20, redlineVertices: 3000 });
 *   const ref = await postgisExitAreas(dir);   // null without PostGIS: skip the comparison
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCounty, type CountyOptions, type CountySummary } from '../../scripts/lib/county.ts';
import { usualExitAreas } from '../../scripts/lib/exit-sql.ts';
import { startPostgis } from '../../scripts/lib/postgis.ts';

export const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'sample');

/** The committed sample's summary (counts, traps with their GEOS exit areas, per-licence areas). */
export function sampleSummary(): Omit<CountySummary, 'seconds'> {
  return JSON.parse(fs.readFileSync(path.join(SAMPLE_DIR, 'county.json'), 'utf8')) as Omit<CountySummary, 'seconds'>;
}

const made = new Map<string, { dir: string; summary: CountySummary }>();

/** A generated county in a temp dir; same options in one process → same dir, generated once. */
export function makeCounty(opts: Partial<CountyOptions> = {}): { dir: string; summary: CountySummary } {
  const full: CountyOptions = {
    licences: 20, redlineVertices: 3000, reserveVertices: 1500, seed: 1, reserveBlocks: true, ...opts,
  };
  const key = JSON.stringify(full);
  const cached = made.get(key);
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-county-'));
  const result = { dir, summary: generateCounty(dir, full) };
  made.set(key, result);
  return result;
}

/**
 * Exit area per licence number (m², GK plane) from PostGIS's ST_Intersection/ST_Union over
 * redline.shp and nature_reserve.shp of `dir`, or null when PostGIS is not installed.
 */
export async function postgisExitAreas(dir: string): Promise<Map<string, number> | null> {
  const pg = await startPostgis();
  if (!pg) return null;
  try {
    for (const t of ['licences', 'redline', 'nature_reserve']) await pg.load(path.join(dir, `${t}.shp`), t, 'EPSG:4527');
    return (await usualExitAreas(pg, { licences: 'licences', idColumn: '许可证号' }, ['redline', 'nature_reserve'])).areas;
  } finally {
    await pg.stop();
  }
}
