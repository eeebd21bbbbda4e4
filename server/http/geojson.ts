/**
 * Geometry out of the service: redline's flat rings → GeoJSON, in CGCS2000 lon/lat (EPSG:4490).
 * Rings are written the RFC 7946 way round (exteriors counter-clockwise, holes clockwise) whatever
 * the source had, so the vector tiles cut from them have the winding the MVT spec requires and
 * every client tells holes from exteriors alike.
 */
import type { Feature, GeoJsonProperties, Geometry, MultiPoint, MultiPolygon as GeoJsonMultiPolygon } from 'geojson';
import { ringArea } from '../geo/area.ts';
import { crsFromEpsg } from '../geo/crs.ts';
import { toLonLat, type Transform } from '../geo/projection.ts';
import type { BBox, MultiPolygon, Ring } from '../geo/types.ts';
import type { Dataset, Store, StoredFeature } from '../store/store.ts';
import { conflict } from './errors.ts';
import { datasetId } from './ids.ts';

function ringCoordinates(ring: Ring, exterior: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ring.length; i += 2) out.push([ring[i], ring[i + 1]]);
  if (ringArea(ring) > 0 !== exterior) out.reverse();
  return out;
}

export function multiPolygonGeoJson(mp: MultiPolygon): GeoJsonMultiPolygon {
  return { type: 'MultiPolygon', coordinates: mp.map((polygon) => polygon.map((ring, i) => ringCoordinates(ring, i === 0))) };
}

function multiPointGeoJson(points: Float64Array): MultiPoint {
  const coordinates: number[][] = [];
  for (let i = 0; i < points.length; i += 2) coordinates.push([points[i], points[i + 1]]);
  return { type: 'MultiPoint', coordinates };
}

export function extendBox(box: BBox | null, coords: Float64Array): BBox | null {
  let b = box;
  for (let i = 0; i < coords.length; i += 2) {
    const x = coords[i];
    const y = coords[i + 1];
    b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
  }
  return b;
}

export function multiPolygonBox(mp: MultiPolygon): BBox | null {
  let b: BBox | null = null;
  for (const p of mp) if (p[0]) b = extendBox(b, p[0]);
  return b;
}

export function vertexCount(mp: MultiPolygon | null): number {
  let n = 0;
  for (const p of mp ?? []) for (const r of p) n += r.length >> 1;
  return n;
}

/** The dataset's transform to lon/lat (x/y swapped back first when the file has northing in x). */
export function lonLatTransform(ds: Dataset): (coords: Float64Array) => Float64Array {
  if (ds.crs.epsg === null) {
    throw conflict(`dataset ${datasetId(ds.id)} has no CRS yet: confirm one first (POST /api/datasets/${datasetId(ds.id)}/confirm)`, 'crs_unconfirmed');
  }
  const t: Transform = toLonLat(crsFromEpsg(ds.crs.epsg));
  if (!ds.crs.swapped) return (c) => t(c);
  return (c) => {
    const s = new Float64Array(c.length);
    for (let i = 0; i < c.length; i += 2) {
      s[i] = c[i + 1];
      s[i + 1] = c[i];
    }
    return t(s);
  };
}

export interface LonLatFeature {
  index: number;
  /** lon/lat, null for a feature without a shape */
  geometry: MultiPolygon | null;
  points: Float64Array | null;
  source: StoredFeature;
}

/**
 * The dataset's features in lon/lat, computed from the coordinates as imported (the same
 * transform the store uses for its lon/lat column, without a datum shift: for display).
 */
export async function lonLatFeatures(store: Store, ds: Dataset): Promise<LonLatFeature[]> {
  const t = lonLatTransform(ds);
  const features = await store.features(ds.id);
  return features.map((f) => ({
    index: f.index,
    geometry: f.geometry ? f.geometry.map((p) => p.map((r) => t(r))) : null,
    points: f.points ? t(f.points) : null,
    source: f,
  }));
}

export function geometryOf(f: LonLatFeature): Geometry | null {
  if (f.points && f.points.length > 0) return multiPointGeoJson(f.points);
  if (f.geometry && f.geometry.length > 0) return multiPolygonGeoJson(f.geometry);
  return null;
}

export function featureOf(f: LonLatFeature, properties: GeoJsonProperties): Feature<Geometry | null> {
  return { type: 'Feature', properties, geometry: geometryOf(f) };
}
