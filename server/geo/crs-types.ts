import type { Datum } from './ellipsoid.ts';

/**
 * The coordinate reference systems redline works in. Gauss-Krüger is transverse Mercator with
 * scale 1 on the central meridian, false northing 0 and false easting 500 000 m, plus
 * zone × 1 000 000 when the eastings carry the zone number ("with zone prefix").
 */
export type Crs =
  | { kind: 'geographic'; datum: Datum }
  | {
      kind: 'gauss-kruger';
      datum: Datum;
      centralMeridian: number;
      zoneWidth: 3 | 6;
      /** zone number (3°: 25–45, 6°: 13–23 in China); null when not a standard zone */
      zone: number | null;
      falseEasting: number;
    }
  | { kind: 'web-mercator' };

export type GaussKruger = Extract<Crs, { kind: 'gauss-kruger' }>;

/**
 * Bursa-Wolf parameters from a datum to CGCS2000, position-vector convention (EPSG method 9606,
 * the same as PROJ's +towgs84): translations in metres, rotations in arc-seconds, scale in ppm.
 * Three-parameter shifts have zero rotations and scale.
 */
export interface DatumShift {
  dx: number;
  dy: number;
  dz: number;
  rx: number;
  ry: number;
  rz: number;
  ds: number;
}

/** A CRS guessed from coordinates when a layer has no .prj; the user must confirm it. */
export interface CrsSuggestion {
  crs: Crs;
  epsg: number | null;
  /** true when the file has northing in x and easting in y */
  swapped: boolean;
  /** why, in words, e.g. "8-digit eastings 39 4xx xxx carry zone 39" */
  reason: string;
}
