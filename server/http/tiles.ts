/**
 * Vector tiles of datasets and run layers. Each layer is converted to lon/lat GeoJSON once and
 * indexed with geojson-vt (which simplifies per zoom and cuts tiles on demand), the index is kept
 * in a cache bounded by an estimate of its size, and each tile is encoded with vt-pbf: one
 * source layer named `features`. A red line of a million vertices is indexed once (seconds) and
 * then served tile by tile in milliseconds.
 */
import type { Feature, FeatureCollection, GeoJsonProperties, Geometry } from 'geojson';
import geojsonvt from 'geojson-vt';
import vtpbf from 'vt-pbf';
import { mapFields, textOf, zoneTypeOf, type FieldKey } from '../screening/fields.ts';
import type { LicenceResult, ScreeningResult } from '../screening/types.ts';
import type { Dataset, DatasetKind } from '../store/store.ts';
import { multiPolygonGeoJson, type LonLatFeature } from './geojson.ts';
import { SizedLru } from './lru.ts';

export type TileIndex = ReturnType<typeof geojsonvt>;

export const SOURCE_LAYER = 'features';
export const MAX_ZOOM = 18;
const EXTENT = 4096;

export class TileCache {
  private readonly lru: SizedLru<TileIndex>;

  constructor(budgetBytes = 1024 * 1024 * 1024) {
    this.lru = new SizedLru(budgetBytes);
  }

  /** The index of a layer, built from `features` (lon/lat GeoJSON) on first use. */
  index(key: string, features: () => Promise<Feature<Geometry | null>[]>): Promise<TileIndex> {
    return this.lru.get(key, async () => {
      const list = await features();
      let vertices = 0;
      for (const f of list) vertices += countPositions(f.geometry);
      const fc = { type: 'FeatureCollection', features: list } as FeatureCollection;
      const index = geojsonvt(fc, { maxZoom: MAX_ZOOM, indexMaxZoom: 5, indexMaxPoints: 100_000, tolerance: 3, extent: EXTENT, buffer: 64 });
      // geojson-vt keeps the projected source and the tiles cut so far: about 100 bytes a vertex
      return { value: index, bytes: 4096 + vertices * 100 };
    });
  }

  invalidate(prefix: string): void {
    this.lru.invalidate(prefix);
  }
}

function countPositions(g: Geometry | null): number {
  if (!g) return 0;
  switch (g.type) {
    case 'Point': return 1;
    case 'MultiPoint': case 'LineString': return g.coordinates.length;
    case 'Polygon': case 'MultiLineString': return g.coordinates.reduce((n, r) => n + r.length, 0);
    case 'MultiPolygon': return g.coordinates.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);
    case 'GeometryCollection': return g.geometries.reduce((n, c) => n + countPositions(c), 0);
  }
}

/** The tile as MVT bytes, or null when nothing lies in it. */
export function encodeTile(index: TileIndex, z: number, x: number, y: number): Uint8Array | null {
  const tile = index.getTile(z, x, y);
  if (!tile || tile.features.length === 0) return null;
  return vtpbf.fromGeojsonVt({ [SOURCE_LAYER]: tile }, { version: 2, extent: EXTENT });
}

const KEY_FIELDS: Readonly<Record<DatasetKind, readonly FieldKey[]>> = {
  licences: ['licence_id', 'name'],
  zones: ['zone_id', 'zone_name', 'zone_type'],
  reserves: ['licence_id', 'block_id'],
  facilities: ['licence_id'],
};

/**
 * The properties a map needs to label and pick a feature: its index and the id/name/type fields,
 * found by the default names as the screening finds them (zones named and typed as collectZones does).
 */
export function keyProperties(ds: Dataset): (f: LonLatFeature) => GeoJsonProperties {
  const { layer, kind } = ds;
  const m = mapFields(layer.source, layer.fields, KEY_FIELDS[kind], {});
  const typeOfLayer = layer.zoneType ?? zoneTypeOf(layer.name);
  return (f) => {
    const a = f.source.attributes;
    const props: Record<string, string | number> = { feature_index: f.index };
    for (const key of KEY_FIELDS[kind]) {
      const v = textOf(a, m[key]);
      if (v !== null) props[key] = v;
    }
    if (kind === 'zones') {
      props.zone_id = textOf(a, m.zone_id) ?? `${layer.name}#${f.index + 1}`;
      const type = zoneTypeOf(textOf(a, m.zone_type)) ?? typeOfLayer;
      if (type) props.zone_type = type;
      else delete props.zone_type;
    }
    return props;
  };
}

export type RunLayer = 'exit_ranges' | 'remaining_parts';
export const RUN_LAYERS: readonly RunLayer[] = ['exit_ranges', 'remaining_parts'];

/**
 * A run's map layer as GeoJSON features (EPSG:4490), with the properties the map shows. As the
 * CLI's files: exit ranges of licences that have one (overlaps.geojson); what remains of
 * licences that exit in part (remaining.geojson).
 */
export function runLayerFeatures(result: ScreeningResult, layer: RunLayer): Feature<Geometry>[] {
  const props = (l: LicenceResult): GeoJsonProperties => ({
    licence_id: l.licenceId, name: l.name, status: l.status, exit_area_plane_m2: l.exitAreaPlane,
    exit_area_ellipsoidal_m2: l.exitAreaEllipsoidal, exit_ratio: l.exitRatio, remaining_parts: l.remainingParts,
  });
  const out: Feature<Geometry>[] = [];
  for (const l of result.licences) {
    const geometry = layer === 'exit_ranges'
      ? l.exitRangeLonLat
      : l.status === 'partial' ? l.remainingRangeLonLat ?? [] : [];
    if (geometry.length > 0) out.push({ type: 'Feature', properties: props(l), geometry: multiPolygonGeoJson(geometry) });
  }
  return out;
}
