/** Plane areas of flat-array polygons and of GDAL geometries, orientation-agnostic. */
import type gdal from 'gdal-async';
import { fromGeometry, signedArea, type Poly } from './rings.ts';

/** |exterior| − Σ|holes|: shapefile and GeoJSON disagree on winding, so use neither. */
export function polyArea(p: Poly): number {
  let a = 0;
  p.forEach((r, i) => {
    a += i === 0 ? Math.abs(signedArea(r)) : -Math.abs(signedArea(r));
  });
  return a;
}

/** Area of the polygonal part of any geometry (overlays may return collections with lines). */
export function geometryArea(g: gdal.Geometry): number {
  let a = 0;
  for (const p of fromGeometry(g)) a += polyArea(p);
  return a;
}
