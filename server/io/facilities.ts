import { basename } from 'node:path';
import type { Facility, FacilityLayer } from '../compensation/types.ts';
import type { Crs } from '../geo/crs-types.ts';
import { toLonLat } from '../geo/projection.ts';
import type { Attributes, MultiPolygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_FIELDS } from '../screening/fields.ts';
import { readLayer, type Layer } from './layer.ts';
import { resolveLayerCrs, swapXY, type ResolvedCrs } from './layer-crs.ts';

/**
 * The facility layer of `redline compensate --facilities`: points or polygons with the licence
 * id, the net value and whether the facility is relocated for reuse, converted to CGCS2000
 * lon/lat (the CRS of the exit ranges in overlaps.geojson). Everything comes from readLayer
 * (any input format, encoding detection, .prj): points in `Feature.points`, polygons in
 * `Feature.geometry`.
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
  const crs = resolveLayerCrs(layer, crsFlag, '--facilities-crs');
  const t = toLonLat(crs.crs);
  const swap = (c: Float64Array): Float64Array => {
    const out = new Float64Array(c.length);
    for (let i = 0; i < c.length; i += 2) [out[i], out[i + 1]] = [c[i + 1], c[i]];
    return out;
  };
  const features: Facility[] = layer.features.map((f) => {
    let geometry: Facility['geometry'] = null;
    const pts = f.points ?? null;
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
