/**
 * The licences that catch careless screeners, each checked with GEOS to really be what it claims:
 *  - hole: a licence with an excluded area, the hole wound like the exterior (both clockwise);
 *    GDAL's default shapefile reader then takes the hole for a second, overlapping part unless
 *    OGR_ORGANIZE_POLYGONS=DEFAULT is set.
 *  - multipart: two blocks, wound in opposite directions, one of them overlapping a zone.
 *  - repeated_collinear: a repeated corner and two corners in the middle of a side.
 *  - bowtie: a self-intersecting quad (the only invalid licence); its shoelace area is the
 *    difference of its two triangles, its real area their sum.
 *  - inside: wholly inside a red-line patch (exit ratio 1).
 *  - touch: shares a stretch of boundary with a red-line patch, vertex for vertex, from outside
 *    (exit area 0, but the geometries intersect). The shared vertices are the zone's lon/lat
 *    reprojected with PROJ; a reader projecting with other code gets them a few nm off, i.e. a
 *    sliver of ~1e-7 m², which a tolerance has to absorb.
 *  - sliver: the same along a nature reserve, shifted 2 mm into it (exit area < 1 m²).
 *  - double_zone: overlaps a place where red line and a reserve overlap each other, so summing
 *    per-zone intersections double counts.
 */
import type gdal from 'gdal-async';
import {
  attributes, cornerRing, explorationShape, rectCorners, type Licence, type LicenceFactory, type Occupancy,
} from './licences.ts';
import { geometryArea, polyArea } from './measure.ts';
import { fromGeometry, signedArea, type Poly } from './rings.ts';
import type { LicenceKind } from './names.ts';
import { gkGeometry, type ZoneIndex } from './zone-index.ts';
import type { ZoneFeature } from './zones.ts';

type Maker = (attempt: number) => Poly[] | null;

function place(f: LicenceFactory, occ: Occupancy, trap: string, kind: LicenceKind, tries: number, make: Maker): Licence {
  for (let attempt = 0; attempt < tries; attempt++) {
    const parts = make(attempt);
    if (parts && occ.free(parts)) {
      occ.take(parts);
      return { ...attributes(f, kind), parts, trap };
    }
  }
  throw new Error(`traps: could not place the "${trap}" licence in ${tries} attempts`);
}

const exitOf = (zones: ZoneIndex, parts: Poly[]): number => zones.overlap(gkGeometry(parts)).exit;

/** Plane area of a valid licence. */
function validArea(parts: Poly[]): number {
  return parts.reduce((a, p) => a + polyArea(p), 0);
}

function largest(zones: ZoneIndex, kind: ZoneFeature['kind'], n: number): ZoneFeature[] {
  return zones.zones
    .filter((z) => z.kind === kind)
    .map((z) => ({ z, a: z.gkParts.reduce((s, p) => s + polyArea(p), 0) }))
    .sort((a, b) => b.a - a.a)
    .slice(0, n)
    .map(({ z }) => z);
}

/**
 * A licence following a zone's outer boundary for about `length` metres from outside, then
 * closing `depth` metres away; with `shift` > 0 the shared stretch is pushed that far into the
 * zone. Coordinates are the zone's own (reprojected) vertices, not rounded.
 */
function alongBoundary(f: LicenceFactory, z: ZoneFeature, length: number, depth: number, shift: number): Poly[] | null {
  const ring = z.gkParts[f.rng.int(0, z.gkParts.length - 1)][0];
  const n = ring.length / 2 - 1;
  const i0 = f.rng.int(0, n - 1);
  const pts: number[] = [ring[2 * i0], ring[2 * i0 + 1]];
  let chord = 0;
  for (let k = 1; k < n / 3 && chord < length; k++) {
    const j = (i0 + k) % n;
    pts.push(ring[2 * j], ring[2 * j + 1]);
    chord = Math.hypot(ring[2 * j] - pts[0], ring[2 * j + 1] - pts[1]);
  }
  if (chord < length) return null;
  const dx = (pts[pts.length - 2] - pts[0]) / chord;
  const dy = (pts[pts.length - 1] - pts[1]) / chord;
  // Interior lies left of a counter-clockwise exterior ring, right of a clockwise one.
  const s = signedArea(ring) > 0 ? 1 : -1;
  const nx = s * dy;
  const ny = -s * dx;
  const line = pts.map((v, i) => v - shift * (i % 2 === 0 ? nx : ny));
  const m = pts.length;
  const xy = [
    ...line,
    pts[m - 2] + depth * nx, pts[m - 1] + depth * ny,
    pts[0] + depth * nx, pts[1] + depth * ny,
  ];
  const parts = [[cornerRing(xy, true, false)]];
  return gkGeometry(parts).isValid() ? parts : null;
}

export interface TrapRecord {
  trap: string;
  id: string;
  note: string;
  /** GEOS, GK plane, licence made valid */
  licence_area_m2: number;
  exit_area_m2: number;
}

export function makeTraps(f: LicenceFactory, zones: ZoneIndex, occ: Occupancy): Licence[] {
  const { rng } = f;
  const out: Licence[] = [];
  const nearBoundary = (kind?: ZoneFeature['kind']): [number, number] => {
    const [x, y] = zones.boundaryPoint((n) => rng.int(0, n - 1), kind);
    return [x + rng.normal() * 300, y + rng.normal() * 300];
  };
  const partial = (parts: Poly[], area = validArea(parts)): boolean => {
    const e = exitOf(zones, parts);
    return e > 0.05 * area && e < 0.9 * area;
  };

  out.push(place(f, occ, 'hole', 'mining', 4000, (attempt) => {
    const [cx, cy] = nearBoundary();
    const phi = rng.uniform(-0.5, 0.5);
    const w = rng.uniform(1500, 2000);
    const h = rng.uniform(1200, 1500);
    const outer = cornerRing(rectCorners(cx, cy, w, h, phi), true);
    const hx = cx + rng.uniform(-0.2, 0.2) * w;
    const hy = cy + rng.uniform(-0.2, 0.2) * h;
    const hole = cornerRing(rectCorners(hx, hy, w * 0.3, h * 0.3, phi), true);
    const parts = [[outer, hole]];
    if (attempt > 3000) return parts;
    return partial(parts) && exitOf(zones, [[hole]]) > 1000 ? parts : null;
  }));

  out.push(place(f, occ, 'multipart', 'mining', 4000, (attempt) => {
    const [cx, cy] = nearBoundary();
    const phi = rng.uniform(-0.5, 0.5);
    const gap = rng.uniform(150, 400);
    const wa = rng.uniform(900, 1200);
    const wb = rng.uniform(500, 800);
    const h = rng.uniform(600, 900);
    const c = Math.cos(phi);
    const s = Math.sin(phi);
    const off = (wa + wb) / 2 + gap;
    const a: Poly = [cornerRing(rectCorners(cx, cy, wa, h, phi), true)];
    const b: Poly = [cornerRing(rectCorners(cx + off * c, cy + off * s, wb, h * 0.8, phi), false)];
    if (attempt > 3000) return [a, b];
    const ea = exitOf(zones, [a]);
    const eb = exitOf(zones, [b]);
    return (ea > 0) !== (eb > 0) ? [a, b] : null;
  }));

  out.push(place(f, occ, 'repeated_collinear', 'mining', 4000, (attempt) => {
    const [x0, y0] = nearBoundary();
    const w = rng.uniform(900, 1300);
    const h = rng.uniform(700, 1000);
    const [x1, y1] = [x0 + w, y0 + h];
    // Axis-parallel so the inserted points are exactly on the side after rounding.
    const xy = [x0, y0, x1, y0, x1, y0, x1, y1, x0 + (2 * w) / 3, y1, x0 + w / 3, y1, x0, y1];
    const parts = [[cornerRing(xy, true)]];
    return attempt > 3000 || partial(parts) ? parts : null;
  }));

  out.push(place(f, occ, 'bowtie', 'mining', 4000, (attempt) => {
    const [cx, cy] = nearBoundary();
    const w = rng.uniform(900, 1300);
    const h = rng.uniform(700, 1000);
    const x0 = cx - w / 2;
    const y0 = cy - h / 2;
    // Diagonal, side, other diagonal, side: the sides cross once, off-centre.
    const xy = [x0, y0, x0 + w, y0 + h, x0 + w, y0, x0, y0 + 0.55 * h];
    const parts = [[cornerRing(xy, true)]];
    if (attempt > 3000) return parts;
    const g = gkGeometry(parts).makeValid();
    const e = zones.overlap(g).exit;
    return e > 0 && e < 0.9 * w * h * 0.45 ? parts : null;
  }));

  const big = largest(zones, 'redline', 5);
  out.push(place(f, occ, 'inside', 'exploration', 6000, (attempt) => {
    const z = big[attempt % big.length];
    const x = rng.uniform(z.box.minX, z.box.maxX);
    const y = rng.uniform(z.box.minY, z.box.maxY);
    const parts = explorationShape(rng, x, y, rng.chance(0.5), [1, 1]);
    return z.gk.contains(gkGeometry(parts)) ? parts : null;
  }));

  const redZones = largest(zones, 'redline', 15);
  out.push(place(f, occ, 'touch', 'mining', 4000, () => {
    const parts = alongBoundary(f, rng.pick(redZones), rng.uniform(500, 900), rng.uniform(400, 700), 0);
    return parts && validArea(parts) >= 2e5 && zones.overlap(gkGeometry(parts)).exit === 0 ? parts : null;
  }));

  const reserves = largest(zones, 'nature_reserve', 8);
  out.push(place(f, occ, 'sliver', 'mining', 4000, () => {
    const parts = alongBoundary(f, rng.pick(reserves), rng.uniform(200, 350), rng.uniform(700, 1000), 0.002);
    if (!parts || validArea(parts) < 2e5) return null;
    const e = exitOf(zones, parts);
    return e > 0 && e < 1 ? parts : null;
  }));

  const overlaps = overlapPoints(zones);
  out.push(place(f, occ, 'double_zone', 'mining', 4000, (attempt) => {
    const [x, y] = overlaps.length ? rng.pick(overlaps) : nearBoundary();
    const parts = [[cornerRing(rectCorners(x, y, rng.uniform(900, 1300), rng.uniform(700, 1000), rng.uniform(-0.5, 0.5)), true)]];
    if (attempt > 3000) return parts;
    const o = zones.overlap(gkGeometry(parts));
    return o.byKind.redline > 0 && o.byKind.nature_reserve > 0 && o.byKind.redline + o.byKind.nature_reserve - o.exit > 5000
      ? parts
      : null;
  }));
  return out;
}

/** Vertices of the regions where a reserve and a red-line patch overlap. */
function overlapPoints(zones: ZoneIndex): [number, number][] {
  const pts: [number, number][] = [];
  for (const r of zones.zones.filter((z) => z.kind === 'nature_reserve')) {
    for (const z of zones.near(r.box).filter((q) => q.kind === 'redline')) {
      if (!r.gk.intersects(z.gk)) continue;
      const inter = r.gk.intersection(z.gk);
      for (const p of fromGeometrySafe(inter)) {
        const ring = p[0];
        for (let i = 0; i < ring.length; i += 2 * Math.max(1, Math.floor(ring.length / 40))) pts.push([ring[i], ring[i + 1]]);
      }
    }
  }
  return pts;
}

function fromGeometrySafe(g: gdal.Geometry): Poly[] {
  return g.isEmpty() ? [] : fromGeometry(g);
}

export function trapRecords(licences: Licence[], zones: ZoneIndex): TrapRecord[] {
  const notes: Record<string, string> = {
    hole: 'exterior and hole both clockwise; hole overlaps a zone',
    multipart: 'two parts wound in opposite directions; exactly one overlaps a zone',
    repeated_collinear: 'repeated corner, two collinear corners on one side',
    bowtie: 'self-intersecting quad: the only invalid licence; area = its two triangles',
    inside: 'wholly inside a red-line patch: exit ratio 1',
    touch: 'shares boundary vertices with a red-line patch from outside: exit 0 with PROJ\'s reprojection (another GK implementation may see a ~1e-7 m² sliver)',
    sliver: 'shares boundary with a nature reserve shifted 2 mm inside: 0 < exit < 1 m²',
    double_zone: 'overlaps where a reserve and a red-line patch overlap: union, not sum',
  };
  return licences
    .filter((l) => l.trap !== null)
    .map((l) => {
      const g = gkGeometry(l.parts);
      const valid = g.isValid() ? g : g.makeValid();
      return {
        trap: l.trap as string,
        id: l.id,
        note: notes[l.trap as string] ?? '',
        licence_area_m2: geometryArea(valid),
        exit_area_m2: zones.overlap(valid).exit,
      };
    });
}
