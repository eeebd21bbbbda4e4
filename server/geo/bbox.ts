import type { GaussKruger } from './crs-types.ts';
import type { BBox, MultiPolygon } from './types.ts';

/** Bounding box of a multipolygon: its exteriors bound everything, holes included. */
export function multiPolygonBBox(mp: MultiPolygon): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const polygon of mp) {
    const r = polygon[0];
    for (let i = 0; i < r.length; i += 2) {
      const x = r[i], y = r[i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

export function boxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

/** One key per analysis plane (the zone number is a label; the central meridian decides). */
export function planeKey(p: GaussKruger): string {
  return `${p.centralMeridian}/${p.zoneWidth}`;
}
