import type { BBox, MultiPolygon, Polygon, Ring } from './types.ts';

import { boxesIntersect } from './bbox.ts';
import { clipPolygonToBox, DEGENERATE, signedArea } from './rect-clip.ts';

/**
 * Cutting big zone polygons down to a licence's neighbourhood before the exact overlay.
 *
 * A red-line patch or a nature reserve can have 10⁵–10⁶ vertices; handing all of them to GEOS
 * for every licence costs milliseconds per call. Instead each ring is split once into chunks of
 * consecutive vertices with a bounding box. For a licence box B, chunks that reach into B keep
 * every vertex; a run of consecutive chunks whose joint box misses B is replaced by the chord
 * between its end points. The run lies in a convex set (its box) outside B, and so does the
 * chord, so the two paths are homotopic outside B: every point of B keeps its winding number
 * and every edge inside B is an original edge. The cost per ring is its number of chunks plus
 * the vertices of the chunks that touch B.
 *
 * Chords may cross each other outside B, so the reduced ring is then cut exactly to B
 * (rect-clip.ts), which gives valid polygons again: GEOS gets small, valid input. (Handing the
 * reduced rings to GEOS directly, or clamping them onto B's sides, made GEOS 3.11 throw or
 * mislabel faces on self-overlapping input, so the result must be valid.)
 */

export const CHUNK_SIZE = 32;

export interface ChunkedRing {
  /** the coordinates the cut works in (the licence plane) */
  coords: Ring;
  /** orientation of the original ring (the reduced ring's own may differ) */
  ccw: boolean;
  /**
   * per chunk k: [minX, minY, maxX, maxY] at 4k…4k+3; chunk k spans vertices k·CHUNK_SIZE …
   * (k+1)·CHUNK_SIZE. These boxes may be in another CRS than `coords` (the zone's own, when the
   * ring is projected lazily): then `load` fills a chunk's coordinates before they are read,
   * chunk end points are always there, and `maxRun` bounds a chord's span so the curvature of
   * the projection cannot bend it into the box (see `reduceRing`).
   */
  chunkBoxes: Float64Array;
  bbox: BBox;
  load?: (chunk: number) => void;
  maxRun?: number;
}

export interface ChunkedPolygon {
  rings: ChunkedRing[];
  bbox: BBox;
}

export function chunkRing(coords: Ring): ChunkedRing {
  const n = coords.length / 2;
  const chunks = Math.max(1, Math.ceil((n - 1) / CHUNK_SIZE));
  const boxes = new Float64Array(chunks * 4);
  let gMinX = Infinity, gMinY = Infinity, gMaxX = -Infinity, gMaxY = -Infinity;
  for (let k = 0; k < chunks; k++) {
    const from = k * CHUNK_SIZE;
    const to = Math.min(n - 1, from + CHUNK_SIZE);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = from; i <= to; i++) {
      const x = coords[2 * i], y = coords[2 * i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    boxes[4 * k] = minX; boxes[4 * k + 1] = minY; boxes[4 * k + 2] = maxX; boxes[4 * k + 3] = maxY;
    if (minX < gMinX) gMinX = minX;
    if (minY < gMinY) gMinY = minY;
    if (maxX > gMaxX) gMaxX = maxX;
    if (maxY > gMaxY) gMaxY = maxY;
  }
  return { coords, ccw: signedArea(coords) > 0, chunkBoxes: boxes, bbox: [gMinX, gMinY, gMaxX, gMaxY] };
}

export function chunkPolygon(polygon: Polygon): ChunkedPolygon {
  const rings = polygon.map(chunkRing);
  return { rings, bbox: rings[0].bbox };
}

/**
 * The box to cut zones to for a licence with bounding box `env`: a little larger (1 % and 1 m),
 * so that no side of the box runs along a licence edge. The cut is exact inside the box, so the
 * overlay with the licence is the same as with the whole zone.
 */
export function clipBox(env: BBox): BBox {
  const grow = 0.01 * Math.max(env[2] - env[0], env[3] - env[1]) + 1;
  return [env[0] - grow, env[1] - grow, env[2] + grow, env[3] + grow];
}


/** Growable flat coordinate buffer; one per ring so clipping allocates little. */
class Path {
  buf = new Float64Array(64);
  len = 0;
  push(x: number, y: number): void {
    const n = this.len;
    if (this.buf.length < n + 2) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[n] = x;
    this.buf[n + 1] = y;
    this.len = n + 2;
  }
}

/**
 * The ring reduced for box B (see the module comment): original vertices in chunks that touch
 * B, one chord per run of chunks that do not. `box` is in the CRS of the chunk boxes; when that
 * is not the plane, it must hold the preimage of the plane box with a margin larger than the
 * sagitta of a `maxRun`-long parallel or meridian in the plane (metres for ≤ 10 km runs).
 */
export function reduceRing(ring: ChunkedRing, box: BBox): Ring {
  const { coords, chunkBoxes: cb, load } = ring;
  const maxRun = ring.maxRun ?? Infinity;
  const n = coords.length / 2;
  const [minX, minY, maxX, maxY] = box;
  const path = new Path();
  path.push(coords[0], coords[1]);
  const chunks = cb.length / 4;
  // the open run of far chunks: its box, and the vertex it ends at
  let runOpen = false;
  let rMinX = 0, rMinY = 0, rMaxX = 0, rMaxY = 0, runEnd = 0;
  for (let k = 0; k < chunks; k++) {
    const from = k * CHUNK_SIZE;
    const to = Math.min(n - 1, from + CHUNK_SIZE);
    const cMinX = cb[4 * k], cMinY = cb[4 * k + 1], cMaxX = cb[4 * k + 2], cMaxY = cb[4 * k + 3];
    const touches = cMinX <= maxX && cMaxX >= minX && cMinY <= maxY && cMaxY >= minY;
    if (touches) {
      if (runOpen) path.push(coords[2 * runEnd], coords[2 * runEnd + 1]);
      runOpen = false;
      load?.(k);
      for (let i = from + 1; i <= to; i++) path.push(coords[2 * i], coords[2 * i + 1]);
      continue;
    }
    if (runOpen) {
      const uMinX = Math.min(rMinX, cMinX), uMinY = Math.min(rMinY, cMinY);
      const uMaxX = Math.max(rMaxX, cMaxX), uMaxY = Math.max(rMaxY, cMaxY);
      const short = uMaxX - uMinX <= maxRun && uMaxY - uMinY <= maxRun;
      if (short && !(uMinX <= maxX && uMaxX >= minX && uMinY <= maxY && uMaxY >= minY)) {
        rMinX = uMinX; rMinY = uMinY; rMaxX = uMaxX; rMaxY = uMaxY; runEnd = to;
        continue;
      }
      path.push(coords[2 * runEnd], coords[2 * runEnd + 1]);
    }
    runOpen = true;
    rMinX = cMinX; rMinY = cMinY; rMaxX = cMaxX; rMaxY = cMaxY; runEnd = to;
  }
  if (runOpen) path.push(coords[2 * runEnd], coords[2 * runEnd + 1]);
  return path.buf.slice(0, path.len);
}

/**
 * The parts of a chunked polygon inside `box`, as valid polygons (none when it misses B).
 * `near` is the box in the CRS of the chunk boxes (see `reduceRing`), `box` itself by default.
 * When a vertex lies exactly on B's boundary the box is grown a little and the cut repeated:
 * any box around the licence with a margin gives the same overlay.
 */
export function clipPolygon(polygon: ChunkedPolygon, box: BBox, near: BBox = slightlyLarger(box)): Polygon[] {
  if (!boxesIntersect(polygon.bbox, near)) return [];
  const reduced: Ring[] = [];
  const ccw: boolean[] = [];
  for (let r = 0; r < polygon.rings.length; r++) {
    // A hole whose box misses B changes nothing inside B.
    if (r > 0 && !boxesIntersect(polygon.rings[r].bbox, near)) continue;
    reduced.push(reduceRing(polygon.rings[r], near));
    ccw.push(polygon.rings[r].ccw);
  }
  let b = box;
  for (let attempt = 0; attempt < 8; attempt++) {
    const out = clipPolygonToBox(reduced, b, { ccw });
    if (out !== DEGENERATE) return out;
    const g = 1e-7 * (b[2] - b[0] + b[3] - b[1]) * (attempt + 1) + 1e-6;
    b = [b[0] - g, b[1] - g * 1.37, b[2] + g * 0.71, b[3] + g * 1.13];
  }
  throw new Error('cannot cut a zone polygon to the licence box: vertices on every box tried');
}

/** Larger than any box the retries in `clipPolygon` move to, so its reduced rings serve them all. */
function slightlyLarger(b: BBox): BBox {
  const g = 1e-5 * (b[2] - b[0] + b[3] - b[1]) + 1e-4;
  return [b[0] - g, b[1] - g, b[2] + g, b[3] + g];
}

export function clipMultiPolygon(parts: ChunkedPolygon[], box: BBox, near: BBox = slightlyLarger(box)): MultiPolygon {
  const out: MultiPolygon = [];
  for (const p of parts) out.push(...clipPolygon(p, box, near));
  return out;
}
