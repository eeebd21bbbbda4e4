/**
 * The spec of server/geo/projection.ts (with tmerc.ts and datum-shift.ts). PROJ 9.1, through
 * gdal-async, is the independent oracle. The oracle's CRSs are built from PROJ strings, so both
 * sides take x = longitude/easting first (EPSG:4490 and the EPSG Gauss-Krüger codes would be
 * latitude/northing first under GDAL 3's authority axis order).
 */
import { afterAll, describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import type { Crs, DatumShift, GaussKruger } from '../../server/geo/crs-types.ts';
import { ELLIPSOIDS, type Datum } from '../../server/geo/ellipsoid.ts';
import { fromLonLat, makeTransform, parseDatumShift, toLonLat } from '../../server/geo/projection.ts';
import { geocentricToGeodetic, geodeticToGeocentric } from '../../server/geo/datum-shift.ts';

const MM = 1e-3;
const worst = new Map<string, number>();
function record(what: string, d: number): void {
  worst.set(what, Math.max(worst.get(what) ?? 0, d));
}
afterAll(() => {
  for (const [k, v] of worst) console.log(`${k}: max difference from PROJ ${(v * 1000).toExponential(2)} mm`);
});

/** Deterministic points: lat 18–53, up to 250 km either side of the central meridian. */
function samplePoints(cm: number, count: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    const lat = 18 + 35 * rnd();
    const km = (rnd() * 2 - 1) * 250;
    out[2 * i] = cm + km / (111.32 * Math.cos((lat * Math.PI) / 180));
    out[2 * i + 1] = lat;
  }
  return out;
}

function ellProj4(datum: Datum): string {
  const { a, f } = ELLIPSOIDS[datum];
  return `+a=${a} +rf=${1 / f}`;
}

function towgs84(p: DatumShift): string {
  return `+towgs84=${[p.dx, p.dy, p.dz, p.rx, p.ry, p.rz, p.ds].join(',')}`;
}

function tmProj4(datum: Datum, cm: number, fe: number, extra = ''): string {
  return `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=1 +x_0=${fe} +y_0=0 ${ellProj4(datum)} ${extra} +units=m +no_defs`;
}

function lonlatProj4(datum: Datum, extra = ''): string {
  return `+proj=longlat ${ellProj4(datum)} ${extra} +no_defs`;
}

function proj(from: string, to: string, c: Float64Array): Float64Array {
  const ct = new gdal.CoordinateTransformation(
    gdal.SpatialReference.fromProj4(from),
    gdal.SpatialReference.fromProj4(to),
  );
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i += 2) {
    const p = ct.transformPoint(c[i], c[i + 1]);
    out[i] = p.x;
    out[i + 1] = p.y;
  }
  return out;
}

/** Largest distance in metres between two arrays of projected points. */
function maxMetres(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i += 2) m = Math.max(m, Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1]));
  return m;
}

/** Largest distance in metres between two arrays of lon/lat degrees (local flat approximation). */
function maxMetresLonLat(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i += 2) {
    const k = 111_320;
    const dx = (a[i] - b[i]) * k * Math.cos((a[i + 1] * Math.PI) / 180);
    m = Math.max(m, Math.hypot(dx, (a[i + 1] - b[i + 1]) * 110_570));
  }
  return m;
}

function gk(datum: Datum, cm: number, zoneWidth: 3 | 6, zone: number | null, fe: number): GaussKruger {
  return { kind: 'gauss-kruger', datum, centralMeridian: cm, zoneWidth, zone, falseEasting: fe };
}

const LONLAT: Crs = { kind: 'geographic', datum: 'cgcs2000' };

describe('transverse Mercator (Gauss-Krüger) against PROJ', () => {
  const cases: [Datum, number][] = [
    ['cgcs2000', 117], ['cgcs2000', 75], ['cgcs2000', 135], ['xian80', 111], ['beijing54', 123],
    ['wgs84', 102],
  ];
  for (const [datum, cm] of cases) {
    it(`${datum}, CM ${cm}°E: forward and inverse within 1 mm, 250 km off the meridian`, () => {
      const ll = samplePoints(cm, 2000, cm * 7 + datum.length);
      const crs = gk(datum, cm, 3, cm / 3, (cm / 3) * 1e6 + 500_000);
      const fwd = makeTransform({ kind: 'geographic', datum }, crs);
      expect(fwd.warnings).toEqual([]);
      const mine = fwd(ll);
      const theirs = proj(lonlatProj4(datum), tmProj4(datum, cm, crs.falseEasting), ll);
      const d = maxMetres(mine, theirs);
      record('tmerc forward', d);
      expect(d).toBeLessThan(MM);

      const back = makeTransform(crs, { kind: 'geographic', datum })(theirs);
      const theirsBack = proj(tmProj4(datum, cm, crs.falseEasting), lonlatProj4(datum), theirs);
      const di = maxMetresLonLat(back, theirsBack);
      record('tmerc inverse', di);
      expect(di).toBeLessThan(MM);
      expect(maxMetresLonLat(back, ll)).toBeLessThan(1e-6);
    });
  }

  it('keeps a point on the central meridian at easting 500 000 m', () => {
    const out = fromLonLat(gk('cgcs2000', 117, 3, 39, 500_000))(new Float64Array([117, 40]));
    expect(out[0]).toBeCloseTo(500_000, 6);
    // meridian arc to 40°N on GRS80, from PROJ
    const p = proj(lonlatProj4('cgcs2000'), tmProj4('cgcs2000', 117, 500_000), new Float64Array([117, 40]));
    expect(Math.abs(out[1] - p[1])).toBeLessThan(1e-6);
  });

  it('maps between zone-prefixed and plain eastings exactly', () => {
    const ll = samplePoints(117, 100, 3);
    const withPrefix = gk('cgcs2000', 117, 3, 39, 39_500_000);
    const plain = gk('cgcs2000', 117, 3, 39, 500_000);
    const a = fromLonLat(withPrefix)(ll);
    const b = makeTransform(withPrefix, plain)(a);
    const c = fromLonLat(plain)(ll);
    expect(maxMetres(b, c)).toBeLessThan(1e-8);
  });

  it('reprojects between neighbouring zones through lon/lat', () => {
    const ll = samplePoints(118.5, 200, 9);
    const z39 = gk('cgcs2000', 117, 3, 39, 39_500_000);
    const z40 = gk('cgcs2000', 120, 3, 40, 40_500_000);
    const mine = makeTransform(z39, z40)(fromLonLat(z39)(ll));
    const theirs = proj(lonlatProj4('cgcs2000'), tmProj4('cgcs2000', 120, 40_500_000), ll);
    expect(maxMetres(mine, theirs)).toBeLessThan(MM);
  });
});

describe('Web Mercator', () => {
  it('agrees with PROJ (EPSG:3857) both ways', () => {
    const ll = samplePoints(110, 500, 5);
    const wm: Crs = { kind: 'web-mercator' };
    const wmProj4 = '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs';
    const wgs: Crs = { kind: 'geographic', datum: 'wgs84' };
    const mine = makeTransform(wgs, wm)(ll);
    const theirs = proj(lonlatProj4('wgs84'), wmProj4, ll);
    expect(maxMetres(mine, theirs)).toBeLessThan(MM);
    expect(maxMetresLonLat(toLonLat(wm)(mine), ll)).toBeLessThan(1e-6);
  });
});

describe('geocentric coordinates', () => {
  it('agree with PROJ geocent and round-trip', () => {
    const ll = samplePoints(100, 50, 11);
    const ct = new gdal.CoordinateTransformation(
      gdal.SpatialReference.fromProj4(lonlatProj4('xian80')),
      gdal.SpatialReference.fromProj4(`+proj=geocent ${ellProj4('xian80')} +units=m +no_defs`),
    );
    for (let i = 0; i < ll.length; i += 2) {
      const [X, Y, Z] = geodeticToGeocentric(ELLIPSOIDS.xian80, ll[i], ll[i + 1], 123.4);
      const p = ct.transformPoint(ll[i], ll[i + 1], 123.4);
      expect(Math.hypot(X - p.x, Y - p.y, Z - (p.z ?? NaN))).toBeLessThan(1e-6);
      const [lon, lat, h] = geocentricToGeodetic(ELLIPSOIDS.xian80, X, Y, Z);
      expect(Math.abs(lon - ll[i]) * 1.1e5).toBeLessThan(1e-6);
      expect(Math.abs(lat - ll[i + 1]) * 1.1e5).toBeLessThan(1e-6);
      expect(Math.abs(h - 123.4)).toBeLessThan(1e-6);
    }
  });
});

describe('datum shifts (Bursa-Wolf) against PROJ +towgs84', () => {
  // made-up but realistic parameter sets: translations of tens to a hundred metres, rotations of
  // a few arc-seconds, scale a few ppm
  const SEVEN: DatumShift = { dx: -15.4, dy: 128.7, dz: 62.3, rx: 1.2, ry: -0.8, rz: 2.1, ds: -3.5 };
  const THREE: DatumShift = { dx: 24.5, dy: -130.1, dz: -81.9, rx: 0, ry: 0, rz: 0, ds: 0 };
  const cases: [Datum, DatumShift, string][] = [
    ['xian80', SEVEN, '7-parameter'],
    ['beijing54', SEVEN, '7-parameter'],
    ['beijing54', THREE, '3-parameter'],
    ['xian80', THREE, '3-parameter'],
  ];
  for (const [datum, shift, label] of cases) {
    it(`${datum} GK → CGCS2000 lon/lat and back, ${label}, within 1 mm`, () => {
      const cm = 114;
      const old = gk(datum, cm, 3, 38, 38_500_000);
      const oldProj4 = tmProj4(datum, cm, 38_500_000, towgs84(shift));
      const cgcs = lonlatProj4('cgcs2000', '+towgs84=0,0,0');
      // points in the old datum's plane
      const xy = proj(lonlatProj4(datum), tmProj4(datum, cm, 38_500_000), samplePoints(cm, 1000, 17));

      const t = toLonLat(old, shift);
      expect(t.warnings).toEqual([]);
      const mine = t(xy);
      const theirs = proj(oldProj4, cgcs, xy);
      const d = maxMetresLonLat(mine, theirs);
      record(`datum shift ${label} forward`, d);
      expect(d).toBeLessThan(MM);

      // PROJ builds this direction's pipeline with the WGS 84 ellipsoid on the CGCS2000 side
      // (its +towgs84 hub), which alone moves points by ~0.1 mm; ours uses GRS80 and round-trips
      // to nanometres.
      const back = fromLonLat(old, shift)(theirs);
      const theirsBack = proj(cgcs, oldProj4, theirs);
      const db = maxMetres(back, theirsBack);
      record(`datum shift ${label} inverse`, db);
      expect(db).toBeLessThan(MM);
      // (no exact round trip to check: a 2-D shift drops the ellipsoidal height the point gets on
      // the other datum, so there and back differs by ~1 mm, in PROJ as here)
    });
  }

  it('goes straight from an old-datum zone to a CGCS2000 zone', () => {
    const from = gk('beijing54', 117, 3, 39, 39_500_000);
    const to = gk('cgcs2000', 117, 3, 39, 500_000);
    const xy = proj(lonlatProj4('beijing54'), tmProj4('beijing54', 117, 39_500_000), samplePoints(117, 300, 23));
    const mine = makeTransform(from, to, SEVEN)(xy);
    const theirs = proj(tmProj4('beijing54', 117, 39_500_000, towgs84(SEVEN)),
      tmProj4('cgcs2000', 117, 500_000, '+towgs84=0,0,0'), xy);
    expect(maxMetres(mine, theirs)).toBeLessThan(MM);
  });

  it('warns, and uses a zero shift, when no parameters are given', () => {
    const from = gk('xian80', 117, 3, 39, 39_500_000);
    const t = toLonLat(from);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/^Xian 1980 → CGCS2000 without transformation parameters: assumed no datum shift; positions may be off by tens of metres/);
    expect(t.warnings[0]).toContain('--datum-shift');
    const xy = fromLonLat(from, THREE)(samplePoints(117, 20, 1));
    const zero = { dx: 0, dy: 0, dz: 0, rx: 0, ry: 0, rz: 0, ds: 0 };
    expect(maxMetresLonLat(t(xy), toLonLat(from, zero)(xy))).toBe(0);
    const back = fromLonLat(gk('beijing54', 117, 3, 39, 500_000));
    expect(back.warnings[0]).toMatch(/^CGCS2000 → Beijing 1954 without transformation parameters/);
  });

  it('treats WGS 84 and CGCS2000 as one frame, silently', () => {
    const t = makeTransform({ kind: 'geographic', datum: 'wgs84' }, LONLAT);
    expect(t.identity).toBe(true);
    expect(t.warnings).toEqual([]);
    const input = new Float64Array([117, 40]);
    const out = t(input);
    expect(out).not.toBe(input);
    expect([...out]).toEqual([117, 40]);
    // and says so when a shift was given for nothing
    expect(makeTransform(LONLAT, gk('cgcs2000', 117, 3, 39, 500_000), THREE).warnings[0]).toMatch(/not used/);
  });

  it('refuses Xian 1980 ↔ Beijing 1954', () => {
    expect(() => makeTransform({ kind: 'geographic', datum: 'xian80' }, { kind: 'geographic', datum: 'beijing54' }))
      .toThrow(/Xian 1980 → Beijing 1954 is not supported/);
  });
});

describe('parseDatumShift', () => {
  it('reads 3 and 7 parameters', () => {
    expect(parseDatumShift('24.5,-130.1,-81.9')).toEqual({ dx: 24.5, dy: -130.1, dz: -81.9, rx: 0, ry: 0, rz: 0, ds: 0 });
    expect(parseDatumShift(' -15.4, 128.7, 62.3, 1.2, -0.8, 2.1, -3.5 ')).toEqual({
      dx: -15.4, dy: 128.7, dz: 62.3, rx: 1.2, ry: -0.8, rz: 2.1, ds: -3.5,
    });
  });
  it('rejects anything else clearly', () => {
    for (const bad of ['', '1,2', '1,2,3,4', '1,2,x', '1,2,3,4,5,6,7,8', 'NaN,1,2', '1e400,0,0']) {
      expect(() => parseDatumShift(bad)).toThrow(/give 3 numbers "dx,dy,dz" .* or 7 numbers/);
    }
  });
});

describe('Transform', () => {
  it('returns a new array and rejects odd lengths', () => {
    const t = fromLonLat(gk('cgcs2000', 117, 3, 39, 500_000));
    expect(t.identity).toBe(false);
    const input = new Float64Array([117, 40, 117.5, 40.5]);
    const out = t(input);
    expect(out).not.toBe(input);
    expect([...input]).toEqual([117, 40, 117.5, 40.5]);
    expect(() => t(new Float64Array(3))).toThrow(RangeError);
  });
});
