import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { chunkPolygon, clipBox, clipMultiPolygon, clipPolygon } from '../../server/geo/clip.ts';
import type { BBox, MultiPolygon, Polygon } from '../../server/geo/types.ts';
import { multiPolygonToWkb } from '../../server/geo/wkb.ts';

const gdal = createRequire(import.meta.url)('gdal-async') as typeof import('gdal-async');
const geom = (mp: MultiPolygon) => gdal.Geometry.fromWKB(multiPolygonToWkb(mp));
const area = (g: import('gdal-async').Geometry): number =>
  g.isEmpty() ? 0 : (g as unknown as { getArea(): number }).getArea();

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A star-shaped ring with `n` vertices and a rough boundary: many chunks, concave everywhere. */
function roughRing(cx: number, cy: number, r: number, n: number, rand: () => number, ccw = true): Float64Array {
  const out = new Float64Array(2 * n + 2);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * (ccw ? i : n - i)) / n;
    const rr = r * (0.6 + 0.4 * rand());
    out[2 * i] = cx + rr * Math.cos(t);
    out[2 * i + 1] = cy + rr * Math.sin(t);
  }
  out[2 * n] = out[0];
  out[2 * n + 1] = out[1];
  return out;
}

function square(x: number, y: number, s: number): Float64Array {
  return new Float64Array([x, y, x + s, y, x + s, y + s, x, y + s, x, y]);
}

describe('clip: zones cut to a licence box keep the exact overlay', () => {
  it('gives the same licence ∩ zone area as GEOS on the whole zone, for random licences', () => {
    const rand = rng(42);
    // a zone of 5,000 vertices with a hole, in plane coordinates like a Gauss-Krüger zone
    const zone: Polygon = [
      roughRing(500_000, 4_500_000, 20_000, 5000, rand),
      roughRing(500_000, 4_500_000, 3_000, 400, rand, false),
    ];
    const chunked = [chunkPolygon(zone)];
    const whole = geom([zone]);
    let compared = 0;
    for (let k = 0; k < 300; k++) {
      const s = 200 + rand() * 3000;
      const x = 500_000 - 25_000 + rand() * 50_000;
      const y = 4_500_000 - 25_000 + rand() * 50_000;
      const licence: MultiPolygon = [[square(x, y, s)]];
      const lg = geom(licence);
      const box = clipBox([x, y, x + s, y + s]);
      const pieces = clipMultiPolygon(chunked, box);
      const expected = area(lg.intersection(whole));
      const got = pieces.length ? area(lg.intersection(geom(pieces))) : 0;
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-9 * s * s + 1e-6);
      if (expected > 0 && expected < s * s) compared++;
      // the clipped zone is far smaller than the zone
      const vertices = pieces.flat().reduce((n, r) => n + r.length / 2, 0);
      expect(vertices).toBeLessThan(2000);
    }
    expect(compared).toBeGreaterThan(20); // the test really exercised partial overlaps
  });

  it('keeps a licence that lies deep inside a zone (no zone edge near it) covered', () => {
    const rand = rng(7);
    const zone: Polygon = [roughRing(0, 0, 50_000, 3000, rand)];
    const box = clipBox([-500, -500, 500, 500]);
    const clipped = clipPolygon(chunkPolygon(zone), box);
    // the box itself instead of 3,000 vertices, and still covering the licence exactly
    expect(clipped).toHaveLength(1);
    expect(clipped[0][0].length / 2).toBe(5);
    const licence = geom([[square(-500, -500, 1000)]]);
    expect(area(licence.intersection(geom(clipped)))).toBeCloseTo(1_000_000, 6);
  });

  it('leaves nothing of a zone whose hole holds the licence, and drops a zone far away', () => {
    const rand = rng(9);
    const zone: Polygon = [roughRing(0, 0, 50_000, 3000, rand), roughRing(0, 0, 20_000, 2000, rand, false)];
    const box = clipBox([-500, -500, 500, 500]);
    expect(clipPolygon(chunkPolygon(zone), box)).toEqual([]);
    const far: Polygon = [square(100_000, 100_000, 1000)];
    expect(clipPolygon(chunkPolygon(far), box)).toEqual([]);
  });

  it('gives valid polygons, whatever the ring orientation, with repeated and collinear vertices', () => {
    const cw: Polygon = [new Float64Array([0, 0, 0, 10, 0, 10, 5, 10, 10, 10, 10, 0, 5, 0, 0, 0])];
    const box: BBox = [4, -1, 20, 20];
    const clipped = clipPolygon(chunkPolygon(cw), box);
    expect(clipped).toHaveLength(1);
    const g = geom(clipped);
    expect(g.isValid()).toBe(true);
    expect(area(g)).toBeCloseTo(6 * 10, 9);
    const licence = geom([[square(4.5, 1, 8)]]);
    expect(area(licence.intersection(g))).toBeCloseTo(5.5 * 8, 9);
  });

  it('moves the box when a zone vertex lies exactly on it, and a U-shaped zone splits in two', () => {
    // U shape: two arms reach into the box, the bottom lies outside it
    const u: Polygon = [new Float64Array([0, 0, 30, 0, 30, 30, 20, 30, 20, 10, 10, 10, 10, 30, 0, 30, 0, 0])];
    const box: BBox = [-5, 20, 35, 40]; // no vertex on it
    const parts = clipPolygon(chunkPolygon(u), box);
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => geom([p]).isValid())).toBe(true);
    expect(area(geom(parts))).toBeCloseTo(2 * 10 * 10, 9);
    const onEdge: BBox = [-5, 10, 35, 40]; // y = 10 runs through two vertices
    const licence = geom([[new Float64Array([0.5, 12, 29.5, 12, 29.5, 38, 0.5, 38, 0.5, 12])]]);
    expect(area(licence.intersection(geom(clipPolygon(chunkPolygon(u), onEdge))))).toBeCloseTo(2 * 9.5 * 18, 9);
  });

  it('keeps a hole that touches its shell at a point', () => {
    // 10 × 10 square, triangular hole of area 3 whose first vertex lies on the shell
    const shell = new Float64Array([0, 0, 10, 0, 10, 10, 0, 10, 0, 0]);
    const hole = new Float64Array([0, 5, 3, 6, 3, 4, 0, 5]);
    const parts = clipPolygon(chunkPolygon([shell, hole]), [-1.1, -1.3, 11.7, 4.9]);
    const g = geom(parts);
    expect(g.isValid()).toBe(true);
    // the box keeps y < 4.9: the part of the hole below it is cut with the shell
    const expected = area(geom([[shell, hole]]).intersection(geom([[new Float64Array([-1.1, -1.3, 11.7, -1.3, 11.7, 4.9, -1.1, 4.9, -1.1, -1.3])]])));
    expect(area(g)).toBeCloseTo(expected, 9);
    const whole = clipPolygon(chunkPolygon([shell, hole]), [-1.1, -1.3, 11.7, 11.9]);
    expect(area(geom(whole))).toBeCloseTo(100 - 3, 9);
  });
});
