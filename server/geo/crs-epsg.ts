import type { Crs, GaussKruger } from './crs-types.ts';
import { DATUM_NAMES, type Datum } from './ellipsoid.ts';

/**
 * The EPSG codes redline knows, checked one by one against `gdalsrsinfo EPSG:n` (GDAL 3.6.2 /
 * PROJ 9.1 database). Each Gauss-Krüger family is a run of consecutive codes, one per zone, from
 * the westernmost zone (central meridian 75°E) eastwards.
 */
interface GkFamily {
  datum: Datum;
  zoneWidth: 3 | 6;
  /** eastings carry the zone number (false easting zone × 10⁶ + 500 000) */
  prefix: boolean;
  first: number;
  /** accepted when reading but never produced by epsgFor (deprecated duplicates) */
  deprecated?: true;
}

/** 6° zones 13–23 (CM 75…135°E) and 3° zones 25–45 (CM 75…135°E) */
const ZONES: Record<3 | 6, { first: number; count: number }> = {
  6: { first: 13, count: 11 },
  3: { first: 25, count: 21 },
};

const GK_FAMILIES: readonly GkFamily[] = [
  { datum: 'cgcs2000', zoneWidth: 6, prefix: true, first: 4491 },
  { datum: 'cgcs2000', zoneWidth: 6, prefix: false, first: 4502 },
  { datum: 'cgcs2000', zoneWidth: 3, prefix: true, first: 4513 },
  { datum: 'cgcs2000', zoneWidth: 3, prefix: false, first: 4534 },
  { datum: 'xian80', zoneWidth: 6, prefix: true, first: 2327 },
  { datum: 'xian80', zoneWidth: 6, prefix: false, first: 2338 },
  { datum: 'xian80', zoneWidth: 3, prefix: true, first: 2349 },
  { datum: 'xian80', zoneWidth: 3, prefix: false, first: 2370 },
  { datum: 'beijing54', zoneWidth: 6, prefix: true, first: 21413 },
  { datum: 'beijing54', zoneWidth: 6, prefix: false, first: 21453 },
  // EPSG:21473–21483 are deprecated copies of 21453–21463 that old .prj files still carry
  { datum: 'beijing54', zoneWidth: 6, prefix: false, first: 21473, deprecated: true },
  { datum: 'beijing54', zoneWidth: 3, prefix: true, first: 2401 },
  { datum: 'beijing54', zoneWidth: 3, prefix: false, first: 2422 },
];

const GEOGRAPHIC: Readonly<Record<Datum, number>> = {
  cgcs2000: 4490,
  wgs84: 4326,
  xian80: 4610,
  beijing54: 4214,
};

/** EPSG:900913 is the old unofficial code for Web Mercator that some tools still write. */
const WEB_MERCATOR_CODES: readonly number[] = [3857, 900913];

/** Central meridian of a standard zone, degrees east. */
export function zoneCentralMeridian(zoneWidth: 3 | 6, zone: number): number {
  return zoneWidth === 6 ? 6 * zone - 3 : 3 * zone;
}

/** The standard zone whose central meridian is `cm`, or null if `cm` is not one. */
export function zoneOfCentralMeridian(zoneWidth: 3 | 6, cm: number): number | null {
  const z = zoneWidth === 6 ? (cm + 3) / 6 : cm / 3;
  return Number.isInteger(z) && z >= 1 && z <= 120 ? z : null;
}

export function gaussKruger(datum: Datum, zoneWidth: 3 | 6, zone: number, prefix: boolean): GaussKruger {
  return {
    kind: 'gauss-kruger',
    datum,
    centralMeridian: zoneCentralMeridian(zoneWidth, zone),
    zoneWidth,
    zone,
    falseEasting: prefix ? zone * 1_000_000 + 500_000 : 500_000,
  };
}

export function crsFromEpsg(code: number): Crs {
  if (WEB_MERCATOR_CODES.includes(code)) return { kind: 'web-mercator' };
  for (const d of Object.keys(GEOGRAPHIC) as Datum[]) {
    if (GEOGRAPHIC[d] === code) return { kind: 'geographic', datum: d };
  }
  for (const f of GK_FAMILIES) {
    const { first, count } = ZONES[f.zoneWidth];
    const i = code - f.first;
    if (Number.isInteger(i) && i >= 0 && i < count) {
      return gaussKruger(f.datum, f.zoneWidth, first + i, f.prefix);
    }
  }
  throw new RangeError(
    `EPSG:${code} is not a CRS redline supports: it reads CGCS2000 (EPSG:4490 and its ` +
      `Gauss-Kruger zones 4491–4554), Xian 1980 (4610, 2327–2390), Beijing 1954 (4214, ` +
      `2401–2442, 21413–21423, 21453–21463), WGS 84 (4326) and Web Mercator (3857)`,
  );
}

/** The EPSG code of `crs`, or null when it has none (e.g. a local central meridian, WGS 84 GK). */
export function epsgFor(crs: Crs): number | null {
  if (crs.kind === 'web-mercator') return 3857;
  if (crs.kind === 'geographic') return GEOGRAPHIC[crs.datum];
  const zone = zoneOfCentralMeridian(crs.zoneWidth, crs.centralMeridian);
  if (zone === null || (crs.zone !== null && crs.zone !== zone)) return null;
  const { first, count } = ZONES[crs.zoneWidth];
  if (zone < first || zone >= first + count) return null;
  let prefix: boolean;
  if (crs.falseEasting === 500_000) prefix = false;
  else if (crs.falseEasting === zone * 1_000_000 + 500_000) prefix = true;
  else return null;
  const fam = GK_FAMILIES.find(
    (f) => !f.deprecated && f.datum === crs.datum && f.zoneWidth === crs.zoneWidth && f.prefix === prefix,
  );
  return fam ? fam.first + zone - first : null;
}

function degrees(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(9)));
}

/**
 * A human name in EPSG's style, e.g. "CGCS2000 / 3-degree Gauss-Kruger zone 39" (eastings with
 * the zone prefix) or "CGCS2000 / 3-degree Gauss-Kruger CM 117E" (without).
 */
export function crsName(crs: Crs): string {
  if (crs.kind === 'web-mercator') return 'WGS 84 / Pseudo-Mercator';
  const datum = DATUM_NAMES[crs.datum];
  if (crs.kind === 'geographic') return datum;
  const width = crs.zoneWidth === 3 ? '3-degree ' : '';
  const cm = crs.centralMeridian;
  const cmText = cm >= 0 ? `${degrees(cm)}E` : `${degrees(-cm)}W`;
  const prefixed =
    crs.zone !== null && crs.falseEasting === crs.zone * 1_000_000 + 500_000;
  if (prefixed) return `${datum} / ${width}Gauss-Kruger zone ${crs.zone}`;
  if (crs.falseEasting === 500_000) return `${datum} / ${width}Gauss-Kruger CM ${cmText}`;
  return `${datum} / ${width}Gauss-Kruger CM ${cmText}, false easting ${crs.falseEasting} m`;
}
