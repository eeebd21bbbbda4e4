/**
 * Protected zones of the generated county: ecological red-line patches (many, heavy-tailed sizes,
 * some with holes, some multipart, one patch cut into two features sharing a boundary) and a few
 * large nature reserves (one overlapping red-line patches, one with a hole).
 *
 * Everything is built in Gauss-Krüger metres and stored in lon/lat, the way provinces hand the
 * layers out. A zone must be valid both as stored (EPSG:4490) and after the reprojection every
 * reader makes to the licences' CRS (EPSG:4527); a zone failing either is generated again.
 */
import gdal from 'gdal-async';
import { srsGeographic, srsGK, toGeographic, toGK } from './crs.ts';
import { makeBlob, splitPoly } from './fractal.ts';
import type { Rng } from './prng.ts';
import { boxesOverlap, boxOf, fromGeometry, pointCount, toGeometry, type Box, type Poly } from './rings.ts';
import { polyArea } from './measure.ts';

export type ZoneKind = 'redline' | 'nature_reserve';

export interface ZoneFeature {
  id: string;
  name: string;
  kind: ZoneKind;
  /** as stored, lon/lat */
  geographic: gdal.Geometry;
  /** the stored geometry reprojected to EPSG:4527, as a reader sees it */
  gk: gdal.Geometry;
  gkParts: Poly[];
  box: Box;
  points: number;
}

export interface CountyFrame {
  /** GK coordinates of the county centre */
  e0: number;
  n0: number;
  halfW: number;
  halfH: number;
  countyCode: string;
  countyName: string;
}

interface Placed {
  box: Box;
  geom: gdal.Geometry;
}

/** Rejects candidates overlapping anything already placed in the same layer. */
class Placer {
  readonly placed: Placed[] = [];

  fits(geom: gdal.Geometry, box: Box): boolean {
    for (const p of this.placed) {
      if (boxesOverlap(p.box, box, 30) && p.geom.intersects(geom)) return false;
    }
    return true;
  }

  add(geom: gdal.Geometry, box: Box): void {
    this.placed.push({ geom, box });
  }
}

/** Stored form and reader's form of a zone, or null if either is invalid. */
function finishZone(parts: Poly[]): { geographic: gdal.Geometry; gk: gdal.Geometry } | null {
  const geographic = toGeometry(parts, srsGK);
  geographic.transform(toGeographic);
  geographic.srs = srsGeographic;
  if (!geographic.isValid()) return null;
  const gk = geographic.clone();
  gk.transform(toGK);
  gk.srs = srsGK;
  if (!gk.isValid()) return null;
  return { geographic, gk };
}

interface BlobRequest {
  points: number;
  area: number;
  holes: number;
  elongation: number;
  rough?: number;
  /** try centres at about `radius` from (x, y) first; random inside the county otherwise */
  near?: { x: number; y: number; radius: number };
}

/**
 * Places one blob without overlapping `placer`; shrinks it when the county is crowded.
 * The result is valid as stored and as reprojected.
 */
function placeBlob(rng: Rng, county: CountyFrame, placer: Placer, req: BlobRequest): Poly {
  let area = req.area;
  for (let round = 0; round < 40; round++) {
    const unit = makeBlob(rng, req);
    const scale = Math.sqrt(area / polyArea(unit));
    for (let attempt = 0; attempt < 25; attempt++) {
      let cx: number;
      let cy: number;
      if (req.near && attempt < 15) {
        const a = rng.uniform(0, 2 * Math.PI);
        const d = req.near.radius * rng.uniform(0.7, 1.3);
        cx = req.near.x + d * Math.cos(a);
        cy = req.near.y + d * Math.sin(a);
      } else {
        cx = county.e0 + rng.uniform(-county.halfW, county.halfW) * 0.92;
        cy = county.n0 + rng.uniform(-county.halfH, county.halfH) * 0.92;
      }
      const poly = sizeAndPlace(unit, scale, cx, cy);
      const box = boxOf([poly]);
      const geom = toGeometry([poly], srsGK);
      if (!placer.fits(geom, box)) continue;
      if (finishZone([poly]) === null) break;
      placer.add(geom, box);
      return poly;
    }
    area *= 0.85;
  }
  throw new Error(`zones: could not place a blob of ${req.points} points`);
}

/** Blob parts are built at unit size around (0, 0): scale them and move them into the county. */
function sizeAndPlace(unit: Poly, scale: number, cx: number, cy: number): Poly {
  return unit.map((ring) => {
    const out = new Float64Array(ring.length);
    for (let i = 0; i < ring.length; i += 2) {
      out[i] = cx + scale * ring[i];
      out[i + 1] = cy + scale * ring[i + 1];
    }
    return out;
  });
}

/** Splits `total` into integer budgets proportional to `weights`, each at least `min`. */
export function apportion(total: number, weights: number[], min: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - min * weights.length;
  if (spare < 0) throw new Error(`apportion: ${total} cannot give ${weights.length} items ${min} each`);
  const out = weights.map((w) => min + Math.floor((spare * w) / sum));
  let left = total - out.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % out.length, left--) out[i]++;
  return out;
}

function zoneFeature(kind: ZoneKind, id: string, name: string, parts: Poly[]): ZoneFeature {
  const done = finishZone(parts);
  if (!done) throw new Error(`zones: ${id} invalid after assembly`);
  const gkParts = fromGeometry(done.gk);
  return { id, name, kind, ...done, gkParts, box: boxOf(gkParts), points: pointCount(parts) };
}

const FUNCTIONS = ['水源涵养', '生物多样性维护', '水土保持', '水源涵养', '生物多样性维护'];

export function makeRedline(rng: Rng, county: CountyFrame, totalPoints: number, coverage = 0.22): ZoneFeature[] {
  const nPatches = Math.max(8, Math.round(Math.sqrt(totalPoints) / 4));
  const weights = Array.from({ length: nPatches }, () => Math.min(rng.pareto(1.1), 80));
  const countyArea = 4 * county.halfW * county.halfH;
  const wsum = weights.reduce((a, b) => a + b, 0);
  const areas = weights.map((w) => (w / wsum) * coverage * countyArea).sort((a, b) => b - a);
  // Digitised at a roughly even spacing: points follow the perimeter, i.e. √area.
  const budgets = apportion(totalPoints, areas.map(Math.sqrt), 60);
  const placer = new Placer();
  const out: ZoneFeature[] = [];
  const year = 2023;
  let seq = 0;
  const nextId = (): string => `${county.countyCode}${year}1${String(++seq).padStart(6, '0')}`;
  // A split adds the cut's vertices: carry the difference into the next patch's budget so the
  // layer still totals exactly `totalPoints`.
  let carry = 0;
  for (let i = 0; i < nPatches; i++) {
    const points = budgets[i] + carry;
    carry = 0;
    // The special shapes go to the bigger patches, where they have room.
    const split = i === 1 || (i > 3 && points >= 400 && rng.chance(0.04));
    const multipart = !split && (i === 2 || (points >= 300 && rng.chance(0.07)));
    const holes = !split && (i === 0 || (points >= 400 && rng.chance(0.15))) ? rng.int(1, 3) : 0;
    const func = rng.pick(FUNCTIONS);
    const elongation = rng.uniform(1, 3);
    const name = (f: string): string => `${county.countyName}${f}生态保护红线`;
    if (multipart) {
      const satPoints = Math.max(40, Math.round(points * rng.uniform(0.1, 0.25)));
      const main = placeBlob(rng, county, placer, { points: points - satPoints, area: areas[i] * 0.85, holes, elongation });
      const b = boxOf([main]);
      const near = {
        x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2, radius: Math.hypot(b.maxX - b.minX, b.maxY - b.minY) / 2,
      };
      const sat = placeBlob(rng, county, placer, { points: satPoints, area: areas[i] * 0.15, holes: 0, elongation: 1.5, near });
      out.push(zoneFeature('redline', nextId(), name(func), [main, sat]));
      continue;
    }
    const poly = placeBlob(rng, county, placer, { points, area: areas[i], holes, elongation });
    const pieces = split ? splitPoly(rng, poly, srsGK) : null;
    const parts = pieces?.map(fromGeometry);
    if (parts && parts.every((p) => finishZone(p) !== null)) {
      const [a, b] = parts;
      out.push(zoneFeature('redline', nextId(), name('水源涵养'), a));
      out.push(zoneFeature('redline', nextId(), name('生物多样性维护'), b));
      carry = points - pointCount(a) - pointCount(b);
    } else {
      out.push(zoneFeature('redline', nextId(), name(func), [poly]));
    }
  }
  if (carry !== 0) throw new Error('makeRedline: the last patch was split; cannot balance the vertex count');
  return out;
}

function centreOf(poly: Poly): [number, number] {
  const b = boxOf([poly]);
  return [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
}

const RESERVE_NAMES = [
  '燕岭山省级自然保护区', '白河湿地市级自然保护区', '青龙峡县级自然保护区', '雾岚山省级自然保护区',
  '黑熊沟县级自然保护区', '潮河源市级自然保护区', '五指峰省级自然保护区', '老岭县级自然保护区',
];

export function makeReserves(
  rng: Rng, county: CountyFrame, totalPoints: number, redline: ZoneFeature[], coverage = 0.1,
): ZoneFeature[] {
  const n = Math.min(RESERVE_NAMES.length, Math.max(3, Math.round(totalPoints / 75000) + 2));
  const weights = Array.from({ length: n }, () => rng.uniform(0.6, 1.4));
  const budgets = apportion(totalPoints, weights, 200);
  const countyArea = 4 * county.halfW * county.halfH;
  const wsum = weights.reduce((a, b) => a + b, 0);
  const placer = new Placer();
  const out: ZoneFeature[] = [];
  const biggest = redline.reduce((a, b) => (polyArea(b.gkParts[0]) > polyArea(a.gkParts[0]) ? b : a));
  for (let i = 0; i < n; i++) {
    const area = (weights[i] / wsum) * coverage * countyArea;
    // Reserve 0 is centred on the biggest red-line patch: the two zone types must overlap
    // somewhere, as they do in every real county (most reserves lie inside the red line).
    const c = centreOf(biggest.gkParts[0]);
    const near = i === 0 ? { x: c[0], y: c[1], radius: Math.sqrt(area) * 0.1 } : undefined;
    for (let attempt = 0; ; attempt++) {
      const poly = placeBlob(rng, county, placer, {
        points: budgets[i], area, holes: i === 1 ? 1 : 0, elongation: rng.uniform(1.5, 3), rough: 0.25, near,
      });
      const f = zoneFeature('nature_reserve', `${county.countyCode}20232${String(i + 1).padStart(6, '0')}`,
        RESERVE_NAMES[i], [poly]);
      if (i !== 0 || redline.some((z) => boxesOverlap(z.box, f.box) && z.gk.intersects(f.gk)) || attempt > 5) {
        out.push(f);
        break;
      }
      placer.placed.pop();
    }
  }
  return out;
}
