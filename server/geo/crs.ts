import type { Crs, CrsSuggestion, GaussKruger } from './crs-types.ts';
import type { BBox } from './types.ts';
import { crsFromEpsg, epsgFor, gaussKruger, zoneCentralMeridian } from './crs-epsg.ts';

/**
 * Naming, parsing and guessing the CRS of a layer. The EPSG table lives in crs-epsg.ts and the
 * .prj reader in crs-wkt.ts; this module is the one the rest of redline imports.
 */

export { crsFromEpsg, epsgFor, crsName } from './crs-epsg.ts';
export { crsFromPrj, readPrj, type PrjInfo } from './crs-wkt.ts';

/** A CRS given on the command line or in a request: "EPSG:4527", "epsg:4527" or "4527". */
export function parseCrsArg(text: string): Crs {
  const m = /^\s*(?:epsg\s*:\s*)?(\d{4,6})\s*$/i.exec(text);
  if (!m) {
    throw new RangeError(
      `"${text}" is not a CRS redline understands: give an EPSG code such as EPSG:4527 or 4527`,
    );
  }
  return crsFromEpsg(Number(m[1]));
}

/** Plain numbers for messages to bureau users: no exponents, no thousands separators. */
function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toFixed(6)));
}

/** China's extent in degrees, generous enough for the South China Sea islands. */
const LON = [73, 136] as const;
const LAT = [3, 54] as const;

function within(lo: number, hi: number, range: readonly [number, number]): boolean {
  return lo >= range[0] && hi <= range[1];
}

/** 8-digit eastings whose leading digits are a Chinese zone number (6°: 13–23, 3°: 25–45). */
function prefixedZone(lo: number, hi: number): { zone: number; zoneWidth: 3 | 6 } | null {
  const zone = Math.floor(lo / 1_000_000);
  if (Math.floor(hi / 1_000_000) !== zone) return null;
  if (zone >= 13 && zone <= 23) return { zone, zoneWidth: 6 };
  if (zone >= 25 && zone <= 45) return { zone, zoneWidth: 3 };
  return null;
}

/** Northings of China in metres: 0 to 6 000 000 (about 54°N). */
function looksLikeNorthing(lo: number, hi: number): boolean {
  return lo >= 0 && hi <= 6_000_000;
}

const DATUM_CAVEAT =
  'The coordinates cannot show the datum (CGCS2000, Xian 1980 and Beijing 1954 look alike), ' +
  'so CGCS2000 is assumed: check it with whoever made the data.';

/**
 * A guess at the CRS of a layer that came without a .prj, from its bounding box alone, or null
 * when nothing sensible can be said (the caller then asks for --licence-crs). The reason is shown
 * to bureau staff as it is.
 */
export function suggestCrs(bbox: BBox): CrsSuggestion | null {
  const [x0, y0, x1, y1] = bbox;
  if (![x0, y0, x1, y1].every(Number.isFinite) || x0 > x1 || y0 > y1) return null;

  for (const swapped of [false, true]) {
    const [lonLo, lonHi, latLo, latHi] = swapped ? [y0, y1, x0, x1] : [x0, x1, y0, y1];
    if (within(lonLo, lonHi, LON) && within(latLo, latHi, LAT)) {
      const crs: Crs = { kind: 'geographic', datum: 'cgcs2000' };
      const [lonAxis, latAxis] = swapped ? ['y', 'x'] : ['x', 'y'];
      return {
        crs,
        epsg: epsgFor(crs),
        swapped,
        reason:
          `${lonAxis} runs from ${fmt(lonLo)} to ${fmt(lonHi)} and ${latAxis} from ${fmt(latLo)} ` +
          `to ${fmt(latHi)}: these look like longitude and latitude in degrees, inside China` +
          (swapped ? ', with the columns swapped (latitude first)' : '') +
          `. ${DATUM_CAVEAT.replace('CGCS2000 is assumed', 'CGCS2000 longitude/latitude (EPSG:4490) is assumed')}`,
      };
    }
  }

  for (const swapped of [false, true]) {
    const [eLo, eHi, nLo, nHi] = swapped ? [y0, y1, x0, x1] : [x0, x1, y0, y1];
    const z = prefixedZone(eLo, eHi);
    if (!z || !looksLikeNorthing(nLo, nHi)) continue;
    const crs = gaussKruger('cgcs2000', z.zoneWidth, z.zone, true);
    const epsg = epsgFor(crs);
    const [eAxis, nAxis] = swapped ? ['y', 'x'] : ['x', 'y'];
    return {
      crs,
      epsg,
      swapped,
      reason:
        (swapped ? 'x and y are swapped (northing first). ' : '') +
        `${eAxis} runs from ${fmt(eLo)} to ${fmt(eHi)}: 8-digit eastings whose first two digits, ` +
        `${z.zone}, are the number of a ${z.zoneWidth}-degree Gauss-Kruger zone (central meridian ` +
        `${zoneCentralMeridian(z.zoneWidth, z.zone)}°E); ${nAxis} runs from ${fmt(nLo)} to ` +
        `${fmt(nHi)}, which looks like northings in metres. ` +
        DATUM_CAVEAT.replace('CGCS2000 is assumed', `CGCS2000 zone ${z.zone} (EPSG:${epsg}) is assumed`),
    };
  }
  // 6-digit eastings (no zone prefix) fit every zone equally well: no guess is better than a
  // wrong one that puts the licence 300 km away.
  return null;
}

/**
 * The plane a licence is analysed in: the CGCS2000 Gauss-Krüger plane of the licence's own zone
 * (same central meridian and width, any datum mapped to CGCS2000), or for lon/lat and Web
 * Mercator data the 3° zone containing `lonLat`. Eastings are kept without zone prefix so the
 * overlay works on numbers near 500 000 m rather than 39 500 000 m (three more digits of
 * precision in the doubles GEOS computes with).
 */
export function analysisPlane(crs: Crs, lonLat: [number, number]): GaussKruger {
  if (crs.kind === 'gauss-kruger') {
    return {
      kind: 'gauss-kruger',
      datum: 'cgcs2000',
      centralMeridian: crs.centralMeridian,
      zoneWidth: crs.zoneWidth,
      zone: crs.zone,
      falseEasting: 500_000,
    };
  }
  const lon = lonLat[0];
  if (!Number.isFinite(lon) || !Number.isFinite(lonLat[1])) {
    throw new RangeError(`no analysis zone for longitude/latitude ${lonLat[0]}, ${lonLat[1]}`);
  }
  return gaussKruger('cgcs2000', 3, Math.round(lon / 3), false);
}

/** Xian 1980 and Beijing 1954 need the bureau's transformation parameters to reach CGCS2000. */
export function isOldDatum(crs: Crs): boolean {
  return crs.kind !== 'web-mercator' && (crs.datum === 'xian80' || crs.datum === 'beijing54');
}
