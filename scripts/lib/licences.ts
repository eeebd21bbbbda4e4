/**
 * Licence outlines as certificates define them: corner points (拐点) in the Gauss-Krüger plane,
 * given to the centimetre. Mining licences are mostly quads, some 6–20-vertex polygons;
 * exploration licences are blocks of 30″ × 30″ cells of the lon/lat grid (the registration unit
 * of exploration areas), listed with every grid corner along their sides.
 */
import { lonLatToGK, toGeographic } from './crs.ts';
import { LicenceNumbers, MINING_MINERALS, EXPLORATION_MINERALS, mineName, miningElevations, type LicenceKind } from './names.ts';
import type { Rng } from './prng.ts';
import { boxesOverlap, boxOf, closeRing, orient, type Box, type FlatRing, type Poly } from './rings.ts';
import type { CountyFrame } from './zones.ts';
import type { ZoneIndex } from './zone-index.ts';

export interface Licence {
  id: string;
  name: string;
  mineral: string;
  kind: LicenceKind;
  /** 开采上限 / 开采下限, m; null on exploration licences */
  top: number | null;
  bottom: number | null;
  /** GK coordinates as written, winding included */
  parts: Poly[];
  /** which trap this licence is, null for ordinary ones */
  trap: string | null;
}

export const cm = (v: number): number => Math.round(v * 100) / 100;

/** Closed ring from open corner list, rounded to the centimetre, wound as asked. */
export function cornerRing(xy: number[], clockwise: boolean, round = true): FlatRing {
  const ring = closeRing(round ? xy.map(cm) : xy);
  return orient(ring, clockwise);
}

/** Corners of a w × h rectangle centred on (cx, cy), rotated by phi, counter-clockwise. */
export function rectCorners(cx: number, cy: number, w: number, h: number, phi: number): number[] {
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  const out: number[] = [];
  for (const [u, v] of [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) {
    out.push(cx + u * c - v * s, cy + u * s + v * c);
  }
  return out;
}

/** Mining licence area, km²: mostly small pits and mines, a few large ones. */
function miningArea(rng: Rng): number {
  return rng.chance(0.8) ? rng.logUniform(0.2, 3) : rng.logUniform(1, 6);
}

export function miningShape(rng: Rng, cx: number, cy: number, clockwise: boolean): Poly[] {
  const area = miningArea(rng) * 1e6;
  const aspect = rng.uniform(1, 3);
  const w = Math.sqrt(area * aspect);
  const h = area / w;
  const phi = rng.chance(0.4) ? 0 : rng.uniform(-0.6, 0.6);
  const kind = rng.next();
  if (kind < 0.78) {
    // A quad: a rectangle whose corners were surveyed, not drawn, so slightly off square.
    const xy = rectCorners(cx, cy, w, h, phi).map((v) => v + rng.uniform(-0.04, 0.04) * Math.min(w, h));
    return [[cornerRing(xy, clockwise)]];
  }
  if (kind < 0.89) {
    // Rectilinear outline with notches cut at corners: 6–12 vertices.
    const notches = rng.int(1, 4);
    const pts: [number, number][] = [];
    const corners: [number, number][] = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]];
    const cut = rng.shuffle([0, 1, 2, 3]).slice(0, notches);
    corners.forEach(([u, v], i) => {
      if (!cut.includes(i)) {
        pts.push([u, v]);
        return;
      }
      const du = -Math.sign(u) * w * rng.uniform(0.15, 0.4);
      const dv = -Math.sign(v) * h * rng.uniform(0.15, 0.4);
      // Walking counter-clockwise: corners 0 and 2 are entered along a side parallel to v,
      // corners 1 and 3 along one parallel to u.
      if (i % 2 === 0) pts.push([u, v + dv], [u + du, v + dv], [u + du, v]);
      else pts.push([u + du, v], [u + du, v + dv], [u, v + dv]);
    });
    const c = Math.cos(phi);
    const s = Math.sin(phi);
    const xy = pts.flatMap(([u, v]) => [cx + u * c - v * s, cy + u * s + v * c]);
    return [[cornerRing(xy, clockwise)]];
  }
  // Irregular outline with 6–20 corners, star-shaped around the centre, hence simple.
  const n = rng.int(6, 20);
  const t0 = rng.uniform(0, 2 * Math.PI);
  const r = Math.sqrt(area / Math.PI) * 1.1;
  const xy: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = t0 + ((2 * Math.PI) / n) * (i + rng.uniform(-0.3, 0.3));
    const rr = r * rng.uniform(0.7, 1.05);
    xy.push(cx + rr * Math.cos(t) * Math.sqrt(aspect), cy + (rr * Math.sin(t)) / Math.sqrt(aspect));
  }
  return [[cornerRing(xy, clockwise)]];
}

/** Exploration block of 30″ cells containing (cx, cy); an L when a corner cell is dropped. */
export function explorationShape(rng: Rng, cx: number, cy: number, clockwise: boolean, cells?: [number, number]): Poly[] {
  const p = toGeographic.transformPoint(cx, cy);
  const step = 1 / 120;
  const lon0 = Math.floor(p.x / step) * step;
  const lat0 = Math.floor(p.y / step) * step;
  const [nx, ny] = cells ?? [rng.int(1, 3), rng.int(1, 3)];
  // Corner walk in cell units, counter-clockwise; every grid point along the sides is a corner
  // point of the certificate, so long sides carry (nearly) collinear vertices.
  const walk: [number, number][] =
    nx >= 2 && ny >= 2 && rng.chance(0.25)
      ? [[0, 0], [nx, 0], [nx, ny - 1], [nx - 1, ny - 1], [nx - 1, ny], [0, ny]]
      : [[0, 0], [nx, 0], [nx, ny], [0, ny]];
  const xy: number[] = [];
  for (let i = 0; i < walk.length; i++) {
    const [a, b] = walk[i];
    const [c, d] = walk[(i + 1) % walk.length];
    const steps = Math.max(Math.abs(c - a), Math.abs(d - b));
    for (let s = 0; s < steps; s++) {
      const [e, n] = lonLatToGK(lon0 + (a + ((c - a) * s) / steps) * step, lat0 + (b + ((d - b) * s) / steps) * step);
      xy.push(e, n);
    }
  }
  return [[cornerRing(xy, clockwise)]];
}

/** Licence footprints placed so far; licences of one county do not overlap. */
export class Occupancy {
  private readonly boxes: Box[] = [];

  constructor(private readonly county: CountyFrame) {}

  free(parts: Poly[], margin = 40): boolean {
    const b = boxOf(parts);
    const c = this.county;
    if (b.minX < c.e0 - c.halfW || b.maxX > c.e0 + c.halfW || b.minY < c.n0 - c.halfH || b.maxY > c.n0 + c.halfH) {
      return false;
    }
    return this.boxes.every((o) => !boxesOverlap(o, b, margin));
  }

  take(parts: Poly[]): void {
    this.boxes.push(boxOf(parts));
  }
}

export interface LicenceFactory {
  rng: Rng;
  county: CountyFrame;
  numbers: LicenceNumbers;
}

/** Certificate attributes for a licence of the given kind. */
export function attributes(f: LicenceFactory, kind: LicenceKind): Omit<Licence, 'parts' | 'trap'> {
  const mineral = f.rng.pickWeighted(kind === 'mining' ? MINING_MINERALS : EXPLORATION_MINERALS);
  const el = kind === 'mining' ? miningElevations(f.rng) : null;
  return {
    id: f.numbers.next(kind),
    name: mineName(f.rng, f.county.countyName, mineral, kind),
    mineral: mineral.name,
    kind,
    top: el ? el.top : null,
    bottom: el ? el.bottom : null,
  };
}

/** Ordinary licences: a third near zone boundaries (where exits happen), the rest anywhere. */
export function randomLicences(f: LicenceFactory, zones: ZoneIndex, occ: Occupancy, count: number): Licence[] {
  const { rng, county } = f;
  const out: Licence[] = [];
  for (let i = 0; i < count; i++) {
    const kind: LicenceKind = rng.chance(0.62) ? 'mining' : 'exploration';
    const clockwise = rng.chance(0.7);
    let parts: Poly[] | null = null;
    for (let attempt = 0; attempt < 400 && !parts; attempt++) {
      let cx: number;
      let cy: number;
      if (rng.chance(0.35)) {
        [cx, cy] = zones.boundaryPoint((n) => rng.int(0, n - 1));
        cx += rng.normal() * 500;
        cy += rng.normal() * 500;
      } else {
        cx = county.e0 + rng.uniform(-county.halfW, county.halfW);
        cy = county.n0 + rng.uniform(-county.halfH, county.halfH);
      }
      const candidate = kind === 'mining' ? miningShape(rng, cx, cy, clockwise) : explorationShape(rng, cx, cy, clockwise);
      if (occ.free(candidate)) parts = candidate;
    }
    if (!parts) throw new Error(`licences: no room for licence ${i + 1} of ${count}; enlarge the county`);
    occ.take(parts);
    out.push({ ...attributes(f, kind), parts, trap: null });
  }
  return out;
}
