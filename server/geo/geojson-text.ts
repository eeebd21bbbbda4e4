import type { MultiPolygon } from './types.ts';

/**
 * A multipolygon as GeoJSON geometry text, coordinates to 9 decimals (0.1 mm in degrees, far
 * below any survey's precision). On a county, formatting hundreds of thousands of exit-range
 * vertices was a visible share of the run: toFixed with joins is twice as fast as the shortest
 * round-trip form JSON.stringify writes, and string += was slower still (in the collector).
 */
export function multiPolygonJson(mp: MultiPolygon): string {
  const polygons: string[] = [];
  for (const polygon of mp) {
    const rings: string[] = [];
    for (const ring of polygon) {
      const pts: string[] = new Array(ring.length / 2);
      for (let i = 0; i < ring.length; i += 2) pts[i / 2] = '[' + ring[i].toFixed(9) + ',' + ring[i + 1].toFixed(9) + ']';
      rings.push('[' + pts.join(',') + ']');
    }
    polygons.push('[' + rings.join(',') + ']');
  }
  return '{"type":"MultiPolygon","coordinates":[' + polygons.join(',') + ']}';
}
