/**
 * Ring clean-up and polygon assembly shared by the shapefile and GeoJSON readers.
 *
 * Output convention, whatever the file had: exteriors clockwise, holes counter-clockwise (the
 * shapefile convention), every ring closed, no consecutive repeated vertices.
 *
 * Shapefiles only list rings; which ring is a hole of which exterior is decided here by
 * CONTAINMENT, like GDAL's organizePolygons, because real files (old CAD exports, hand-edited data)
 * often have exteriors and holes wound the wrong way and orientation alone would then turn a hole
 * into an extra exterior.
 */
import { endianness } from 'node:os';
import Flatbush from 'flatbush';
import type { BBox, MultiPolygon, Polygon, Ring } from '../geo/types.ts';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/**
 * Copies `nPoints` little-endian (x, y) double pairs starting at `byteOffset` into a new ring.
 * One memcpy instead of 2n reads: shapefile points are not 8-byte aligned in the buffer, so a
 * Float64Array view cannot be used directly.
 */
export function ringFromLE(buf: Uint8Array, byteOffset: number, nPoints: number): Float64Array {
  const out = new Float64Array(nPoints * 2);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(buf.subarray(byteOffset, byteOffset + nPoints * 16));
  } else {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(byteOffset + i * 8, true);
  }
  return out;
}

/**
 * Validates a ring of raw coordinates: finite numbers, consecutive repeated vertices removed,
 * closed (an unclosed ring is closed by repeating its first vertex), at least 4 points, i.e. 3
 * distinct vertices. Returns the clean ring, or the reason it is unusable. What was fixed is
 * described in `repairs` (for the validation report), when given.
 */
export function cleanRing(raw: Float64Array, repairs?: string[]): Ring | string {
  const n = raw.length >> 1;
  let repeats = 0;
  for (let i = 0; i < n; i++) {
    const x = raw[2 * i];
    const y = raw[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return `vertex ${i} has a non-finite coordinate (${x}, ${y})`;
    if (i > 0 && x === raw[2 * i - 2] && y === raw[2 * i - 1]) repeats++;
  }
  let ring = raw;
  if (repeats > 0) {
    ring = new Float64Array((n - repeats) * 2);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = raw[2 * i];
      const y = raw[2 * i + 1];
      if (k > 0 && x === ring[k - 2] && y === ring[k - 1]) continue;
      ring[k++] = x;
      ring[k++] = y;
    }
  }
  if (repeats > 0) repairs?.push(`${repeats} repeated vertices removed`);
  const m = ring.length >> 1;
  const inFile = m;
  if (m > 0 && (ring[0] !== ring[2 * m - 2] || ring[1] !== ring[2 * m - 1])) {
    if (m > 2) repairs?.push('ring not closed: closed by repeating its first vertex');
    const closed = new Float64Array(ring.length + 2);
    closed.set(ring);
    closed[ring.length] = ring[0];
    closed[ring.length + 1] = ring[1];
    ring = closed;
  }
  const points = ring.length >> 1;
  if (points < 4) {
    const note = repeats > 0 ? ` after removing ${repeats} repeated vertices` : '';
    // the count the user can check in the file: before any closing point was added
    return `a ring needs at least 4 points (3 distinct vertices) but has ${inFile}${note}`;
  }
  return ring;
}

/** Twice the signed area (shoelace): positive for counter-clockwise with y pointing up. */
export function signedArea2(r: Ring): number {
  let s = 0;
  // Relative to the first vertex: big projected coordinates (8-digit eastings) lose precision
  // in the products otherwise.
  const x0 = r[0];
  const y0 = r[1];
  for (let i = 2; i + 3 < r.length; i += 2) {
    s += (r[i] - x0) * (r[i + 3] - y0) - (r[i + 2] - x0) * (r[i + 1] - y0);
  }
  return s;
}

export function ringBBox(r: Ring): BBox {
  let minX = r[0], minY = r[1], maxX = minX, maxY = minY;
  // Math.min/max compile to branch-free code: 3–5× faster here than if-chains on big rings.
  // (Coordinates are finite by now, so their NaN semantics do not matter.)
  for (let i = 2; i < r.length; i += 2) {
    const x = r[i], y = r[i + 1];
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

export function extendBBox(acc: BBox | null, b: BBox): BBox {
  if (!acc) return [b[0], b[1], b[2], b[3]];
  return [Math.min(acc[0], b[0]), Math.min(acc[1], b[1]), Math.max(acc[2], b[2]), Math.max(acc[3], b[3])];
}

function reverseRing(r: Ring): void {
  for (let i = 0, j = r.length - 2; i < j; i += 2, j -= 2) {
    const x = r[i], y = r[i + 1];
    r[i] = r[j];
    r[i + 1] = r[j + 1];
    r[j] = x;
    r[j + 1] = y;
  }
}

/** Winds a polygon's exterior clockwise and its holes counter-clockwise, in place. */
export function orientPolygon(p: Polygon): void {
  for (let k = 0; k < p.length; k++) {
    const a = signedArea2(p[k]);
    if (k === 0 ? a > 0 : a < 0) reverseRing(p[k]);
  }
}

/**
 * Point location in a ring: 1 inside, -1 outside, 0 on the boundary. Rings with many vertices get
 * an index of their edges by horizontal bands, built on first use, so that one large exterior
 * tested against thousands of holes costs O(n) once instead of O(n) per hole.
 */
class RingLocator {
  private bandStart: Int32Array | null = null;
  private bandEdges: Int32Array | null = null;
  private minY = 0;
  private bandHeight = 1;
  private queries = 0;

  constructor(readonly ring: Ring, readonly bbox: BBox) {}

  locate(x: number, y: number): number {
    const r = this.ring;
    const edges = (r.length >> 1) - 1;
    if (edges > 64 && ++this.queries > 2 && !this.bandStart) this.buildIndex(edges);
    let inside = false;
    if (this.bandStart && this.bandEdges) {
      let b = Math.floor((y - this.minY) / this.bandHeight);
      b = Math.min(Math.max(b, 0), this.bandStart.length - 2);
      for (let k = this.bandStart[b]; k < this.bandStart[b + 1]; k++) {
        const c = crossing(r, this.bandEdges[k] * 2, x, y);
        if (c === 0) return 0;
        if (c === 1) inside = !inside;
      }
    } else {
      for (let i = 0; i < edges * 2; i += 2) {
        const c = crossing(r, i, x, y);
        if (c === 0) return 0;
        if (c === 1) inside = !inside;
      }
    }
    return inside ? 1 : -1;
  }

  private buildIndex(edges: number): void {
    const r = this.ring;
    this.minY = this.bbox[1];
    let bands = Math.max(1, Math.min(65536, edges >> 3));
    const bandOf = (v: number): number => Math.min(bands - 1, Math.floor((v - this.minY) / this.bandHeight));
    // Long edges are listed in every band they span; coarsen the bands until that stays linear
    // (a comb of full-height teeth would otherwise need edges × bands entries).
    for (;;) {
      this.bandHeight = (this.bbox[3] - this.bbox[1]) / bands || 1;
      let entries = 0;
      for (let e = 0; e < edges; e++) {
        const y1 = r[2 * e + 1], y2 = r[2 * e + 3];
        entries += bandOf(Math.max(y1, y2)) - bandOf(Math.min(y1, y2)) + 1;
      }
      if (entries <= 16 * edges || bands === 1) break;
      bands = Math.max(1, bands >> 2);
    }
    const start = new Int32Array(bands + 1);
    for (let e = 0; e < edges; e++) {
      const y1 = r[2 * e + 1], y2 = r[2 * e + 3];
      for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b++) start[b + 1]++;
    }
    for (let b = 0; b < bands; b++) start[b + 1] += start[b];
    const fill = start.slice(0, bands);
    const list = new Int32Array(start[bands]);
    for (let e = 0; e < edges; e++) {
      const y1 = r[2 * e + 1], y2 = r[2 * e + 3];
      for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b++) list[fill[b]++] = e;
    }
    this.bandStart = start;
    this.bandEdges = list;
  }
}

/** Edge at r[i..i+3] against the ray from (x, y) towards +x: 0 on the edge, 1 crosses, -1 not. */
function crossing(r: Ring, i: number, x: number, y: number): number {
  const x1 = r[i], y1 = r[i + 1], x2 = r[i + 2], y2 = r[i + 3];
  if ((y1 > y) !== (y2 > y)) {
    const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
    if (cross === 0) return 0;
    // The edge crosses the ray when the point lies left of an upward edge or right of a downward one.
    return (cross > 0) === (y2 > y1) ? 1 : -1;
  }
  // Horizontal edges and edge end points: only exact hits on the boundary matter.
  if (y === y1 && y === y2 && x >= Math.min(x1, x2) && x <= Math.max(x1, x2)) return 0;
  if ((x === x1 && y === y1) || (x === x2 && y === y2)) return 0;
  return -1;
}

/** Whether ring `inner` lies inside `outer` (rings of a valid polygon may touch at vertices). */
function ringInside(inner: Ring, outer: RingLocator, innerArea: number, outerArea: number): boolean {
  for (let i = 0; i + 2 < inner.length; i += 2) {
    const where = outer.locate(inner[i], inner[i + 1]);
    if (where !== 0) return where > 0;
  }
  // Every vertex on the other ring's boundary: let the winding decide, as the format intends.
  return Math.sign(innerArea) !== Math.sign(outerArea);
}

function bboxWithin(a: BBox, b: BBox): boolean {
  return a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
}

/**
 * For ring i, the larger rings whose boxes contain its box, smallest first. Dissolved layers such
 * as a province's red line come as one shape of tens of thousands of parts: comparing every pair
 * of boxes would be quadratic, so beyond a few rings the boxes go into a Flatbush index.
 */
function boxIndex(boxes: BBox[], rank: Int32Array): (i: number) => number[] {
  const byRankDesc = (a: number, b: number): number => rank[b] - rank[a];
  if (boxes.length <= 32) {
    return (i) => boxes.flatMap((b, j) => (rank[j] < rank[i] && bboxWithin(boxes[i], b) ? [j] : [])).sort(byRankDesc);
  }
  const index = new Flatbush(boxes.length);
  for (const b of boxes) index.add(b[0], b[1], b[2], b[3]);
  index.finish();
  return (i) => {
    const b = boxes[i];
    return index.search(b[0], b[1], b[2], b[3], (j) => rank[j] < rank[i] && bboxWithin(b, boxes[j])).sort(byRankDesc);
  };
}

/**
 * Groups a shape's rings into polygons by containment: a ring inside an even number of other rings
 * is an exterior, inside an odd number a hole of its smallest container. Exteriors keep file order.
 * The result is oriented (orientPolygon).
 */
export function organizeRings(rings: Ring[]): MultiPolygon {
  if (rings.length === 1) {
    const p = [rings[0]];
    orientPolygon(p);
    return [p];
  }
  const n = rings.length;
  const area = rings.map(signedArea2);
  const boxes = rings.map(ringBBox);
  // Largest first, so that a ring's containers are all decided before it.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.abs(area[b]) - Math.abs(area[a]) || a - b,
  );
  const rank = new Int32Array(n);
  order.forEach((i, k) => (rank[i] = k));
  const containersOf = boxIndex(boxes, rank);
  const locators: Array<RingLocator | null> = new Array(n).fill(null);
  const depth = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  for (const i of order) {
    // Candidates by increasing area, so the first container found is the immediate one.
    for (const j of containersOf(i)) {
      const loc = (locators[j] ??= new RingLocator(rings[j], boxes[j]));
      if (ringInside(rings[i], loc, area[i], area[j])) {
        parent[i] = j;
        depth[i] = depth[j] + 1;
        break;
      }
    }
  }
  const polygonOf = new Int32Array(n).fill(-1);
  const out: MultiPolygon = [];
  for (let i = 0; i < n; i++) {
    if (depth[i] % 2 === 0) {
      polygonOf[i] = out.length;
      out.push([rings[i]]);
    }
  }
  for (let i = 0; i < n; i++) if (depth[i] % 2 === 1) out[polygonOf[parent[i]]].push(rings[i]);
  for (const p of out) orientPolygon(p);
  return out;
}
