/** The part of vt-pbf 3 (CommonJS, no types of its own) the tile endpoint uses. */
declare module 'vt-pbf' {
  import type { Tile } from 'geojson-vt';

  interface VtPbf {
    /** Encodes geojson-vt tiles as one Mapbox Vector Tile, a layer per key. */
    fromGeojsonVt(layers: Record<string, Pick<Tile, 'features'>>, options?: { version?: number; extent?: number }): Uint8Array;
  }
  const vtpbf: VtPbf;
  export default vtpbf;
}
