import { createRequire } from 'node:module';

/**
 * Decoding Mapbox Vector Tiles in the tests with @mapbox/vector-tile and pbf (installed as
 * dependencies of vt-pbf; CommonJS without types, hence the small interfaces here).
 */
export interface DecodedFeature {
  type: number;
  properties: Record<string, string | number | boolean>;
  loadGeometry(): { x: number; y: number }[][];
  toGeoJSON(x: number, y: number, z: number): { geometry: { type: string; coordinates: unknown } };
}

export interface DecodedLayer {
  name: string;
  extent: number;
  version: number;
  length: number;
  feature(i: number): DecodedFeature;
}

const require = createRequire(import.meta.url);
const { VectorTile } = require('@mapbox/vector-tile') as { VectorTile: new (pbf: unknown) => { layers: Record<string, DecodedLayer> } };
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown;

export function decodeTile(bytes: Uint8Array): Record<string, DecodedLayer> {
  return new VectorTile(new Pbf(bytes)).layers;
}

/** The tile (x, y) holding a lon/lat point at zoom z (Web Mercator tiling). */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}

/** Every [lon, lat] position of a GeoJSON geometry's coordinates. */
export function positions(coords: unknown): [number, number][] {
  if (Array.isArray(coords) && typeof coords[0] === 'number') return [[coords[0] as number, coords[1] as number]];
  return Array.isArray(coords) ? coords.flatMap(positions) : [];
}
