import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Facility, FacilityLayer } from '../compensation/types.ts';
import type { Crs } from '../geo/crs-types.ts';
import { toLonLat } from '../geo/projection.ts';
import type { Attributes, BBox, MultiPolygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_FIELDS } from '../screening/fields.ts';
import { readLayer, type Layer } from './layer.ts';
import { resolveLayerCrs, swapXY, type ResolvedCrs } from './layer-crs.ts';

/**
 * The facility layer of `redline compensate --facilities`: points or polygons with the licence
 * id, the net value and whether the facility is relocated for reuse, converted to CGCS2000
 * lon/lat (the CRS of the exit ranges in overlaps.geojson). Polygons and attributes come from
 * readLayer (encoding detection, .prj); readLayer does not build points yet, so point
 * coordinates are read here: from the GeoJSON text, or through GDAL for shapefiles and zips
 * (feature id = record number, the index readLayer gives).
 */

const FIELDS = {
  licence_id: DEFAULT_FIELDS.licence_id,
  // net_value_ and facility_i: the names cut to the 10 characters a DBF field name holds
  net_value_yuan: ['net_value_yuan', 'net_value_', 'net_value', '净值', '投入净值', '资产净值'],
  relocated: ['relocated', '是否搬迁', '搬迁再利用', '搬迁'],
  facility_id: ['facility_id', 'facility_i', 'id', '编号', 'name', '名称', '设施名称'],
} as const;

function field(fields: readonly string[], names: readonly string[]): string | null {
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  return names.map((n) => byLower.get(n.toLowerCase())).find((f) => f !== undefined) ?? null;
}

function text(a: Attributes, f: string | null): string | null {
  if (f === null) return null;
  const v = a[f];
  if (v === null || v === undefined) return null;
  const s = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v).trim();
  return s === '' ? null : s;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Point coordinates per feature of a GeoJSON file, in file order. */
async function geoJsonPoints(path: string): Promise<(Float64Array | null)[]> {
  const root = JSON.parse(new TextDecoder().decode(await readFile(path))) as Json;
  const obj = (v: Json | undefined): { [k: string]: Json } | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null);
  const list = obj(root)?.type === 'FeatureCollection' ? (obj(root)?.features as Json[]) : [root];
  return list.map((f) => {
    const g = obj(obj(f ?? null)?.geometry);
    const c = g?.coordinates;
    if (!Array.isArray(c)) return null;
    const pts = (g?.type === 'Point' ? [c] : c) as Json[];
    return Float64Array.from(pts.flatMap((p) => (Array.isArray(p) ? [Number(p[0]), Number(p[1])] : [])));
  });
}

/** Point coordinates per record of a shapefile (or one in a zip), through GDAL. */
function gdalPoints(path: string, count: number): (Float64Array | null)[] {
  const gdal = createRequire(import.meta.url)('gdal-async') as typeof import('gdal-async');
  const ds = gdal.open(extname(path).toLowerCase() === '.zip' ? `/vsizip/${path}` : path);
  const out: (Float64Array | null)[] = new Array(count).fill(null);
  try {
    ds.layers.get(0).features.forEach((feature) => {
      const g = feature.getGeometry();
      if (!g || g.isEmpty()) return;
      const parts: unknown[] = [g];
      if (g instanceof gdal.MultiPoint) {
        parts.length = 0;
        for (let i = 0; i < g.children.count(); i++) parts.push(g.children.get(i));
      }
      out[feature.fid] = Float64Array.from(parts.flatMap((p) => (p instanceof gdal.Point ? [p.x, p.y] : [])));
    });
  } finally {
    ds.close();
  }
  return out;
}

/**
 * Point coordinates per feature of a point layer read by readLayer (which does not build
 * points), in the file's CRS; null for other layers.
 */
/** Facility layers come as points: these are the formats whose points redline reads. */
const FACILITY_FORMATS = ['.shp', '.zip', '.geojson', '.json'];

export async function facilityPoints(path: string, layer: Layer): Promise<(Float64Array | null)[] | null> {
  // Other formats go through GDAL, which keeps polygons only: their points would be lost and
  // the facilities item silently 0.
  if (!FACILITY_FORMATS.includes(extname(path).toLowerCase())) {
    throw new InputError(path, `a facility layer must be a shapefile (.shp or a .zip of one) or GeoJSON; convert it with ogr2ogr first`);
  }
  if (layer.kind !== 'point') return null;
  return ['.geojson', '.json'].includes(extname(path).toLowerCase()) ? geoJsonPoints(path) : gdalPoints(path, layer.features.length);
}

export function pointsBBox(points: readonly (Float64Array | null)[]): BBox | null {
  let b: BBox | null = null;
  for (const p of points) {
    for (let i = 0; p && i < p.length; i += 2) {
      b = b ? [Math.min(b[0], p[i]), Math.min(b[1], p[i + 1]), Math.max(b[2], p[i]), Math.max(b[3], p[i + 1])] : [p[i], p[i + 1], p[i], p[i + 1]];
    }
  }
  return b;
}

function polygonsToLonLat(mp: MultiPolygon, t: ReturnType<typeof toLonLat>): MultiPolygon {
  return mp.map((polygon) => polygon.map((ring) => t(ring)));
}

export interface FacilityFile {
  layer: FacilityLayer;
  source: Layer;
  crs: ResolvedCrs;
  fields: Record<keyof typeof FIELDS, string | null>;
}

export async function readFacilities(path: string, crsFlag: Crs | null): Promise<FacilityFile> {
  const layer = await readLayer(path);
  if (layer.kind === 'line') throw new InputError(path, 'holds lines; facilities are points or polygons');
  const fields = {
    licence_id: field(layer.fields, FIELDS.licence_id),
    net_value_yuan: field(layer.fields, FIELDS.net_value_yuan),
    relocated: field(layer.fields, FIELDS.relocated),
    facility_id: field(layer.fields, FIELDS.facility_id),
  };
  for (const key of ['licence_id', 'net_value_yuan', 'relocated'] as const) {
    if (fields[key] === null) {
      throw new InputError(path, `no ${key} field (looked for ${FIELDS[key].join(', ')}; fields: ${layer.fields.join(', ')})`);
    }
  }
  const points = await facilityPoints(path, layer);
  const withBox = points ? { ...layer, bbox: layer.bbox ?? pointsBBox(points) } : layer;
  const crs = resolveLayerCrs(withBox, crsFlag, '--facilities-crs');
  const t = toLonLat(crs.crs);
  const swap = (c: Float64Array): Float64Array => {
    const out = new Float64Array(c.length);
    for (let i = 0; i < c.length; i += 2) [out[i], out[i + 1]] = [c[i + 1], c[i]];
    return out;
  };
  const features: Facility[] = layer.features.map((f) => {
    let geometry: Facility['geometry'] = null;
    const pts = points?.[f.index] ?? null;
    if (pts && pts.length > 0) geometry = { kind: 'point', points: t(crs.swapped ? swap(pts) : pts) };
    else if (f.geometry) geometry = { kind: 'polygon', polygons: polygonsToLonLat(crs.swapped ? swapXY(f.geometry) : f.geometry, t) };
    return {
      index: f.index,
      id: text(f.attributes, fields.facility_id),
      licenceId: text(f.attributes, fields.licence_id),
      netValue: text(f.attributes, fields.net_value_yuan),
      relocated: text(f.attributes, fields.relocated),
      geometry,
    };
  });
  return { layer: { source: basename(path), features }, source: layer, crs, fields };
}
