import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real files written by GDAL's ogr2ogr for the tests: what a bureau's ArcGIS or QGIS export
 * would hold, including GBK attributes and missing .cpg / .prj files.
 */

export interface FixtureFeature {
  properties: Record<string, string | number | null>;
  /** GeoJSON geometry */
  geometry: { type: 'Polygon' | 'MultiPolygon' | 'Point'; coordinates: unknown };
}

export interface ShapefileOptions {
  srs: string;
  encoding?: 'CP936' | 'UTF-8';
  /** keep the .cpg GDAL writes (default true) */
  cpg?: boolean;
  /** keep the .prj (default true) */
  prj?: boolean;
}

export function tempDir(prefix = 'redline-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function writeShapefile(dir: string, name: string, features: FixtureFeature[], o: ShapefileOptions): string {
  const src = join(dir, `${name}.src.geojson`);
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }));
  const shp = join(dir, `${name}.shp`);
  execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-a_srs', o.srs, '-lco', `ENCODING=${o.encoding ?? 'CP936'}`, shp, src], { stdio: 'pipe' });
  unlinkSync(src);
  if (o.cpg === false) unlinkSync(join(dir, `${name}.cpg`));
  if (o.prj === false) unlinkSync(join(dir, `${name}.prj`));
  return shp;
}

export function square(x: number, y: number, w: number, h = w): FixtureFeature['geometry'] {
  return { type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]] };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real CLI as a user would: a separate process, exit code and stderr captured. */
export function runCli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'redline.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses a CSV written by redline (BOM, RFC 4180 quoting) into objects keyed by header. */
export { csvRecords as readCsv } from '../../scripts/lib/csv.ts';
