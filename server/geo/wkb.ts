import type { MultiPolygon, Polygon, Ring } from './types.ts';

/**
 * Well-known binary for polygons, the cheapest way across the JS/GEOS boundary: one Buffer per
 * geometry instead of one native call per vertex. Little-endian, 2D.
 */

const WKB_POLYGON = 3;
const WKB_MULTIPOLYGON = 6;
const WKB_GEOMETRYCOLLECTION = 7;

function polygonSize(p: Polygon): number {
  let n = 9;
  for (const r of p) n += 4 + r.length * 8;
  return n;
}

function writePolygon(view: DataView, offset: number, p: Polygon): number {
  view.setUint8(offset, 1);
  view.setUint32(offset + 1, WKB_POLYGON, true);
  view.setUint32(offset + 5, p.length, true);
  let o = offset + 9;
  for (const r of p) {
    view.setUint32(o, r.length / 2, true);
    o += 4;
    for (let i = 0; i < r.length; i++, o += 8) view.setFloat64(o, r[i], true);
  }
  return o;
}

export function multiPolygonToWkb(mp: MultiPolygon): Buffer {
  let size = 9;
  for (const p of mp) size += polygonSize(p);
  const buf = Buffer.alloc(size);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setUint8(0, 1);
  view.setUint32(1, WKB_MULTIPOLYGON, true);
  view.setUint32(5, mp.length, true);
  let o = 9;
  for (const p of mp) o = writePolygon(view, o, p);
  return buf;
}

/**
 * Reads the polygonal part of a WKB geometry (Polygon, MultiPolygon, or a GeometryCollection as
 * GEOS returns for mixed-dimension results); points and lines are dropped because only areas
 * matter downstream. Z/M ordinates are skipped.
 */
export function wkbToMultiPolygon(wkb: Uint8Array): MultiPolygon {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const out: MultiPolygon = [];
  readGeometry(view, 0, out);
  return out;
}

function readGeometry(view: DataView, offset: number, out: MultiPolygon): number {
  const le = view.getUint8(offset) === 1;
  let type = view.getUint32(offset + 1, le);
  let dims = 2;
  // ISO (1000s) and EWKB-style (high bits) Z/M flags
  if (type & 0x80000000) dims++;
  if (type & 0x40000000) dims++;
  type &= 0x0fffffff;
  if (type >= 1000) {
    const family = Math.floor(type / 1000);
    dims = family === 3 ? 4 : 3;
    type %= 1000;
  }
  let o = offset + 5;
  switch (type) {
    case 1: // point
      return o + 8 * dims;
    case 2: { // line string
      const n = view.getUint32(o, le);
      return o + 4 + n * 8 * dims;
    }
    case WKB_POLYGON: {
      const rings = view.getUint32(o, le);
      o += 4;
      const polygon: Polygon = [];
      for (let r = 0; r < rings; r++) {
        const n = view.getUint32(o, le);
        o += 4;
        const ring: Ring = new Float64Array(2 * n);
        for (let i = 0; i < n; i++, o += 8 * dims) {
          ring[2 * i] = view.getFloat64(o, le);
          ring[2 * i + 1] = view.getFloat64(o + 8, le);
        }
        polygon.push(ring);
      }
      if (polygon.length > 0) out.push(polygon);
      return o;
    }
    case 4: case 5: case WKB_MULTIPOLYGON: case WKB_GEOMETRYCOLLECTION: {
      const parts = view.getUint32(o, le);
      o += 4;
      for (let i = 0; i < parts; i++) o = readGeometry(view, o, out);
      return o;
    }
    default:
      throw new Error(`unsupported WKB geometry type ${type}`);
  }
}
