import Flatbush from 'flatbush';
import { chunkPolygon, clipMultiPolygon, type ChunkedPolygon } from '../geo/clip.ts';
import type { DatumShift, GaussKruger } from '../geo/crs-types.ts';
import { makeTransform, type Transform } from '../geo/projection.ts';
import type { BBox, MultiPolygon } from '../geo/types.ts';
import { ringsBBox, type ZoneGeometry } from './zones.ts';

/**
 * The protected zones in one analysis plane, reprojected lazily: a zone feature is projected
 * into a licence plane only when some licence of that plane lies near it, and then only once.
 */

function projectMultiPolygon(mp: MultiPolygon, t: Transform): MultiPolygon {
  return t.identity ? mp : mp.map((polygon) => polygon.map((ring) => t(ring)));
}

/** A box's image under a transform: the bounding box of its densified outline, grown 10 %. */
function transformBox(box: BBox, t: Transform): BBox {
  if (t.identity) return box;
  const steps = 4;
  const pts = new Float64Array(8 * steps);
  const [a, b, c, d] = box;
  for (let i = 0; i < steps; i++) {
    const s = i / steps;
    pts.set([a + s * (c - a), b, c, b + s * (d - b), c - s * (c - a), d, a, d - s * (d - b)], 8 * i);
  }
  const out = t(pts);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < out.length; i += 2) {
    minX = Math.min(minX, out[i]); maxX = Math.max(maxX, out[i]);
    minY = Math.min(minY, out[i + 1]); maxY = Math.max(maxY, out[i + 1]);
  }
  const gx = 0.1 * (maxX - minX), gy = 0.1 * (maxY - minY);
  return [minX - gx, minY - gy, maxX + gx, maxY + gy];
}

export interface NearZone {
  zone: number;
  pieces: MultiPolygon;
  /** the zone covers the whole box */
  covers: boolean;
}

/**
 * Whether the clipped zone is the box itself (a rectangle with no hole around all of `box`):
 * the cut returns exactly that when the zone covers the box, possibly a slightly larger box.
 */
function coversBox(pieces: MultiPolygon, box: BBox): boolean {
  if (pieces.length !== 1 || pieces[0].length !== 1 || pieces[0][0].length !== 10) return false;
  const r = pieces[0][0];
  const [minX, minY, maxX, maxY] = ringsBBox(pieces);
  if (minX > box[0] || minY > box[1] || maxX < box[2] || maxY < box[3]) return false;
  for (let i = 0; i < 10; i += 2) {
    if ((r[i] !== minX && r[i] !== maxX) || (r[i + 1] !== minY && r[i + 1] !== maxY)) return false;
  }
  return true;
}

function groupByCrs<Z extends ZoneGeometry>(zones: readonly Z[]): Map<string, Z[]> {
  const out = new Map<string, Z[]>();
  for (const z of zones) {
    const key = JSON.stringify(z.crs);
    const list = out.get(key) ?? [];
    list.push(z);
    out.set(key, list);
  }
  return out;
}

/**
 * The zone features that some licence box of a plane comes near, decided in each zone layer's
 * own CRS (licence boxes are taken there, grown), so features far away are never projected.
 */
export function zonesNear<Z extends ZoneGeometry>(
  zones: readonly Z[],
  plane: GaussKruger,
  clipBoxes: readonly BBox[],
  shift?: DatumShift,
): Z[] {
  if (clipBoxes.length === 0) return [];
  const out: Z[] = [];
  for (const features of groupByCrs(zones).values()) {
    const toLayer = makeTransform(plane, features[0].crs, shift);
    const near = new Flatbush(clipBoxes.length);
    for (const box of clipBoxes) near.add(...transformBox(box, toLayer));
    near.finish();
    for (const z of features) if (near.search(...z.bbox).length > 0) out.push(z);
  }
  return out.sort((a, b) => a.zone - b.zone);
}

/** Zone features projected into one analysis plane and chunked, ready to be cut to licences. */
export class PlaneZones {
  private readonly zones: number[] = [];
  private readonly parts: ChunkedPolygon[][] = [];
  private readonly index: Flatbush | null;

  constructor(plane: GaussKruger, zones: readonly ZoneGeometry[], shift?: DatumShift) {
    const boxes: BBox[] = [];
    for (const features of groupByCrs(zones).values()) {
      const toPlane = makeTransform(features[0].crs, plane, shift);
      for (const z of features) {
        const projected = projectMultiPolygon(z.geometry, toPlane).map(chunkPolygon);
        this.zones.push(z.zone);
        this.parts.push(projected);
        boxes.push(unionBoxes(projected.map((p) => p.bbox)));
      }
    }
    if (boxes.length === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(boxes.length);
    for (const b of boxes) this.index.add(...b);
    this.index.finish();
  }

  /** Zone features reaching into `box`, clipped to it (exact inside the box; see geo/clip). */
  near(box: BBox): NearZone[] {
    if (!this.index) return [];
    const out: NearZone[] = [];
    for (const i of this.index.search(...box).sort((a, b) => a - b)) {
      const pieces = clipMultiPolygon(this.parts[i], box);
      if (pieces.length > 0) out.push({ zone: this.zones[i], pieces, covers: coversBox(pieces, box) });
    }
    return out;
  }

  get size(): number {
    return this.zones.length;
  }
}

function unionBoxes(boxes: BBox[]): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const b of boxes) {
    minX = Math.min(minX, b[0]); minY = Math.min(minY, b[1]);
    maxX = Math.max(maxX, b[2]); maxY = Math.max(maxY, b[3]);
  }
  return [minX, minY, maxX, maxY];
}
