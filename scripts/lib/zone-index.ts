/**
 * Exit areas against the generated zones, computed with GEOS while generating, so the traps can
 * be checked to be what they claim (a sliver really < 1 m², a touch really 0) and recorded with
 * their expected values for tests.
 */
import gdal from 'gdal-async';
import { srsGK } from './crs.ts';
import { geometryArea } from './measure.ts';
import { boxesOverlap, boxOf, fromGeometry, toGeometry, type Box, type Poly } from './rings.ts';
import type { ZoneFeature, ZoneKind } from './zones.ts';

export interface Overlap {
  /** area of licence ∩ union(zones), m² in the GK plane */
  exit: number;
  byKind: Record<ZoneKind, number>;
  zoneIds: string[];
}

export class ZoneIndex {
  constructor(readonly zones: readonly ZoneFeature[]) {}

  near(box: Box, margin = 0): ZoneFeature[] {
    return this.zones.filter((z) => boxesOverlap(z.box, box, margin));
  }

  /** Licence geometry (GK) against all zones; invalid licences are made valid first, as the
   *  reference does. */
  overlap(licence: gdal.Geometry): Overlap {
    const g = licence.isValid() ? licence : licence.makeValid();
    const box = boxOf(fromGeometry(g));
    const byKind: Record<ZoneKind, number> = { redline: 0, nature_reserve: 0 };
    const zoneIds: string[] = [];
    let union: gdal.Geometry | null = null;
    for (const z of this.near(box)) {
      if (!z.gk.intersects(g)) continue;
      const piece = z.gk.intersection(g);
      const a = geometryArea(piece);
      if (a <= 0) continue;
      byKind[z.kind] += a;
      zoneIds.push(z.id);
      union = union ? union.union(piece) : piece;
    }
    return { exit: union ? geometryArea(union) : 0, byKind, zoneIds };
  }

  /** Points on zone boundaries (GK), for placing licences where the interesting cases are. */
  boundaryPoint(pick: (n: number) => number, kind?: ZoneKind): [number, number] {
    const pool = kind ? this.zones.filter((z) => z.kind === kind) : this.zones;
    const z = pool[pick(pool.length)];
    const ring = z.gkParts[pick(z.gkParts.length)][0];
    const i = pick(ring.length / 2);
    return [ring[2 * i], ring[2 * i + 1]];
  }
}

export function gkGeometry(parts: readonly Poly[]): gdal.Geometry {
  return toGeometry(parts, srsGK);
}
