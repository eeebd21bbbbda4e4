import { writeFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { multiPolygonJson } from '../geo/geojson-text.ts';
import type { BlockResult, LicenceResult, ScreeningResult } from '../screening/types.ts';
import { toCsv, type Cell } from './csv.ts';

/** The files `redline screen` writes; their columns are a contract (see README). */

export const SCREENING_COLUMNS = [
  'licence_id', 'name', 'status', 'licence_area_plane_m2', 'licence_area_ellipsoidal_m2',
  'exit_area_plane_m2', 'exit_area_ellipsoidal_m2', 'exit_ratio', 'remaining_parts', 'zone_ids', 'warnings',
] as const;

export const RESERVES_COLUMNS = [
  'licence_id', 'block_id', 'category', 'block_area_plane_m2', 'ore_t', 'metal_t',
  'exit_fraction', 'exit_ore_t', 'exit_metal_t', 'note',
] as const;

export const ZONE_OVERLAP_COLUMNS = [
  'licence_id', 'zone_id', 'zone_name', 'zone_type', 'overlap_area_plane_m2', 'overlap_area_ellipsoidal_m2',
] as const;

export type ScreeningRow = Record<(typeof SCREENING_COLUMNS)[number], string | number>;

/** A licence's screening.csv columns, typed, the lists as arrays (the API's result rows). */
export interface ScreeningValues {
  licence_id: string;
  name: string;
  status: LicenceResult['status'];
  licence_area_plane_m2: number;
  licence_area_ellipsoidal_m2: number;
  exit_area_plane_m2: number;
  exit_area_ellipsoidal_m2: number;
  exit_ratio: number;
  remaining_parts: number;
  zone_ids: string[];
  warnings: string[];
}

export function screeningValues(l: LicenceResult): ScreeningValues {
  return {
    licence_id: l.licenceId,
    // a missing name is an empty cell
    name: l.name ?? '',
    status: l.status,
    licence_area_plane_m2: l.licenceAreaPlane,
    licence_area_ellipsoidal_m2: l.licenceAreaEllipsoidal,
    exit_area_plane_m2: l.exitAreaPlane,
    exit_area_ellipsoidal_m2: l.exitAreaEllipsoidal,
    exit_ratio: l.exitRatio,
    remaining_parts: l.remainingParts,
    zone_ids: [...l.zoneIds],
    warnings: [...l.warnings],
  };
}

export function screeningRow(l: LicenceResult): ScreeningRow {
  const v = screeningValues(l);
  return { ...v, zone_ids: v.zone_ids.join(';'), warnings: v.warnings.join(' | ') };
}

function blockRow(b: BlockResult): Cell[] {
  return [b.licenceId, b.blockId, b.category, b.blockAreaPlane, b.oreT, b.metalT, b.exitFraction, b.exitOreT, b.exitMetalT, b.note];
}

export function overlapsGeoJson(licences: readonly LicenceResult[]): string {
  const features = licences
    .filter((l) => l.exitRangeLonLat.length > 0)
    .map((l) => `{"type":"Feature","properties":${JSON.stringify(screeningRow(l))},"geometry":${l.exitRangeJson ?? multiPolygonJson(l.exitRangeLonLat)}}`);
  // The legacy crs member makes GDAL and QGIS read CGCS2000 rather than assume WGS 84.
  return '{"type":"FeatureCollection","name":"overlaps",' +
    '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},' +
    `"features":[${features.join(',\n')}]}\n`;
}

/**
 * What remains of each licence that exits in part (licence − zones, parts of at least the sliver
 * size): the reduced licence a bureau redraws. Licences without an exit keep their whole range
 * (the licence layer itself); a whole exit leaves nothing.
 */
export function remainingGeoJson(licences: readonly LicenceResult[]): string {
  const features = licences
    .filter((l) => l.status === 'partial' && l.remainingRangeLonLat && l.remainingRangeLonLat.length > 0)
    .map((l) => {
      const properties = { licence_id: l.licenceId, name: l.name, status: l.status, remaining_parts: l.remainingParts };
      return `{"type":"Feature","properties":${JSON.stringify(properties)},"geometry":${l.remainingRangeJson ?? multiPolygonJson(l.remainingRangeLonLat ?? [])}}`;
    });
  return '{"type":"FeatureCollection","name":"remaining",' +
    '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},' +
    `"features":[${features.join(',\n')}]}\n`;
}

/** Writes each file whole under a temporary name first, so a crash never leaves half a CSV. */
async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  // in one call: the promise version writes a county's 12 MB of GeoJSON in chunks, 15 ms slower,
  // and the command has nothing else to do meanwhile
  writeFileSync(tmp, data);
  await rename(tmp, path);
}

export async function writeScreening(
  dir: string,
  result: ScreeningResult,
  run: object,
  withReserves: boolean,
  withRemaining = false,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, data: string): Promise<void> => {
    await writeAtomic(join(dir, name), data);
    written.push(join(dir, name));
  };
  await put('screening.csv', toCsv(SCREENING_COLUMNS, result.licences.map((l) => Object.values(screeningRow(l)))));
  const zoneRows: Cell[][] = [];
  for (const l of result.licences) {
    for (const z of l.zones) zoneRows.push([l.licenceId, z.zoneId, z.zoneName, z.zoneType, z.areaPlane, z.areaEllipsoidal]);
  }
  await put('zone_overlaps.csv', toCsv(ZONE_OVERLAP_COLUMNS, zoneRows));
  if (withReserves) {
    await put('reserves.csv', toCsv(RESERVES_COLUMNS, result.blocks.map(blockRow)));
  } else {
    // a reserves.csv from an earlier run would sit beside a run.json that does not explain it
    await rm(join(dir, 'reserves.csv'), { force: true });
  }
  await put('overlaps.geojson', overlapsGeoJson(result.licences));
  if (withRemaining) await put('remaining.geojson', remainingGeoJson(result.licences));
  else await rm(join(dir, 'remaining.geojson'), { force: true });
  await put('run.json', JSON.stringify(run, null, 2) + '\n');
  return written;
}
