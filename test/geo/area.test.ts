/**
 * The spec of server/geo/area.ts. ellipsoidalArea is checked against an independent oracle:
 * the same polygon with its edges split to ≤ 1 m in the Gauss-Krüger plane, inverse-projected by
 * PROJ (through gdal-async), then measured as a geodesic polygon by GeographicLib. On 1 m edges the
 * geodesic and the plane-straight line differ by ~1e-9 m, so the oracle is the TD/T 1055 area to
 * far better than the 1e-7 tolerance.
 */
import { afterAll, describe, expect, it } from 'vitest';
import gdal from 'gdal-async';
import geodesic from 'geographiclib-geodesic';
import { ellipsoidalArea, planeArea, ringArea } from '../../server/geo/area.ts';
import type { GaussKruger } from '../../server/geo/crs-types.ts';
import { ELLIPSOIDS, type Datum } from '../../server/geo/ellipsoid.ts';
import type { MultiPolygon, Polygon, Ring } from '../../server/geo/types.ts';
import { reverseRing } from '../../server/geo/rect-clip.ts';

const TOL = 1e-7;
let worst = 0;
let worstCase = '';
afterAll(() => {
  const w = worst.toExponential(2);
  console.log(`ellipsoidalArea: max relative error vs GeographicLib ${w} (${worstCase})`);
});

function gk(centralMeridian: number, falseEasting = 500000, datum: Datum = 'cgcs2000'): GaussKruger {
  return { kind: 'gauss-kruger', datum, centralMeridian, zoneWidth: 3, zone: null, falseEasting };
}

function ellProj4(datum: Datum): string {
  const { a, f } = ELLIPSOIDS[datum];
  return `+a=${a} +rf=${1 / f}`;
}

// Proj4 strings (no authority) keep GDAL 3 in lon/lat, easting/northing order: checked below.
type Ct = gdal.CoordinateTransformation;
function transforms(p: GaussKruger): { inv: Ct; fwd: Ct } {
  const ell = ellProj4(p.datum);
  // Poder/Engsager (PROJ's exact tmerc) explicitly, whatever proj.ini says.
  const tm = gdal.SpatialReference.fromProj4(
    `+proj=tmerc +algo=poder_engsager +lat_0=0 +lon_0=${p.centralMeridian} +k=1 ` +
      `+x_0=${p.falseEasting} +y_0=0 ${ell} +units=m +no_defs`,
  );
  const ll = gdal.SpatialReference.fromProj4(`+proj=longlat ${ell} +no_defs`);
  return { inv: new gdal.CoordinateTransformation(tm, ll), fwd: new gdal.CoordinateTransformation(ll, tm) };
}

/** Transforms flat [x0, y0, …] in one PROJ call through a WKB LineString (per-point calls are slow). */
function transformFlat(flat: Float64Array, ct: gdal.CoordinateTransformation): Float64Array {
  const n = flat.length / 2;
  const buf = Buffer.alloc(9 + 8 * flat.length);
  buf.writeUInt8(1, 0); // little-endian
  buf.writeUInt32LE(2, 1); // LineString
  buf.writeUInt32LE(n, 5);
  const le = new Float64Array(flat); // copy: the host is little-endian (x86/arm64)
  Buffer.from(le.buffer).copy(buf, 9);
  const g = gdal.Geometry.fromWKB(buf);
  g.transform(ct);
  const out = g.toWKB(gdal.wkbNDR);
  expect(out.length).toBe(buf.length); // still 2D
  return new Float64Array(out.buffer.slice(out.byteOffset + 9, out.byteOffset + out.length));
}

/** Plane point `x` metres east of the central meridian, on the parallel of `lat` there. */
function at(p: GaussKruger, x: number, lat: number): [number, number] {
  const pt = transforms(p).fwd.transformPoint(p.centralMeridian, lat);
  return [pt.x + x, pt.y];
}

function ring(origin: [number, number], offsets: Array<[number, number]>): Ring {
  const r = new Float64Array(2 * offsets.length + 2);
  offsets.forEach(([dx, dy], i) => {
    r[2 * i] = origin[0] + dx;
    r[2 * i + 1] = origin[1] + dy;
  });
  r[2 * offsets.length] = r[0];
  r[2 * offsets.length + 1] = r[1];
  return r;
}


/** Points of a closed ring with every edge split to ≤ maxLen, without the closing repeat. */
function densify(r: Ring, maxLen: number): Float64Array {
  const n = r.length / 2 - 1;
  const parts: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const len = Math.hypot(r[2 * i + 2] - r[2 * i], r[2 * i + 3] - r[2 * i + 1]);
    const m = Math.max(1, Math.ceil(len / maxLen));
    parts.push(m);
    total += m;
  }
  const out = new Float64Array(2 * total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const [xa, ya, xb, yb] = [r[2 * i], r[2 * i + 1], r[2 * i + 2], r[2 * i + 3]];
    const m = parts[i];
    for (let j = 0; j < m; j++) {
      out[k++] = xa + ((xb - xa) * j) / m;
      out[k++] = ya + ((yb - ya) * j) / m;
    }
  }
  return out;
}

/** Signed geodesic polygon area (positive counter-clockwise) of flat lon/lat points. */
function geodesicArea(lonlat: Float64Array, datum: Datum): number {
  const { a, f } = ELLIPSOIDS[datum];
  const poly = new geodesic.Geodesic.Geodesic(a, f).Polygon(false);
  for (let i = 0; i < lonlat.length; i += 2) poly.AddPoint(lonlat[i + 1], lonlat[i]);
  return poly.Compute(false, true).area ?? NaN;
}

/** The oracle: the TD/T 1055 area through edge splitting, PROJ and GeographicLib. */
function oracle(mp: MultiPolygon, p: GaussKruger, maxLen = 1): number {
  const { inv } = transforms(p);
  let total = 0;
  for (const poly of mp) {
    poly.forEach((r, i) => {
      const a = Math.abs(geodesicArea(transformFlat(densify(r, maxLen), inv), p.datum));
      total += i === 0 ? a : -a;
    });
  }
  return total;
}

function expectMatches(name: string, mp: MultiPolygon, p: GaussKruger, maxLen = 1): number {
  const ours = ellipsoidalArea(mp, p);
  const ref = oracle(mp, p, maxLen);
  const rel = Math.abs(ours / ref - 1);
  if (rel > worst) {
    worst = rel;
    worstCase = name;
  }
  expect(rel, `${name}: ours ${ours} vs GeographicLib ${ref}`).toBeLessThan(TOL);
  return ours;
}

// An irregular licence of ≈ 2.6 km², the size of a typical mining right.
const LICENCE: Array<[number, number]> = [[0, 0], [1800, 200], [1500, 1600], [-200, 1300]];

describe('ringArea and planeArea', () => {
  const sq = ring([0, 0], [[0, 0], [100, 0], [100, 100], [0, 100]]);

  it('signs rings by orientation', () => {
    expect(ringArea(sq)).toBe(10000);
    expect(ringArea(reverseRing(sq))).toBe(-10000);
    expect(ringArea(new Float64Array([0, 0, 1, 1, 0, 0]))).toBe(0);
    expect(ringArea(new Float64Array(0))).toBe(0);
  });

  it('keeps full precision with 8-digit zone-prefixed eastings', () => {
    const r = ring([39512345.678, 4412345.678], [[0, 0], [1, 0], [1, 1], [0, 1]]);
    expect(ringArea(r)).toBeCloseTo(1, 8);
    const tri = ring([39512345.678, 4412345.678], [[0, 0], [0.3, 0], [0, 0.2]]);
    expect(ringArea(tri)).toBeCloseTo(0.03, 9);
  });

  it('subtracts holes whatever the ring orientations', () => {
    const hole = ring([0, 0], [[10, 10], [30, 10], [30, 40], [10, 40]]);
    for (const ext of [sq, reverseRing(sq)]) {
      for (const h of [hole, reverseRing(hole)]) expect(planeArea([[ext, h]])).toBe(9400);
    }
  });

  it('sums the parts of a multipolygon', () => {
    const tri = ring([500, 0], [[0, 0], [0, 30], [40, 0]]);
    const far = ring([39500000, 4000000], [[0, 0], [0, 2], [3, 2], [3, 0]]);
    expect(planeArea([[sq], [tri], [far]])).toBe(10000 + 600 + 6);
  });

  it('ignores repeated and collinear vertices, and tolerates an unclosed ring', () => {
    const messy = ring([0, 0], [
      [0, 0], [0, 0], [50, 0], [100, 0], [100, 0], [100, 37], [100, 100], [0, 100], [0, 60],
    ]);
    expect(planeArea([[messy]])).toBe(10000);
    expect(ringArea(sq.subarray(0, sq.length - 2))).toBe(10000);
  });
});

describe('ellipsoidalArea against GeographicLib on plane-split edges', () => {
  it('checks that PROJ keeps lon/lat axis order here', () => {
    const p = gk(117);
    const pt = transforms(p).inv.transformPoint(750000, 4000000);
    expect(pt.x).toBeGreaterThan(117);
    expect(pt.y).toBeGreaterThan(30);
    expect(pt.y).toBeLessThan(40);
  });

  it('a licence near the central meridian, both orientations', () => {
    const p = gk(117);
    const r = ring(at(p, 3000, 36), LICENCE);
    const ccw = expectMatches('licence near CM', [[r]], p);
    expect(ellipsoidalArea([[reverseRing(r)]], p)).toBeCloseTo(ccw, 6);
    expect(Math.abs(ellipsoidalArea([[r]], p) / planeArea([[r]]) - 1)).toBeLessThan(1e-6);
  });

  for (const lat of [18, 30, 40, 50]) {
    it(`licences 250 km east and west of the central meridian at ${lat}°N`, () => {
      const p = gk(111);
      for (const x of [250000, -250000]) {
        const r = ring(at(p, x, lat), LICENCE);
        expectMatches(`licence x=${x / 1000} km ${lat}°N`, [[r]], p);
        expectMatches(`licence x=${x / 1000} km ${lat}°N clockwise`, [[reverseRing(r)]], p);
        // The scale factor there is ≈ 1.00077: the ellipsoidal area is ≈ 0.15% smaller.
        expect(ellipsoidalArea([[r]], p) / planeArea([[r]])).toBeCloseTo(1 / 1.0007715 ** 2, 4);
      }
    });
  }

  it('zone-prefixed eastings (zone 39, 39 500 000 m false easting)', () => {
    const p = gk(117, 39500000);
    expectMatches('zone-prefixed', [[ring(at(p, 120000, 41), LICENCE)]], p);
  });

  it('a polygon with holes, orientations mixed', () => {
    const p = gk(105);
    const o = at(p, 120000, 33);
    const ext = ring(o, [[0, 0], [5000, -300], [6200, 4000], [800, 5200], [-600, 2500]]);
    const h1 = reverseRing(ring(o, [[500, 500], [1500, 500], [1500, 1500], [500, 1500]]));
    const h2 = ring(o, [[3000, 2000], [4500, 2500], [3500, 4000]]);
    const a = expectMatches('holes', [[reverseRing(ext), h1, h2]], p);
    expect(a).toBeLessThan(ellipsoidalArea([[ext]], p));
  });

  it('a multipolygon spread across the zone', () => {
    const p = gk(120);
    const mp: MultiPolygon = [
      [ring(at(p, -2000, 28), LICENCE)],
      [reverseRing(ring(at(p, 90000, 28.5), LICENCE))],
      [ring(at(p, 200000, 29), [[0, 0], [3000, 0], [3000, 8000], [0, 8000]])],
    ];
    const sum = expectMatches('multipolygon', mp, p);
    const parts = mp.reduce((s, poly) => s + ellipsoidalArea([poly], p), 0);
    expect(sum).toBeCloseTo(parts, 6);
  });

  it('a 100 km polygon straddling the central meridian at 20°N', () => {
    const p = gk(111);
    const o = at(p, -50000, 20);
    const big: Polygon = [
      ring(o, [[0, 0], [60000, -8000], [100000, 20000], [90000, 85000], [30000, 95000], [-5000, 50000]]),
    ];
    expectMatches('100 km across the CM', [big], p);
  });

  it('a 100 km polygon 150–250 km from the central meridian at 45°N', () => {
    const p = gk(123);
    const o = at(p, 150000, 45);
    const big: Polygon = [
      reverseRing(ring(o, [[0, 0], [70000, 5000], [100000, 60000], [40000, 100000], [10000, 70000]])),
    ];
    expectMatches('100 km at 150–250 km', [big], p);
  });

  it('repeated and collinear vertices change nothing', () => {
    const p = gk(117);
    const o = at(p, 180000, 38);
    const clean = ring(o, LICENCE);
    const messy = ring(o, [
      [0, 0], [0, 0], [900, 100], [1800, 200], [1800, 200], [1650, 900],
      [1500, 1600], [-200, 1300], [-200, 1300], [-100, 650],
    ]);
    const a = expectMatches('repeated/collinear', [[messy]], p);
    expect(Math.abs(a / ellipsoidalArea([[clean]], p) - 1)).toBeLessThan(1e-13);
  });

  it("uses the plane's datum ellipsoid (Xian 1980)", () => {
    // From plane coordinates the ellipsoid enters only through the curvature terms (≈1e-9 here),
    // so this checks the wiring, not a visible difference.
    const p = gk(114, 500000, 'xian80');
    expectMatches('xian80', [[ring(at(p, 200000, 35), LICENCE)]], p);
  });

  it('a 1,500 km slanted strip (one edge spans 13° of latitude)', () => {
    const p = gk(117);
    const strip = ring(at(p, 50000, 20), [[0, 0], [5000, 0], [205000, 1500000], [200000, 1500000]]);
    // 10 m splits (300k points instead of 3M): still ~1e-11 from the plane-straight edge.
    expectMatches('1,500 km strip', [[strip]], p, 10);
  });
});

describe('straight edges in the plane are not geodesics', () => {
  it('differs by more than 1e-6 from the unsplit geodesic polygon 250 km off the meridian', () => {
    const p = gk(111);
    // A licence whose long west side faces the meridian: the image of the geodesic bows out
    // there (towards the meridian) further than it bows in along the two short east sides.
    const r = ring(at(p, 250000, 30), [[0, 0], [2500, 2000], [0, 4000], [-100, 2000]]);
    const ours = expectMatches('geodesic contrast', [[r]], p);
    const vertices = transformFlat(r.subarray(0, r.length - 2), transforms(p).inv);
    const coarse = Math.abs(geodesicArea(vertices, p.datum));
    const rel = Math.abs(coarse / ours - 1);
    console.log(`straight-in-plane vs geodesic through the vertices: ${rel.toExponential(2)} relative`);
    expect(rel).toBeGreaterThan(1e-6);
  });
});

describe('centroid', () => {
  it('is the area-weighted centre of the exteriors, in either orientation', async () => {
    const { centroid } = await import('../../server/geo/area.ts');
    const sq = (x: number, y: number, s: number) => new Float64Array([x, y, x + s, y, x + s, y + s, x, y + s, x, y]);
    expect(centroid([[sq(39_500_000, 4_480_000, 10)]])).toEqual([39_500_005, 4_480_005]);
    // an L shape: two 1×2 rectangles make [0,2]×[0,1] ∪ [0,1]×[1,2]
    const l = new Float64Array([0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2, 0, 0]);
    const [x, y] = centroid([[l]]);
    expect(x).toBeCloseTo(5 / 6, 12);
    expect(y).toBeCloseTo(5 / 6, 12);
    const [x2, y2] = centroid([[sq(0, 0, 2)], [reverseRing(sq(10, 0, 2))]]);
    expect([x2, y2]).toEqual([6, 1]);
  });
});
