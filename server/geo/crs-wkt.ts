import type { Crs, DatumShift } from './crs-types.ts';
import { ELLIPSOIDS, type Datum } from './ellipsoid.ts';
import { crsFromEpsg, zoneCentralMeridian, zoneOfCentralMeridian } from './crs-epsg.ts';
import { child, children, epsgCodeOf, nameOf, numArg, parseWkt, type WktNode } from './wkt-tree.ts';

/**
 * Reading the CRS of a shapefile's .prj: ESRI WKT (what ArcGIS and most Chinese GIS software
 * write), OGC WKT1 (GDAL, QGIS) and WKT2. An EPSG code on the CRS itself wins; otherwise the
 * datum is told from its name (then the ellipsoid's) and the projection from its parameters.
 * Anything that is not exactly one of redline's CRSs is refused with what was found, because a
 * silently wrong CRS moves a licence by hundreds of metres.
 */

export interface PrjInfo {
  crs: Crs;
  /** the datum's TOWGS84 parameters when the .prj carries them (WKT1 only) */
  towgs84: DatumShift | null;
}

const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'];
const GEOGRAPHIC = ['GEOGCS', 'GEOGCRS', 'GEOGRAPHICCRS', 'GEODCRS', 'GEODETICCRS'];
const BASE = ['GEOGCS', 'BASEGEOGCRS', 'BASEGEODCRS', 'GEOGCRS', 'GEODCRS'];
const DEGREE = Math.PI / 180;

/** Lower-case letters and digits only, accents dropped, ESRI's D_/GCS_ prefixes removed. */
function norm(s: string): string {
  return s
    .replace(/^(D|GCS)_/i, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const DATUM_PATTERNS: readonly [RegExp, Datum][] = [
  [/china2000|cgcs2000|chinageodeticcoordinatesystem2000|国家2000|2000国家|中国2000/u, 'cgcs2000'],
  [/xian1980|xian80|西安1980|西安80|1980西安/u, 'xian80'],
  [/beijing1954|beijing54|北京1954|北京54|1954北京/u, 'beijing54'],
  [/wgs1984|wgs84|worldgeodeticsystem1984/u, 'wgs84'],
];

const ELLIPSOID_PATTERNS: readonly [RegExp, Datum][] = [
  [/cgcs2000|china2000|grs1980|grs80/u, 'cgcs2000'],
  [/xian1980|iag1975|iag75|iau1976|iau76/u, 'xian80'],
  [/krassowsky|krasovsky|krassovsky|krasovskiy/u, 'beijing54'],
  [/wgs1984|wgs84/u, 'wgs84'],
];

/** Datum names that say nothing, after which the ellipsoid is the only clue. */
const GENERIC = /^(|unknown.*|notspecified.*|undefined|unnamed|none|custom.*|userdefined.*)$/u;

function matchName(patterns: readonly [RegExp, Datum][], name: string): Datum | null {
  const n = norm(name);
  for (const [re, d] of patterns) if (re.test(n)) return d;
  return null;
}

/** semi-major axis and inverse flattening of SPHEROID/ELLIPSOID, metres */
function spheroidOf(datum: WktNode | undefined): { name: string; a: number; invf: number } | null {
  const sph = datum && child(datum, 'SPHEROID', 'ELLIPSOID');
  const a = numArg(sph, 1);
  const invf = numArg(sph, 2);
  if (!sph || a === undefined || invf === undefined) return null;
  const unit = numArg(child(sph, 'LENGTHUNIT', 'UNIT'), 1) ?? 1;
  return { name: nameOf(sph), a: a * unit, invf };
}

function ellipsoidMatches(d: Datum, a: number, invf: number, tolInvf: number): boolean {
  const e = ELLIPSOIDS[d];
  return Math.abs(e.a - a) < 0.5 && Math.abs(1 / e.f - invf) < tolInvf;
}

function describeSpheroid(s: { name: string; a: number; invf: number } | null): string {
  return s ? `ellipsoid "${s.name}" (a = ${s.a} m, 1/f = ${s.invf})` : 'no ellipsoid';
}

function identifyDatum(geog: WktNode): Datum {
  const datum = child(geog, 'DATUM', 'GEODETICDATUM', 'TRF', 'ENSEMBLE');
  const datumName = nameOf(datum);
  const sph = spheroidOf(datum);
  if (/newbeijing|新北京/u.test(norm(datumName)) || /newbeijing/u.test(norm(nameOf(geog)))) {
    throw new Error(
      `datum "${datumName}" (New Beijing) is not supported: redline reads CGCS2000, WGS 84, ` +
        `Xian 1980 and Beijing 1954`,
    );
  }
  // GDAL names datums it cannot identify "Unknown based on … ellipsoid using towgs84=…"
  const generic = GENERIC.test(norm(datumName));
  let found =
    (generic ? null : matchName(DATUM_PATTERNS, datumName)) ?? matchName(DATUM_PATTERNS, nameOf(geog));
  if (!found && generic && sph) {
    found = matchName(ELLIPSOID_PATTERNS, sph.name);
    if (!found) {
      // 1/f to 5e-7 tells CGCS2000 (298.257222101) from WGS 84 (298.257223563)
      for (const d of ['cgcs2000', 'wgs84', 'xian80', 'beijing54'] as const) {
        if (ellipsoidMatches(d, sph.a, sph.invf, 5e-7)) found = d;
        if (found) break;
      }
    }
  }
  if (!found) {
    throw new Error(
      `datum "${datumName || nameOf(geog)}" with ${describeSpheroid(sph)} is not one redline ` +
        `knows: CGCS2000, WGS 84, Xian 1980 or Beijing 1954`,
    );
  }
  // A datum name on the wrong ellipsoid means a hand-edited or broken .prj: trust neither.
  if (sph && !ellipsoidMatches(found, sph.a, sph.invf, 1e-3)) {
    throw new Error(
      `datum "${datumName}" does not fit its ${describeSpheroid(sph)}: the datum's ellipsoid ` +
        `has a = ${ELLIPSOIDS[found].a} m, 1/f = ${1 / ELLIPSOIDS[found].f}`,
    );
  }
  return found;
}

function towgs84Of(geog: WktNode): DatumShift | null {
  const datum = child(geog, 'DATUM', 'GEODETICDATUM');
  const t = datum && child(datum, 'TOWGS84');
  if (!t) return null;
  const v = t.args.map(Number);
  if ((v.length !== 3 && v.length !== 7) || v.some((x) => !Number.isFinite(x))) return null;
  const [dx, dy, dz, rx = 0, ry = 0, rz = 0, ds = 0] = v;
  return { dx, dy, dz, rx, ry, rz, ds };
}

/** Conversion factor to radians (angles) or metres (lengths) of UNIT-like children, if any. */
function unitFactors(n: WktNode, keywords: string[]): number[] {
  const out: number[] = [];
  const scan = (m: WktNode): void => {
    for (const u of children(m, ...keywords)) {
      const f = numArg(u, 1);
      if (f !== undefined) out.push(f);
    }
  };
  scan(n);
  for (const axis of children(n, 'AXIS')) scan(axis);
  const cs = child(n, 'CS');
  if (cs) scan(cs);
  return out;
}

function unwrap(root: WktNode): WktNode {
  if (root.keyword === 'COMPD_CS' || root.keyword === 'COMPOUNDCRS') {
    const horizontal = root.args.find(
      (a): a is WktNode => typeof a === 'object' && [...PROJECTED, ...GEOGRAPHIC].includes(a.keyword),
    );
    if (horizontal) return horizontal;
  }
  if (root.keyword === 'BOUNDCRS') {
    const src = child(root, 'SOURCECRS');
    const inner = src?.args.find((a): a is WktNode => typeof a === 'object');
    if (inner) return unwrap(inner);
  }
  return root;
}

/** The CRS in a .prj file's text, plus TOWGS84 parameters when present. */
export function readPrj(wkt: string): PrjInfo {
  const root = unwrap(parseWkt(wkt));
  const code = epsgCodeOf(root);
  const label = `"${nameOf(root)}"${code ? ` (EPSG:${code})` : ''}`;
  const isProjected = PROJECTED.includes(root.keyword);
  if (!isProjected && !GEOGRAPHIC.includes(root.keyword)) {
    throw new Error(
      `${root.keyword} ${label} is not a CRS redline supports: it reads geographic (lon/lat) and ` +
        `projected (Gauss-Kruger, Web Mercator) CRSs`,
    );
  }
  const geog = isProjected ? child(root, ...BASE) : root;
  const towgs84 = geog ? towgs84Of(geog) : null;
  if (code !== null) {
    try {
      return { crs: crsFromEpsg(code), towgs84 };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // an EPSG code redline does not list: the parameters may still describe a supported CRS
    }
  }
  try {
    if (!geog) throw new Error(`no geographic CRS inside`);
    const crs = isProjected ? projected(root, geog) : geographic(root);
    return { crs, towgs84 };
  } catch (e) {
    throw new Error(`${label} is not a CRS redline supports: ${(e as Error).message}`);
  }
}

export function crsFromPrj(wkt: string): Crs {
  return readPrj(wkt).crs;
}

function checkGreenwich(geog: WktNode): void {
  const pm = child(geog, 'PRIMEM', 'PRIMEMERIDIAN');
  const lon = numArg(pm, 1);
  if (lon !== undefined && lon !== 0) throw new Error(`prime meridian "${nameOf(pm)}" is not Greenwich`);
}

function geographic(geog: WktNode): Crs {
  const cs = child(geog, 'CS');
  if (cs && String(cs.args[0]).toLowerCase() === 'cartesian') {
    throw new Error('it is geocentric (X, Y, Z), not longitude/latitude');
  }
  checkGreenwich(geog);
  for (const f of unitFactors(geog, ['UNIT', 'ANGLEUNIT'])) {
    if (Math.abs(f / DEGREE - 1) > 1e-9) throw new Error(`angles are not in degrees (unit ${f} rad)`);
  }
  return { kind: 'geographic', datum: identifyDatum(geog) };
}

/**
 * An angle in a unit of `factor` radians, in degrees. WKT writes the degree as 0.0174532925199433,
 * a hair off π/180: taken literally it would turn 117 into 117.00000000000001.
 */
function toDegrees(v: number, factor: number): number {
  return Math.abs(factor / DEGREE - 1) < 1e-12 ? v : (v * factor) / DEGREE;
}

interface Method {
  name: string;
  id: number | null;
  /** normalised parameter name → value in degrees / metres / unity */
  params: Map<string, number>;
}

function methodOf(proj: WktNode, geog: WktNode): Method {
  const conv = child(proj, 'CONVERSION');
  const holder = conv ?? proj;
  const m = child(holder, 'PROJECTION', 'METHOD');
  if (!m) throw new Error('no projection method');
  // WKT1 gives angular parameters in the geographic CRS's unit; WKT2 gives each its own unit
  const geogUnit = unitFactors(geog, ['UNIT', 'ANGLEUNIT'])[0] ?? DEGREE;
  const params = new Map<string, number>();
  for (const p of children(holder, 'PARAMETER')) {
    let v = numArg(p, 1);
    if (v === undefined) continue;
    const ang = numArg(child(p, 'ANGLEUNIT'), 1);
    const len = numArg(child(p, 'LENGTHUNIT'), 1);
    const key = norm(nameOf(p));
    if (ang !== undefined) v = toDegrees(v, ang);
    else if (len !== undefined) v *= len;
    else if (!conv && /latitude|longitude|meridian|parallel/u.test(key)) v = toDegrees(v, geogUnit);
    params.set(key, v);
  }
  return { name: nameOf(m), id: epsgCodeOf(m), params };
}

/** Take a parameter by any of its names, defaulting as GDAL does when absent. */
function take(params: Map<string, number>, names: string[], fallback: number): number {
  for (const n of names) {
    const v = params.get(n);
    if (v !== undefined) {
      params.delete(n);
      return v;
    }
  }
  return fallback;
}

const TM_METHODS = ['transversemercator', 'gausskruger', 'gausskrueger', 'tmerc'];
const WEB_METHODS = ['mercatorauxiliarysphere', 'popularvisualisationpseudomercator',
  'popularvisualizationpseudomercator', 'pseudomercator'];
const MERCATOR_METHODS = ['mercator', 'mercator1sp', 'mercatorvarianta', 'mercator2sp', 'mercatorvariantb'];

function projected(proj: WktNode, geog: WktNode): Crs {
  const method = methodOf(proj, geog);
  const mname = norm(method.name);
  for (const f of unitFactors(proj, ['UNIT', 'LENGTHUNIT'])) {
    if (Math.abs(f - 1) > 1e-12) throw new Error(`coordinates are not in metres (unit ${f} m)`);
  }
  checkGreenwich(geog);
  if (isWebMercator(proj, geog, method, mname)) {
    const p = method.params;
    const offsets = ['centralmeridian', 'longitudeofnaturalorigin', 'falseeasting', 'falsenorthing',
      'standardparallel1', 'latitudeoforigin', 'latitudeofnaturalorigin', 'auxiliaryspheretype'];
    for (const k of offsets) {
      if ((p.get(k) ?? 0) !== 0) throw new Error(`Web Mercator with ${k} = ${p.get(k)} (must be 0)`);
    }
    return { kind: 'web-mercator' };
  }
  if (!TM_METHODS.includes(mname) && method.id !== 9807) {
    throw new Error(`projection "${method.name}" is not Gauss-Kruger (transverse Mercator) or Web Mercator`);
  }
  const datum = identifyDatum(geog);
  const p = method.params;
  const lat0 = take(p, ['latitudeoforigin', 'latitudeofnaturalorigin', 'originlatitude'], 0);
  let cm = take(p, ['centralmeridian', 'longitudeofnaturalorigin', 'longitudeoforigin',
    'longitudeofcenter', 'longitudeofcentre'], NaN);
  const k = take(p, ['scalefactor', 'scalefactoratnaturalorigin'], 1);
  const fe = take(p, ['falseeasting'], 0);
  const fn = take(p, ['falsenorthing'], 0);
  const rest = [...p.keys()];
  if (rest.length) throw new Error(`unexpected transverse Mercator parameter(s): ${rest.join(', ')}`);
  if (!Number.isFinite(cm)) throw new Error('no central meridian');
  if (Math.abs(cm - Math.round(cm)) < 1e-9) cm = Math.round(cm);
  if (Math.abs(k - 1) > 1e-12) throw new Error(`scale factor is ${k} (Gauss-Kruger needs 1; UTM uses 0.9996)`);
  if (Math.abs(lat0) > 1e-12) throw new Error(`latitude of origin is ${lat0}° (Gauss-Kruger needs 0)`);
  if (Math.abs(fn) > 1e-6) throw new Error(`false northing is ${fn} m (Gauss-Kruger needs 0)`);
  const prefixZone = (fe - 500_000) / 1_000_000;
  if (Math.abs(fe - 500_000) < 1e-6) {
    const zoneWidth = widthFromName(nameOf(proj)) ?? 3;
    return { kind: 'gauss-kruger', datum, centralMeridian: cm, zoneWidth,
      zone: zoneOfCentralMeridian(zoneWidth, cm), falseEasting: 500_000 };
  }
  const z = Math.round(prefixZone);
  if (Math.abs(prefixZone - z) > 1e-9 || z < 1 || z > 120) {
    throw new Error(`false easting ${fe} m is neither 500000 m nor zone × 1000000 + 500000 m`);
  }
  // The zone number in the false easting fixes the width; it must agree with the meridian.
  const zoneWidth = zoneCentralMeridian(6, z) === cm ? 6 : zoneCentralMeridian(3, z) === cm ? 3 : null;
  if (zoneWidth === null) {
    throw new Error(
      `false easting ${fe} m carries zone ${z}, but the central meridian is ${cm}° ` +
        `(zone ${z} is ${zoneCentralMeridian(3, z)}° in 3-degree zones, ${zoneCentralMeridian(6, z)}° in 6-degree zones)`,
    );
  }
  return { kind: 'gauss-kruger', datum, centralMeridian: cm, zoneWidth, zone: z, falseEasting: fe };
}

/**
 * Zone width of a Gauss-Krüger CRS without zone prefix, from its name: EPSG and ESRI name the
 * 3° systems "3-degree"/"3_Degree" and leave the 6° ones bare ("…_GK_CM_117E").
 * When the name says nothing the caller assumes 3°: licence corners are surveyed in 3° zones, and
 * the width is only a label here: it changes no coordinate.
 */
function widthFromName(name: string): 3 | 6 | null {
  const s = norm(name);
  if (/3degree|3deg|三度|3度/u.test(s)) return 3;
  if (/6degree|6deg|六度|6度/u.test(s)) return 6;
  if (/(gausskruger|gausskrueger|gk)(cm\d|zone\d)/u.test(s)) return 6;
  return null;
}

function isWebMercator(proj: WktNode, geog: WktNode, method: Method, mname: string): boolean {
  if (WEB_METHODS.includes(mname) || method.id === 1024) return true;
  if (!MERCATOR_METHODS.includes(mname)) return false;
  const name = norm(nameOf(proj));
  if (/pseudomercator|webmercator|googlemaps|popularvisuali[sz]ation/u.test(name)) return true;
  const ext = children(proj, 'EXTENSION').map((e) => String(e.args[1] ?? '')).join(' ');
  if (/\+a=6378137\b/.test(ext) && /\+b=6378137\b/.test(ext)) return true;
  const sph = spheroidOf(child(geog, 'DATUM', 'GEODETICDATUM', 'ENSEMBLE'));
  if (sph && sph.a === 6378137 && sph.invf === 0) return true;
  throw new Error(`projection "${method.name}" on an ellipsoid (e.g. EPSG:3395) is not Web Mercator`);
}
