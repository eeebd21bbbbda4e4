import type { BBox, MultiPolygon, Polygon, Ring } from './types.ts';

/**
 * Intersection of one valid polygon with an axis-aligned rectangle, giving valid polygons (the
 * Weiler–Atherton walk specialised to a rectangle, as in GEOS's RectangleIntersection).
 *
 * Rings are oriented so the interior lies on the left (exterior counter-clockwise, holes
 * clockwise). Each ring is cut into fragments running inside the box from an entry point to an
 * exit point on its boundary; the result rings follow a fragment to its exit, then the box
 * boundary counter-clockwise to the next entry, and so on until they close. Rings that never
 * cross the boundary are either inside the box (kept) or outside (then they only decide whether
 * the box is covered). A vertex exactly on the box boundary makes the walk ambiguous: we report
 * it and the caller moves the box a little, which is free because the box is arbitrary.
 */

export const DEGENERATE = 'degenerate' as const;

interface Fragment {
  /** flat coordinates from the entry point to the exit point */
  coords: number[];
  entry: number;
  exit: number;
  used: boolean;
}

/** Position along the box boundary, counter-clockwise from (minX, minY). */
function perimeterParam(box: BBox, side: number, x: number, y: number): number {
  const [minX, minY, maxX, maxY] = box;
  const w = maxX - minX, h = maxY - minY;
  switch (side) {
    case 0: return x - minX; // bottom
    case 1: return w + (y - minY); // right
    case 2: return w + h + (maxX - x); // top
    default: return 2 * w + h + (maxY - y); // left
  }
}

/** Point at a perimeter parameter, for the corners passed on the way. */
function cornersBetween(box: BBox, from: number, to: number, out: number[]): void {
  const [minX, minY, maxX, maxY] = box;
  const w = maxX - minX, h = maxY - minY;
  const per = 2 * (w + h);
  const corners: [number, number, number][] = [[w, maxX, minY], [w + h, maxX, maxY], [2 * w + h, minX, maxY], [per, minX, minY]];
  let end = to;
  if (end <= from) end += per;
  for (let lap = 0; lap < 2; lap++) {
    for (const [p, x, y] of corners) {
      const q = p + lap * per;
      if (q > from && q < end) out.push(x, y);
    }
  }
}

// Result of clipSegment, kept in module scope: it runs for every edge near a licence, and
// returning an object per call made the garbage collector a visible cost.
let cT0 = 0, cT1 = 1, cSide0 = -1, cSide1 = -1;

/**
 * Liang–Barsky: the parameter range [cT0, cT1] of p→q inside the box and the sides that bound
 * it (0 bottom y=minY, 1 right x=maxX, 2 top y=maxY, 3 left x=minX). False when it misses.
 */
function clipSegment(box: BBox, px: number, py: number, qx: number, qy: number): boolean {
  const dx = qx - px, dy = qy - py;
  cT0 = 0; cT1 = 1; cSide0 = -1; cSide1 = -1;
  return clipEdge(-dx, px - box[0], 3) && clipEdge(dx, box[2] - px, 1) &&
    clipEdge(-dy, py - box[1], 0) && clipEdge(dy, box[3] - py, 2) && cT0 < cT1;
}

function clipEdge(p: number, q: number, side: number): boolean {
  if (p === 0) return q >= 0;
  const r = q / p;
  if (p < 0) {
    if (r > cT1) return false;
    if (r > cT0) { cT0 = r; cSide0 = side; }
  } else {
    if (r < cT0) return false;
    if (r < cT1) { cT1 = r; cSide1 = side; }
  }
  return true;
}

function snapToSide(box: BBox, side: number, x: number, y: number): [number, number] {
  switch (side) {
    case 0: return [Math.min(box[2], Math.max(box[0], x)), box[1]];
    case 1: return [box[2], Math.min(box[3], Math.max(box[1], y))];
    case 2: return [Math.min(box[2], Math.max(box[0], x)), box[3]];
    default: return [box[0], Math.min(box[3], Math.max(box[1], y))];
  }
}

export function signedArea(r: ArrayLike<number>): number {
  let s = 0;
  const x0 = r[0], y0 = r[1];
  for (let i = 2; i + 3 < r.length; i += 2) {
    s += (r[i] - x0) * (r[i + 3] - y0) - (r[i + 2] - x0) * (r[i + 1] - y0);
  }
  return s / 2;
}

/** The ring walked the other way (pairs kept together). */
export function reverseRing(r: Ring): Ring {
  const out = new Float64Array(r.length);
  for (let i = 0; i < r.length; i += 2) {
    out[r.length - 2 - i] = r[i];
    out[r.length - 1 - i] = r[i + 1];
  }
  return out;
}

/** Even-odd point in ring, for rings given as flat closed arrays. */
export function pointInRing(r: ArrayLike<number>, px: number, py: number): boolean {
  let inside = false;
  for (let i = 0; i + 3 < r.length; i += 2) {
    const x1 = r[i], y1 = r[i + 1], x2 = r[i + 2], y2 = r[i + 3];
    if ((y1 > py) !== (y2 > py) && px < x1 + ((py - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
  }
  return inside;
}

/** Whether (px, py) lies on an edge of the ring (exactly, as a valid polygon's touch point does). */
function onRing(r: ArrayLike<number>, px: number, py: number): boolean {
  for (let i = 0; i + 3 < r.length; i += 2) {
    const x1 = r[i], y1 = r[i + 1], x2 = r[i + 2], y2 = r[i + 3];
    if ((x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) !== 0) continue;
    if (px >= Math.min(x1, x2) && px <= Math.max(x1, x2) && py >= Math.min(y1, y2) && py <= Math.max(y1, y2)) return true;
  }
  return false;
}

/**
 * Whether a hole lies inside a shell, judged at its first vertex that is not on the shell: a
 * valid polygon's hole may touch its shell at a point.
 */
function holeInside(shell: Ring, hole: Ring): boolean {
  for (let i = 0; i + 1 < hole.length; i += 2) {
    if (!onRing(shell, hole[i], hole[i + 1])) return pointInRing(shell, hole[i], hole[i + 1]);
  }
  return false;
}

type RingCut = { kind: 'inside' } | { kind: 'outside'; containsBox: boolean } | { kind: 'crossing'; fragments: Fragment[] };

function cutRing(r: Ring, box: BBox): RingCut | typeof DEGENERATE {
  const [minX, minY, maxX, maxY] = box;
  const n = r.length / 2 - 1; // closed: last repeats first
  let start = -1;
  for (let i = 0; i < n; i++) {
    const x = r[2 * i], y = r[2 * i + 1];
    if (x === minX || x === maxX || y === minY || y === maxY) {
      if (y >= minY && y <= maxY && x >= minX && x <= maxX) return DEGENERATE;
    }
    const inside = x > minX && x < maxX && y > minY && y < maxY;
    if (!inside && start < 0) start = i;
  }
  if (start < 0) return { kind: 'inside' };
  const fragments: Fragment[] = [];
  let current: number[] | null = null;
  let entry = 0;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n, j = (i + 1) % n;
    const px = r[2 * i], py = r[2 * i + 1], qx = r[2 * j], qy = r[2 * j + 1];
    if (!clipSegment(box, px, py, qx, qy)) continue;
    const t0 = cT0, t1 = cT1, side0 = cSide0, side1 = cSide1;
    if (t0 > 0) {
      // enters the box
      const [ex, ey] = snapToSide(box, side0, px + t0 * (qx - px), py + t0 * (qy - py));
      current = [ex, ey];
      entry = perimeterParam(box, side0, ex, ey);
    }
    if (t1 < 1) {
      const [xx, xy] = snapToSide(box, side1, px + t1 * (qx - px), py + t1 * (qy - py));
      current!.push(xx, xy);
      fragments.push({ coords: current!, entry, exit: perimeterParam(box, side1, xx, xy), used: false });
      current = null;
    } else {
      current!.push(qx, qy);
    }
  }
  if (fragments.length === 0) {
    return { kind: 'outside', containsBox: pointInRing(r, (minX + maxX) / 2, (minY + maxY) / 2) };
  }
  return { kind: 'crossing', fragments };
}

/** A fragment walked the other way. */
function turn(f: Fragment): Fragment {
  const c = f.coords;
  const out = new Array<number>(c.length);
  for (let i = 0; i < c.length; i += 2) {
    out[c.length - 2 - i] = c[i];
    out[c.length - 1 - i] = c[i + 1];
  }
  return { coords: out, entry: f.exit, exit: f.entry, used: false };
}

function boxRing(box: BBox): Ring {
  const [a, b, c, d] = box;
  return new Float64Array([a, b, c, b, c, d, a, d, a, b]);
}

/**
 * The parts of `polygon` inside `box`, as valid polygons; DEGENERATE when a vertex lies on the
 * box boundary (choose another box).
 */
export function clipPolygonToBox(
  polygon: readonly Ring[],
  box: BBox,
  options: { ccw?: readonly boolean[] } = {},
): Polygon[] | typeof DEGENERATE {
  const fragments: Fragment[] = [];
  const insideHoles: Ring[] = [];
  let exteriorInside: Ring | null = null;
  let covered = false;
  for (let k = 0; k < polygon.length; k++) {
    const ring = polygon[k];
    if (ring.length < 8) continue;
    // Interior on the left: exterior counter-clockwise, holes clockwise. The orientation may be
    // given (a reduced ring's own winding can differ from its original's); then only the
    // fragments are turned, not the whole ring.
    const ccw = options.ccw ? options.ccw[k] : signedArea(ring) > 0;
    const wrongWay = ccw !== (k === 0);
    const cut = cutRing(ring, box);
    if (cut === DEGENERATE) return DEGENERATE;
    const r = wrongWay && cut.kind === 'inside' ? reverseRing(ring) : ring;
    if (cut.kind === 'crossing') fragments.push(...(wrongWay ? cut.fragments.map(turn) : cut.fragments));
    else if (cut.kind === 'inside') {
      if (k === 0) exteriorInside = r;
      else insideHoles.push(r);
    } else if (k === 0) {
      // an exterior outside the box either surrounds it or misses it
      if (!cut.containsBox) return [];
      covered = true;
    } else if (cut.containsBox) {
      // a hole around the whole box leaves nothing inside it
      return [];
    }
  }
  if (exteriorInside) return [[exteriorInside, ...insideHoles]];
  if (fragments.length === 0) return covered ? [[boxRing(box), ...insideHoles]] : [];

  const shells: Ring[] = [];
  const entries = [...fragments].sort((a, b) => a.entry - b.entry);
  for (const e of entries) {
    if (e.exit === e.entry) return DEGENERATE;
  }
  for (const first of fragments) {
    if (first.used) continue;
    const out: number[] = [];
    let f = first;
    for (;;) {
      f.used = true;
      for (const v of f.coords) out.push(v);
      // next entry counter-clockwise from this exit
      let next: Fragment | null = null;
      let best = Infinity;
      const per = 2 * (box[2] - box[0] + box[3] - box[1]);
      for (const g of entries) {
        let d = g.entry - f.exit;
        if (d < 0) d += per;
        if (d === 0) return DEGENERATE;
        if (d < best) { best = d; next = g; }
      }
      cornersBetween(box, f.exit, next!.entry, out);
      if (next === first) break;
      if (next!.used) return DEGENERATE; // cannot happen for valid input
      f = next!;
    }
    out.push(out[0], out[1]);
    shells.push(Float64Array.from(out));
  }
  const polygons: Polygon[] = shells.map((s) => [s]);
  for (const h of insideHoles) {
    const owner = polygons.find((p) => holeInside(p[0], h));
    if (owner) owner.push(h);
  }
  return polygons;
}

/**
 * Whether the clipped zone is the box itself (a rectangle with no hole around all of `box`):
 * the cut returns exactly that when the zone covers the box, possibly a slightly larger box.
 */
export function coversBox(pieces: MultiPolygon, box: BBox): boolean {
  if (pieces.length !== 1 || pieces[0].length !== 1 || pieces[0][0].length !== 10) return false;
  const r = pieces[0][0];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < 10; i += 2) {
    minX = Math.min(minX, r[i]); maxX = Math.max(maxX, r[i]);
    minY = Math.min(minY, r[i + 1]); maxY = Math.max(maxY, r[i + 1]);
  }
  if (minX > box[0] || minY > box[1] || maxX < box[2] || maxY < box[3]) return false;
  for (let i = 0; i < 10; i += 2) {
    if ((r[i] !== minX && r[i] !== maxX) || (r[i + 1] !== minY && r[i + 1] !== maxY)) return false;
  }
  return true;
}
