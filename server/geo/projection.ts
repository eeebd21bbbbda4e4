import type { Crs, DatumShift } from './crs-types.ts';
import { DATUM_NAMES, ELLIPSOIDS, type Datum } from './ellipsoid.ts';
import { helmertPass, parseDatumShift, ZERO_SHIFT } from './datum-shift.ts';
import { tmForward, tmInverse, tmSetup } from './tmerc.ts';
import type { Ring } from './types.ts';

/**
 * Coordinate transforms between the CRSs redline reads (see crs-types.ts), in pure TypeScript so
 * the server needs no PROJ at run time. A transform is a list of in-place passes over a copy of
 * the flat [x0, y0, x1, y1, …] array — projection inverse → datum shift → projection forward —
 * with lon/lat in degrees between passes. Nothing is allocated per point.
 *
 * Speed, measured on this project's 2-core AMD EPYC VM (Node 20.20, best of 12 runs while other
 * jobs shared the machine; a bare `Math.sin` loop runs at 22 ns/point there), 2 000 000 points
 * at lat 18–53 up to 250 km off the central meridian, including the copy into the new array:
 *   lon/lat → CGCS2000 3° Gauss-Krüger      114–125 ns/point (vitest run: 125–155)
 *   Gauss-Krüger → lon/lat                  147–200 ns/point
 *   Xian 1980 GK → CGCS2000 GK, 7 params    420–520 ns/point (inverse + Bursa-Wolf + forward)
 * The forward projection makes three transcendental calls per point (sin φ, sin λ, atan2; see
 * tmerc.ts), the rest is arithmetic.
 */

export { parseDatumShift };

export interface Transform {
  (coords: Float64Array): Float64Array;
  warnings: readonly string[];
  /** true when the output equals the input (the call still returns a new array) */
  identity: boolean;
}

type Pass = (c: Float64Array) => void;

/**
 * The datum a CRS's coordinates are really on. WGS 84 and CGCS2000 are both ITRF-aligned and
 * differ by a few centimetres, less than any licence's survey accuracy, so redline treats them as
 * one frame: lon/lat are carried over unchanged (as PROJ's own null transformation between
 * EPSG:4326 and EPSG:4490 does). Their ellipsoids differ in the ninth digit of the flattening,
 * which moves projected coordinates by about 0.1 mm at most.
 */
type Frame = 'cgcs2000' | 'xian80' | 'beijing54';

function datumOf(crs: Crs): Datum {
  return crs.kind === 'web-mercator' ? 'wgs84' : crs.datum;
}

function frameOf(d: Datum): Frame {
  return d === 'wgs84' ? 'cgcs2000' : d;
}

/** Web Mercator (EPSG:3857) is spherical Mercator on a = 6378137 applied to WGS 84 lon/lat. */
const WM_A = 6378137;
const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

function webMercatorForward(c: Float64Array): void {
  for (let i = 0; i < c.length; i += 2) {
    c[i] = WM_A * c[i] * D2R;
    c[i + 1] = WM_A * Math.asinh(Math.tan(c[i + 1] * D2R));
  }
}

function webMercatorInverse(c: Float64Array): void {
  for (let i = 0; i < c.length; i += 2) {
    c[i] = (c[i] / WM_A) * R2D;
    c[i + 1] = Math.atan(Math.sinh(c[i + 1] / WM_A)) * R2D;
  }
}

/** Passes taking `crs` coordinates to lon/lat degrees on its own datum. */
function toGeographic(crs: Crs): Pass[] {
  switch (crs.kind) {
    case 'geographic':
      return [];
    case 'web-mercator':
      return [webMercatorInverse];
    case 'gauss-kruger': {
      const s = tmSetup(ELLIPSOIDS[crs.datum], crs.centralMeridian, crs.falseEasting);
      return [(c) => tmInverse(c, s)];
    }
  }
}

/** Passes taking lon/lat degrees on the datum of `crs` to `crs` coordinates. */
function fromGeographic(crs: Crs): Pass[] {
  switch (crs.kind) {
    case 'geographic':
      return [];
    case 'web-mercator':
      return [webMercatorForward];
    case 'gauss-kruger': {
      const s = tmSetup(ELLIPSOIDS[crs.datum], crs.centralMeridian, crs.falseEasting);
      return [(c) => tmForward(c, s)];
    }
  }
}

function sameCrs(a: Crs, b: Crs): boolean {
  if (a.kind === 'web-mercator' || b.kind === 'web-mercator') return a.kind === b.kind;
  if (a.kind === 'geographic' || b.kind === 'geographic') {
    return a.kind === b.kind && frameOf(a.datum) === frameOf(b.datum);
  }
  return (
    a.datum === b.datum &&
    a.centralMeridian === b.centralMeridian &&
    a.falseEasting === b.falseEasting
  );
}

function noShiftWarning(from: Datum, to: Datum): string {
  const old = from === 'xian80' || from === 'beijing54' ? from : to;
  return (
    `${DATUM_NAMES[from]} → ${DATUM_NAMES[to]} without transformation parameters: assumed no ` +
    `datum shift; positions may be off by tens of metres or more — pass --datum-shift ` +
    `dx,dy,dz or dx,dy,dz,rx,ry,rz,ppm with the ${DATUM_NAMES[old]} → CGCS2000 parameters ` +
    `published for your area`
  );
}

/**
 * The passes between the datums of `from` and `to`, in lon/lat degrees. `shift` always means
 * "old datum → CGCS2000" and is applied backwards when going the other way.
 */
function datumPasses(from: Datum, to: Datum, shift: DatumShift | undefined, warnings: string[]): Pass[] {
  const f = frameOf(from);
  const t = frameOf(to);
  if (f === t) {
    if (shift && f === 'cgcs2000') {
      warnings.push(
        `the datum shift given was not used: both ${DATUM_NAMES[from]} and ${DATUM_NAMES[to]} ` +
          `are treated as CGCS2000`,
      );
    } else if (shift) {
      warnings.push(`the datum shift given was not used: both sides are on ${DATUM_NAMES[from]}`);
    }
    return [];
  }
  if (f !== 'cgcs2000' && t !== 'cgcs2000') {
    throw new Error(
      `${DATUM_NAMES[from]} → ${DATUM_NAMES[to]} is not supported: redline shifts the old datums ` +
        `to and from CGCS2000 only; convert the data to CGCS2000 first`,
    );
  }
  if (!shift) warnings.push(noShiftWarning(from, to));
  // A zero shift still goes through geocentric coordinates, so that "no parameters" and
  // "parameters 0,0,0" give the same result (as PROJ with +towgs84=0,0,0 does).
  return [helmertPass(ELLIPSOIDS[from], ELLIPSOIDS[to], shift ?? ZERO_SHIFT, t !== 'cgcs2000')];
}

function build(passes: Pass[], warnings: string[], identity: boolean): Transform {
  const fn = (coords: Float64Array): Float64Array => {
    if (coords.length % 2 !== 0) {
      throw new RangeError(`coordinate array has odd length ${coords.length}: expected x,y pairs`);
    }
    const out = coords.slice();
    for (const p of passes) p(out);
    return out;
  };
  return Object.assign(fn, { warnings: Object.freeze(warnings), identity });
}

/**
 * A function mapping flat coordinate arrays in `from` to new arrays in `to`. `shift` gives the
 * Bursa-Wolf parameters from the old datum (Xian 1980 or Beijing 1954) to CGCS2000 when one side
 * is on an old datum; without it the datums are taken as coincident and `warnings` says so.
 */
export function makeTransform(from: Crs, to: Crs, shift?: DatumShift): Transform {
  const warnings: string[] = [];
  const df = datumOf(from);
  const dt = datumOf(to);
  const datum = datumPasses(df, dt, shift, warnings);
  if (sameCrs(from, to)) return build([], warnings, true);
  // Same ellipsoid and central meridian, only the zone prefix differs: shift eastings directly
  // (this is the common "zone 39 with prefix → analysis plane without prefix" case).
  if (
    from.kind === 'gauss-kruger' &&
    to.kind === 'gauss-kruger' &&
    from.datum === to.datum &&
    from.centralMeridian === to.centralMeridian
  ) {
    const d = to.falseEasting - from.falseEasting;
    const offset: Pass = (c) => {
      for (let i = 0; i < c.length; i += 2) c[i] += d;
    };
    return build([offset], warnings, false);
  }
  return build([...toGeographic(from), ...datum, ...fromGeographic(to)], warnings, false);
}

const CGCS2000_LONLAT: Crs = { kind: 'geographic', datum: 'cgcs2000' };

/** `crs` → CGCS2000 lon/lat degrees. */
/** A ring with x and y exchanged: a file that has northing (or latitude) first, read the right way round. */
export function swapRing(r: Ring): Ring {
  const out = new Float64Array(r.length);
  for (let i = 0; i < r.length; i += 2) {
    out[i] = r[i + 1];
    out[i + 1] = r[i];
  }
  return out;
}

export function toLonLat(crs: Crs, shift?: DatumShift): Transform {
  return makeTransform(crs, CGCS2000_LONLAT, shift);
}

/** CGCS2000 lon/lat degrees → `crs`. */
export function fromLonLat(crs: Crs, shift?: DatumShift): Transform {
  return makeTransform(CGCS2000_LONLAT, crs, shift);
}
