/** Reference ellipsoids of the datums redline meets in Chinese data. */
export type Datum = 'cgcs2000' | 'wgs84' | 'xian80' | 'beijing54';

export interface Ellipsoid {
  /** semi-major axis, metres */
  a: number;
  /** flattening */
  f: number;
}

export const ELLIPSOIDS: Readonly<Record<Datum, Ellipsoid>> = {
  cgcs2000: { a: 6378137, f: 1 / 298.257222101 },
  wgs84: { a: 6378137, f: 1 / 298.257223563 },
  // IAG 1975, the Xian 1980 datum's ellipsoid
  xian80: { a: 6378140, f: 1 / 298.257 },
  // Krassowsky 1940, Beijing 1954
  beijing54: { a: 6378245, f: 1 / 298.3 },
};

export const DATUM_NAMES: Readonly<Record<Datum, string>> = {
  cgcs2000: 'CGCS2000',
  wgs84: 'WGS 84',
  xian80: 'Xian 1980',
  beijing54: 'Beijing 1954',
};
