import Flatbush from 'flatbush';
import { chunkPolygon, clipMultiPolygon, type ChunkedPolygon } from '../geo/clip.ts';
import type { DatumShift, GaussKruger } from '../geo/crs-types.ts';
import { makeTransform, type Transform } from '../geo/projection.ts';
import type { BBox, MultiPolygon } from '../geo/types.ts';
import { textOf, zoneTypeOf, type FieldMapping, type ZoneType } from './fields.ts';
import type { LayerInput } from './types.ts';

/**
 * The protected zones, prepared once and reprojected lazily: a zone feature is projected into a
 * licence plane only when some licence of that plane lies near it, and then only once.
 */

export interface ZoneFeature {
  /** index into the flat list of all zone features */
  zone: number;
  layer: LayerInput;
  zoneId: string;
  zoneName: string | null;
  zoneType: ZoneType | null;
  geometry: MultiPolygon;
  /** bounding box in the layer's own CRS */
  bbox: BBox;
}

export function ringsBBox(mp: MultiPolygon): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const polygon of mp) {
    const r = polygon[0];
    for (let i = 0; i < r.length; i += 2) {
      const x = r[i], y = r[i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Flattens the zone layers into features with id, name and type resolved. */
export function collectZones(
  layers: readonly LayerInput[],
  mappings: readonly FieldMapping[],
  warnings: string[],
): ZoneFeature[] {
  const out: ZoneFeature[] = [];
  layers.forEach((layer, li) => {
    const m = mappings[li];
    const typeFromName = zoneTypeOf(layer.name) ?? zoneTypeOf(layer.source);
    let untyped = 0;
    for (const f of layer.features) {
      if (!f.geometry || f.geometry.length === 0) continue;
      const zoneType = zoneTypeOf(textOf(f.attributes, m.zone_type)) ?? typeFromName;
      if (!zoneType) untyped++;
      out.push({
        zone: out.length,
        layer,
        zoneId: textOf(f.attributes, m.zone_id) ?? `${layer.name}#${f.index + 1}`,
        zoneName: textOf(f.attributes, m.zone_name),
        zoneType,
        geometry: f.geometry,
        bbox: ringsBBox(f.geometry),
      });
    }
    if (untyped > 0) {
      warnings.push(
        `${layer.source}: zone type unknown for ${untyped} feature(s): no zone_type field ` +
        `(类型 / zone_type) and the file name names neither 红线/redline nor 保护区/nature_reserve`,
      );
    }
  });
  return out;
}

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
  feature: ZoneFeature;
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

/** The zones near the licences of one analysis plane, projected into it and chunked. */
export class PlaneZones {
  private readonly features: ZoneFeature[] = [];
  private readonly parts: ChunkedPolygon[][] = [];
  private readonly index: Flatbush | null;

  constructor(plane: GaussKruger, zones: readonly ZoneFeature[], clipBoxes: readonly BBox[], shift?: DatumShift) {
    const byLayer = new Map<LayerInput, ZoneFeature[]>();
    for (const z of zones) {
      const list = byLayer.get(z.layer) ?? [];
      list.push(z);
      byLayer.set(z.layer, list);
    }
    const boxes: BBox[] = [];
    for (const [layer, features] of byLayer) {
      const toPlane = makeTransform(layer.crs, plane, shift);
      const toLayer = makeTransform(plane, layer.crs, shift);
      // Which features does any licence of this plane come near? Asked in the layer's own CRS,
      // so features far away are never projected.
      const near = new Flatbush(Math.max(1, clipBoxes.length));
      for (const box of clipBoxes) near.add(...transformBox(box, toLayer));
      if (clipBoxes.length === 0) near.add(0, 0, 0, 0);
      near.finish();
      for (const z of features) {
        if (clipBoxes.length === 0 || near.search(...z.bbox).length === 0) continue;
        const projected = projectMultiPolygon(z.geometry, toPlane).map(chunkPolygon);
        this.features.push(z);
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
      if (pieces.length > 0) out.push({ feature: this.features[i], pieces, covers: coversBox(pieces, box) });
    }
    return out;
  }

  get size(): number {
    return this.features.length;
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
