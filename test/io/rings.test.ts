import { describe, expect, it } from 'vitest';
import { cleanRing, organizeRings, signedArea2 } from '../../server/io/rings.ts';
import { reverseRing } from '../../server/geo/rect-clip.ts';

/** Closed square ring, clockwise when `cw` (shapefile exterior winding). */
function sq(x: number, y: number, s: number, cw = true): Float64Array {
  const pts = [x, y, x + s, y, x + s, y + s, x, y + s, x, y];
  const r = new Float64Array(pts);
  return cw ? reverseRing(r) : r;
}


/** Structure as [exterior min corner, number of holes] per polygon. */
function shape(mp: Float64Array[][]): Array<[number, number, number]> {
  return mp.map((p) => [Math.min(...p[0].filter((_, i) => i % 2 === 0)), Math.min(...p[0].filter((_, i) => i % 2 === 1)), p.length - 1]);
}

describe('organizeRings (containment, like GDAL organizePolygons)', () => {
  it('does not depend on ring order or winding', () => {
    const rings = [sq(30, 30, 40, false), sq(0, 0, 100, false), sq(20, 20, 60, true), sq(10, 10, 80, false), sq(200, 0, 10)];
    const mp = organizeRings(rings.map((r) => r.slice()));
    expect(shape(mp)).toEqual([[0, 0, 1], [20, 20, 1], [200, 0, 0]]);
    for (const p of mp) p.forEach((r, k) => expect(Math.sign(signedArea2(r))).toBe(k === 0 ? -1 : 1));
  });

  it('a hole touching its exterior at a vertex stays a hole', () => {
    const hole = new Float64Array([0, 0, 5, 2, 2, 5, 0, 0]); // shares the corner (0, 0)
    const mp = organizeRings([sq(0, 0, 10), hole]);
    expect(mp).toHaveLength(1);
    expect(mp[0]).toHaveLength(2);
  });

  it('the banded edge index agrees with brute force on a big jagged exterior', () => {
    const n = 5000;
    const ext = new Float64Array(2 * (n + 1));
    for (let i = 0; i <= n; i++) {
      const a = (-2 * Math.PI * (i % n)) / n;
      const r = 100 + 10 * Math.sin(37 * a);
      ext[2 * i] = r * Math.cos(a);
      ext[2 * i + 1] = r * Math.sin(a);
    }
    // Small rings across the whole box: those inside become holes, the others exteriors.
    const small: Float64Array[] = [];
    let inside = 0;
    for (let gx = -110; gx < 110; gx += 7) {
      for (let gy = -110; gy < 110; gy += 7) {
        const rr = Math.hypot(gx, gy);
        if (rr > 85 && rr < 115) continue; // keep clear of the jagged edge
        small.push(sq(gx, gy, 1, false));
        if (rr <= 85) inside++;
      }
    }
    const mp = organizeRings([ext, ...small]);
    expect(mp[0]).toHaveLength(1 + inside);
    expect(mp).toHaveLength(1 + small.length - inside);
  });
});

describe('cleanRing', () => {
  it('drops repeated vertices and closes open rings', () => {
    const r = cleanRing(new Float64Array([0, 0, 1, 0, 1, 0, 1, 1, 0, 1]));
    expect(Array.from(r as Float64Array)).toEqual([0, 0, 1, 0, 1, 1, 0, 1, 0, 0]);
  });

  it('refuses degenerate rings and non-finite coordinates', () => {
    expect(cleanRing(new Float64Array([0, 0, 1, 1, 1, 1, 0, 0]))).toBe('a ring needs at least 4 points (3 distinct vertices) but has 3 after removing 1 repeated vertices');
    expect(cleanRing(new Float64Array([0, 0, 1, NaN, 1, 1, 0, 0]))).toBe('vertex 1 has a non-finite coordinate (1, NaN)');
  });
});

describe('organizeRings at scale', () => {
  it('a dissolved layer: one shape of 40,000 separate parts, some with holes', () => {
    const rings: Float64Array[] = [];
    for (let k = 0; k < 20_000; k++) {
      const x = (k % 200) * 10, y = Math.floor(k / 200) * 10;
      rings.push(sq(x, y, 5));
      if (k % 2 === 0) rings.push(sq(x + 1, y + 1, 2, false));
      else rings.push(sq(x + 6, y + 6, 2));
    }
    const mp = organizeRings(rings);
    expect(mp).toHaveLength(30_000);
    expect(mp.filter((p) => p.length === 2)).toHaveLength(10_000);
  });
});
