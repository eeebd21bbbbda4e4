/**
 * Irregular zone outlines with an exact number of vertices.
 *
 * A smooth star-shaped base polygon of a dozen vertices (a few low harmonics of the radius) is
 * refined by midpoint displacement: each edge is split at its middle, moved perpendicular to the
 * edge by a normal draw times `rough` times the edge length. Displacement proportional to length
 * at every scale gives the statistically self-similar, coastline-like boundaries of zones
 * digitised from terrain (an earlier radial-only version looked like maple leaves). To land on
 * an exact vertex count, the last level splits only as many edges as needed, spread evenly.
 * A level that folds the ring onto itself is drawn again (GEOS isValid), gentler each time.
 *
 * An area-preserving stretch then elongates the blob along a valley, and a smooth warp with
 * Lipschitz constant < 1 (injective, so it cannot create crossings) bends it.
 */
import gdal from 'gdal-async';
import type { Rng } from './prng.ts';
import { closeRing, toGeometry, type FlatRing, type Poly } from './rings.ts';

/** `n` distinct vertices of a closed ring around the origin, nominal radius 1. */
export function fractalRing(rng: Rng, n: number, rough = 0.25): number[] {
  if (n < 4) throw new Error(`fractalRing: need at least 4 vertices, got ${n}`);
  const m0 = Math.min(n, rng.int(9, 14));
  const harmonics = [2, 3, 4, 5].map((k) => ({ k, a: rng.uniform(0, 0.5 / k), p: rng.uniform(0, 2 * Math.PI) }));
  const theta0 = rng.uniform(0, 2 * Math.PI);
  let xy: number[] = [];
  for (let i = 0; i < m0; i++) {
    const t = theta0 + ((2 * Math.PI) / m0) * (i + rng.uniform(-0.25, 0.25));
    let r = 1;
    for (const h of harmonics) r += h.a * Math.cos(h.k * t + h.p);
    xy.push(r * Math.cos(t), r * Math.sin(t));
  }
  // Roughness decays with the level: zones are rugged at the scale of valleys and ridges but
  // digitised as locally smooth lines, and constant roughness folds curves of 10⁴ vertices
  // onto themselves almost surely (measured: 0 valid of 40 at 5,000 vertices, rough 0.18).
  for (let level = 0; xy.length / 2 < n; level++) {
    const levelRough = rough * Math.pow(0.72, level);
    let next: number[] | null = null;
    for (let attempt = 0; attempt < 30 && next === null; attempt++) {
      const candidate = refine(rng, xy, n, levelRough / (1 + attempt / 5));
      if (toGeometry([[closeRing(candidate)]]).isValid()) next = candidate;
    }
    if (next === null) throw new Error(`fractalRing: level ${level} of ${n} vertices keeps folding`);
    xy = next;
  }
  return xy;
}

/** One level of midpoint displacement, splitting just enough edges to approach `n`. */
function refine(rng: Rng, xy: number[], n: number, rough: number): number[] {
  const k = xy.length / 2;
  const toAdd = Math.min(k, n - k);
  const next: number[] = [];
  for (let i = 0; i < k; i++) {
    const x1 = xy[2 * i];
    const y1 = xy[2 * i + 1];
    next.push(x1, y1);
    if (Math.floor(((i + 1) * toAdd) / k) > Math.floor((i * toAdd) / k)) {
      const j = (i + 1) % k;
      const dx = xy[2 * j] - x1;
      const dy = xy[2 * j + 1] - y1;
      // Clamped normal: the tails are what folds a curve onto itself.
      const d = rough * Math.max(-2.2, Math.min(2.2, rng.normal()));
      next.push(x1 + dx / 2 - d * dy, y1 + dy / 2 + d * dx);
    }
  }
  return next;
}

/** The shape of one blob: stretch, rotation and warp; size and position are applied later. */
export class BlobFrame {
  private readonly sx: number;
  private readonly cos: number;
  private readonly sin: number;
  private readonly warpA: number;
  private readonly warpK: number;
  private readonly p1: number;
  private readonly p2: number;

  constructor(rng: Rng, elongation: number) {
    this.sx = Math.sqrt(elongation);
    const phi = rng.uniform(0, Math.PI);
    this.cos = Math.cos(phi);
    this.sin = Math.sin(phi);
    // a·k ≤ 0.3 keeps the warp injective (identity plus a contraction).
    this.warpK = rng.uniform(1.5, 3.5);
    this.warpA = rng.uniform(0.05, 0.3) / this.warpK;
    this.p1 = rng.uniform(0, 2 * Math.PI);
    this.p2 = rng.uniform(0, 2 * Math.PI);
  }

  apply(x: number, y: number): [number, number] {
    const wx = x + this.warpA * Math.sin(this.warpK * y + this.p1);
    const wy = y + this.warpA * Math.sin(this.warpK * x + this.p2);
    const ex = wx * this.sx;
    const ey = wy / this.sx;
    return [ex * this.cos - ey * this.sin, ex * this.sin + ey * this.cos];
  }

  ring(xy: number[]): FlatRing {
    const ring = closeRing(xy);
    for (let i = 0; i < ring.length; i += 2) {
      const [x, y] = this.apply(ring[i], ring[i + 1]);
      ring[i] = x;
      ring[i + 1] = y;
    }
    return ring;
  }
}

export interface BlobOptions {
  /** stored points, closing points included */
  points: number;
  holes: number;
  elongation: number;
  rough?: number;
}

function transformed(xy: number[], ox: number, oy: number, size: number): number[] {
  return xy.map((v, i) => (i % 2 === 0 ? ox : oy) + size * v);
}

/**
 * One valid blob of about unit size around the origin, with `holes` holes (villages cut out of
 * the zone). Stored points add up to exactly opts.points.
 */
export function makeBlob(rng: Rng, opts: BlobOptions): Poly {
  const rough = opts.rough ?? 0.25;
  for (let attempt = 0; attempt < 50; attempt++) {
    const frame = new BlobFrame(rng, opts.elongation);
    const holePts = opts.holes > 0 ? Math.max(10, Math.round(opts.points * 0.04)) : 0;
    const outer = fractalRing(rng, opts.points - 1 - opts.holes * holePts, rough);
    // Holes go inside the disc of the outer ring's nearest vertex, shrunk for its edges' wiggle.
    let rmin = Infinity;
    for (let i = 0; i < outer.length; i += 2) rmin = Math.min(rmin, Math.hypot(outer[i], outer[i + 1]));
    const rings: FlatRing[] = [frame.ring(outer)];
    const discs: [number, number, number][] = [];
    for (let h = 0; h < opts.holes; h++) {
      const size = rmin * rng.uniform(0.1, 0.2);
      for (let tries = 0; tries < 50; tries++) {
        const d = rng.uniform(0, 0.75 * rmin - 1.6 * size);
        const a = rng.uniform(0, 2 * Math.PI);
        const ox = d * Math.cos(a);
        const oy = d * Math.sin(a);
        if (discs.every(([px, py, ps]) => Math.hypot(px - ox, py - oy) > 1.8 * (ps + size))) {
          discs.push([ox, oy, size]);
          rings.push(frame.ring(transformed(fractalRing(rng, holePts - 1, rough), ox, oy, size)));
          break;
        }
      }
    }
    if (rings.length !== 1 + opts.holes) continue;
    if (toGeometry([rings]).isValid()) return rings;
  }
  throw new Error(`makeBlob: no valid blob of ${opts.points} points in 50 attempts`);
}

/**
 * Cuts a placed polygon in two along a straight line through its box centre: two features
 * sharing a boundary, as when a red-line patch is split by ecological function. Returns null if
 * the cut does not give two polygonal pieces.
 */
export function splitPoly(rng: Rng, poly: Poly, srs: gdal.SpatialReference): [gdal.Geometry, gdal.Geometry] | null {
  const g = toGeometry([poly], srs);
  const env = g.getEnvelope();
  const cx = (env.minX + env.maxX) / 2;
  const cy = (env.minY + env.maxY) / 2;
  const big = 2 * Math.hypot(env.maxX - env.minX, env.maxY - env.minY);
  const a = rng.uniform(0, Math.PI);
  const ux = Math.cos(a);
  const uy = Math.sin(a);
  const half = closeRing([
    cx - big * ux, cy - big * uy,
    cx + big * ux, cy + big * uy,
    cx + big * ux - big * uy, cy + big * uy + big * ux,
    cx - big * ux - big * uy, cy - big * uy + big * ux,
  ]);
  const h = toGeometry([[half]], srs);
  const p1 = g.intersection(h);
  const p2 = g.difference(h);
  if (p1.isEmpty() || p2.isEmpty() || !p1.isValid() || !p2.isValid()) return null;
  return [p1, p2];
}
