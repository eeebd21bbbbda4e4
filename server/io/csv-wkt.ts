/**
 * CSV with the geometry as WKT in one column (what Excel users, QGIS's "save as CSV" and
 * database dumps produce). Parsed here rather than by GDAL's CSV driver so that GBK files are
 * detected like every other text file; the WKT itself is parsed by GDAL.
 */
import { createRequire } from 'node:module';
import type * as GdalTypes from 'gdal-async';
import type { Attributes, BBox } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import type { DelimitedTable } from './delimited.ts';
import type { EncodingChoice } from './encoding.ts';
import { polygonsOf } from './gdal-layer.ts';
import type { Feature, GeometryKind } from './layer.ts';
import { extendBBox, ringBBox } from './rings.ts';

const require = createRequire(import.meta.url);
let gdalModule: typeof GdalTypes | null = null;
const gdal = (): typeof GdalTypes => (gdalModule ??= require('gdal-async') as typeof GdalTypes);

/** Header names taken for the geometry column, case-insensitively, in this order. */
export const WKT_COLUMNS = ['wkt', 'geometry', 'geom', 'the_geom', 'shape', 'wkt_geom', '几何', '图形'];

export function wktColumn(header: readonly string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const name of WKT_COLUMNS) {
    const k = lower.indexOf(name);
    if (k >= 0) return k;
  }
  return -1;
}

export interface CsvWktContents {
  format: 'csv-wkt';
  kind: GeometryKind;
  fields: string[];
  features: Feature[];
  crsHint: null;
  encoding: EncodingChoice;
  bbox: BBox | null;
}

/**
 * Numbers stay numbers when the whole column is numeric and every value survives as a number
 * (so ids with leading zeros or more digits than a double holds, like 22-digit licence numbers,
 * stay text).
 */
function columnValues(rows: string[][], k: number): (string | number | null)[] {
  const cells = rows.map((r) => (r[k] ?? '').trim());
  const numeric = cells.every((c) => c === '' || (/^-?\d+(\.\d+)?$/.test(c) && !/^-?0\d/.test(c) && exactNumber(c)));
  return cells.map((c) => (c === '' ? null : numeric ? Number(c) : c));
}

/** Whether a decimal text reads back the same from a double (trailing zeros aside). */
function exactNumber(c: string): boolean {
  const n = Number(c);
  const canon = c.includes('.') ? c.replace(/0+$/, '').replace(/\.$/, '') : c;
  return String(n) === canon.replace(/^-0$/, '0');
}

/** A CSV table (parsed once by the caller, see readLayer) whose geometry is in a WKT column. */
export function csvWktContents(table: DelimitedTable, encoding: EncodingChoice, file: string): CsvWktContents {
  const { header, rows, lines } = table;
  const g = wktColumn(header);
  if (g < 0) throw new InputError(file, `no geometry column: expected one named ${WKT_COLUMNS.join(', ')}`);
  const fieldIdx = header.map((_, k) => k).filter((k) => k !== g);
  const fields = fieldIdx.map((k) => header[k].trim());
  const columns = fieldIdx.map((k) => columnValues(rows, k));
  const features: Feature[] = [];
  let bbox: BBox | null = null;
  let kind: GeometryKind = 'none';
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new InputError(file, `line ${lines[index]} has ${row.length} fields, the header ${header.length}`, { index });
    }
    const attributes: Attributes = {};
    fields.forEach((f, j) => (attributes[f] = columns[j][index]));
    const wkt = row[g].trim();
    if (wkt === '' || /^(polygon|multipolygon)\s+empty$/i.test(wkt)) {
      features.push({ index, geometry: null, attributes });
      return;
    }
    let geom: GdalTypes.Geometry;
    try {
      geom = gdal().Geometry.fromWKT(wkt);
    } catch {
      throw new InputError(file, `line ${lines[index]}: not WKT: ${wkt.slice(0, 60)}${wkt.length > 60 ? '…' : ''}`, { index });
    }
    const repairs: string[] = [];
    const mp = polygonsOf(geom, repairs, file, index, false);
    if (mp === null) {
      const type = /^\s*(\w+)/.exec(wkt)?.[1]?.toUpperCase() ?? '?';
      throw new InputError(file, `line ${lines[index]}: ${type} is not a polygon; redline reads polygon layers`, { index });
    }
    kind = 'polygon';
    for (const p of mp) bbox = extendBBox(bbox, ringBBox(p[0]));
    features.push(repairs.length ? { index, geometry: mp, attributes, repairs } : { index, geometry: mp, attributes });
  });
  return { format: 'csv-wkt', kind, fields, features, crsHint: null, encoding, bbox };
}
