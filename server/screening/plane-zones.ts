import Flatbush from 'flatbush';
import { CHUNK_SIZE, chunkRing, clipMultiPolygon, type ChunkedPolygon, type ChunkedRing } from '../geo/clip.ts';
import { coversBox } from '../geo/rect-clip.ts';
import type { DatumShift, GaussKruger } from '../geo/crs-types.ts';
import { makeTransform, type Transform } from '../geo/projection.ts';
import type { BBox, MultiPolygon, Ring } from '../geo/types.ts';
import type { ZoneGeometry } from './zones.ts';

/**
 * The protected zones in one analysis plane, reprojected lazily: a zone feature is looked at
 * only when some licence of that plane lies near it, and of its rings only the chunks of 32
 * vertices that reach a licence box are projected (once), plus the chunk end points. On a
 * county most zone vertices lie away from every licence and are never projected.
 */

/**
 * Margin of the licence box in a zone layer's CRS: 10 % of the box plus 50 m, which covers the
 * sagitta (under 2 m) of a 10 km chord in the plane, the longest a reduced ring may have.
 */
const MARGIN_M = 50;
const MAX_RUN_M = 10_000;
const METRES_PER_DEGREE = 111_000;

function unitsPerMetre(crs: ZoneGeometry['crs']): number {
  return crs.kind === 'geographic' ? 1 / METRES_PER_DEGREE : 1;
}

/** A ring chunked in its own CRS, projected into the plane chunk by chunk when asked. */
function lazyRing(native: Ring, toPlane: Transform, maxRun: number): ChunkedRing {
  const ring = chunkRing(native);
  if (toPlane.identity) return ring;
  const n = native.length / 2;
  const chunks = ring.chunkBoxes.length / 4;
  const plane = new Float64Array(native.length);
  // chunk end points first: they carry the chords between the chunks that are not projected
  const ends = new Float64Array(2 * (chunks + 1));
  for (let k = 0; k <= chunks; k++) {
    const i = Math.min(n - 1, k * CHUNK_SIZE);
    ends[2 * k] = native[2 * i];
    ends[2 * k + 1] = native[2 * i + 1];
  }
  const projectedEnds = toPlane(ends);
  for (let k = 0; k <= chunks; k++) {
    const i = Math.min(n - 1, k * CHUNK_SIZE);
    plane[2 * i] = projectedEnds[2 * k];
    plane[2 * i + 1] = projectedEnds[2 * k + 1];
  }
  const loaded = new Uint8Array(chunks);
  const load = (k: number): void => {
    if (loaded[k]) return;
    loaded[k] = 1;
    const from = k * CHUNK_SIZE;
    const to = Math.min(n - 1, from + CHUNK_SIZE);
    plane.set(toPlane(native.subarray(2 * from, 2 * to + 2)), 2 * from);
  };
  return { ...ring, coords: plane, load, maxRun };
}

/** A box's image under a transform: the bounding box of its densified outline, grown by `margin` plus 10 %. */
function transformBox(box: BBox, t: Transform, margin: number): BBox {
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
  const gx = 0.1 * (maxX - minX) + margin, gy = 0.1 * (maxY - minY) + margin;
  return [minX - gx, minY - gy, maxX + gx, maxY + gy];
}

export interface NearZone {
  zone: number;
  pieces: MultiPolygon;
  /** the zone covers the whole box */
  covers: boolean;
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
    const margin = MARGIN_M * unitsPerMetre(features[0].crs);
    for (const box of clipBoxes) near.add(...transformBox(box, toLayer, margin));
    near.finish();
    for (const z of features) if (near.search(...z.bbox).length > 0) out.push(z);
  }
  return out.sort((a, b) => a.zone - b.zone);
}

interface CrsGroup {
  toLayer: Transform;
  margin: number;
  zones: number[];
  parts: ChunkedPolygon[][];
  index: Flatbush;
}

/** Zone features chunked in their own CRS, projected into one plane as licences need them. */
export class PlaneZones {
  private readonly groups: CrsGroup[] = [];

  constructor(plane: GaussKruger, zones: readonly ZoneGeometry[], shift?: DatumShift) {
    for (const features of groupByCrs(zones).values()) {
      const crs = features[0].crs;
      const toPlane = makeTransform(crs, plane, shift);
      const maxRun = MAX_RUN_M * unitsPerMetre(crs);
      const parts = features.map((z) => z.geometry.map((polygon): ChunkedPolygon => {
        const rings = polygon.map((ring) => lazyRing(ring, toPlane, maxRun));
        return { rings, bbox: rings[0].bbox };
      }));
      const index = new Flatbush(features.length);
      for (const z of features) index.add(...z.bbox);
      index.finish();
      this.groups.push({
        toLayer: makeTransform(plane, crs, shift),
        margin: MARGIN_M * unitsPerMetre(crs),
        zones: features.map((z) => z.zone),
        parts,
        index,
      });
    }
  }

  /** Zone features reaching into `box` (plane), cut to it: exact inside the box (geo/clip). */
  near(box: BBox): NearZone[] {
    const out: NearZone[] = [];
    for (const g of this.groups) {
      const near = g.toLayer.identity ? undefined : transformBox(box, g.toLayer, g.margin);
      for (const i of g.index.search(...(near ?? box))) {
        const pieces = clipMultiPolygon(g.parts[i], box, near);
        if (pieces.length > 0) out.push({ zone: g.zones[i], pieces, covers: coversBox(pieces, box) });
      }
    }
    return out.sort((a, b) => a.zone - b.zone);
  }
}
