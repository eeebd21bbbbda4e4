/**
 * Flat-array polygons for the generators and their round trip through GDAL geometries.
 * The generators build millions of vertices: going through WKB (one Buffer per feature) is far
 * cheaper than one native call per point with `ring.points.add`.
 */
import gdal from 'gdal-async';

/** A closed ring as x,y pairs, the first point repeated at the end (as shapefiles store it). */
export type FlatRing = Float64Array;
/** Exterior ring first, then holes. */
export type Poly = FlatRing[];

export function closeRing(xy: readonly number[] | Float64Array): FlatRing {
  const n = xy.length;
  const closed = xy[0] === xy[n - 2] && xy[1] === xy[n - 1];
  const out = new Float64Array(closed ? n : n + 2);
  out.set(xy);
  if (!closed) {
    out[n] = xy[0];
    out[n + 1] = xy[1];
  }
  return out;
}

/** Signed shoelace area, positive counter-clockwise; relative to the first vertex for precision. */
export function signedArea(ring: FlatRing): number {
  const x0 = ring[0];
  const y0 = ring[1];
  let s = 0;
  for (let i = 2; i + 3 < ring.length; i += 2) {
    s += (ring[i] - x0) * (ring[i + 3] - y0) - (ring[i + 2] - x0) * (ring[i + 1] - y0);
  }
  return s / 2;
}

export function reverseRing(ring: FlatRing): FlatRing {
  const out = new Float64Array(ring.length);
  const n = ring.length / 2;
  for (let i = 0; i < n; i++) {
    out[2 * i] = ring[2 * (n - 1 - i)];
    out[2 * i + 1] = ring[2 * (n - 1 - i) + 1];
  }
  return out;
}

/** Ring wound as asked (clockwise = the shapefile convention for exteriors). */
export function orient(ring: FlatRing, clockwise: boolean): FlatRing {
  return signedArea(ring) < 0 === clockwise ? ring : reverseRing(ring);
}

/** Number of stored points (closing points included), as ST_NPoints counts them. */
export function pointCount(polys: readonly Poly[]): number {
  let n = 0;
  for (const p of polys) for (const r of p) n += r.length / 2;
  return n;
}

export function mapPoints(ring: FlatRing, f: (x: number, y: number) => [number, number]): FlatRing {
  const out = new Float64Array(ring.length);
  for (let i = 0; i < ring.length; i += 2) {
    const [x, y] = f(ring[i], ring[i + 1]);
    out[i] = x;
    out[i + 1] = y;
  }
  return out;
}

function polygonBytes(p: Poly): number {
  let n = 9;
  for (const r of p) n += 4 + r.length * 8;
  return n;
}

function writePolygon(buf: Buffer, at: number, p: Poly): number {
  let o = buf.writeUInt8(1, at);
  o = buf.writeUInt32LE(3, o);
  o = buf.writeUInt32LE(p.length, o);
  for (const r of p) {
    o = buf.writeUInt32LE(r.length / 2, o);
    for (let i = 0; i < r.length; i++) o = buf.writeDoubleLE(r[i], o);
  }
  return o;
}

/** Polygon for one part, MultiPolygon for several (a shapefile stores both the same way). */
export function toGeometry(polys: readonly Poly[], srs?: gdal.SpatialReference): gdal.Geometry {
  if (polys.length === 0) throw new Error('toGeometry: no polygon');
  let buf: Buffer;
  if (polys.length === 1) {
    buf = Buffer.alloc(polygonBytes(polys[0]));
    writePolygon(buf, 0, polys[0]);
  } else {
    let n = 9;
    for (const p of polys) n += polygonBytes(p);
    buf = Buffer.alloc(n);
    let o = buf.writeUInt8(1, 0);
    o = buf.writeUInt32LE(6, o);
    o = buf.writeUInt32LE(polys.length, o);
    for (const p of polys) o = writePolygon(buf, o, p);
  }
  return gdal.Geometry.fromWKB(buf, srs);
}

/**
 * The polygons of a geometry (Polygon, MultiPolygon or a GeometryCollection from an overlay;
 * points and lines are dropped), read from its little-endian WKB.
 */
export function fromGeometry(geom: gdal.Geometry): Poly[] {
  const buf = geom.toWKB(gdal.wkbNDR, gdal.wkbVariantIso);
  const out: Poly[] = [];
  let o = 0;
  const readGeom = (): void => {
    if (buf.readUInt8(o) !== 1) throw new Error('fromGeometry: expected little-endian WKB');
    const raw = buf.readUInt32LE(o + 1);
    o += 5;
    const type = raw % 1000;
    const dims = raw >= 3000 ? 4 : raw >= 1000 ? 3 : 2;
    const skipPoints = (n: number): void => {
      o += n * dims * 8;
    };
    if (type === 1) skipPoints(1);
    else if (type === 2) skipPoints(buf.readUInt32LE((o += 4) - 4));
    else if (type === 3) {
      const nr = buf.readUInt32LE(o);
      o += 4;
      const poly: Poly = [];
      for (let r = 0; r < nr; r++) {
        const np = buf.readUInt32LE(o);
        o += 4;
        const ring = new Float64Array(np * 2);
        for (let i = 0; i < np; i++) {
          ring[2 * i] = buf.readDoubleLE(o);
          ring[2 * i + 1] = buf.readDoubleLE(o + 8);
          o += dims * 8;
        }
        poly.push(ring);
      }
      if (poly.length > 0) out.push(poly);
    } else if (type >= 4 && type <= 7) {
      const n = buf.readUInt32LE(o);
      o += 4;
      for (let i = 0; i < n; i++) readGeom();
    } else throw new Error(`fromGeometry: unsupported WKB type ${raw}`);
  };
  readGeom();
  return out;
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function boxOf(polys: readonly Poly[]): Box {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const p of polys) {
    const r = p[0];
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] < b.minX) b.minX = r[i];
      if (r[i] > b.maxX) b.maxX = r[i];
      if (r[i + 1] < b.minY) b.minY = r[i + 1];
      if (r[i + 1] > b.maxY) b.maxY = r[i + 1];
    }
  }
  return b;
}

export function boxesOverlap(a: Box, b: Box, margin = 0): boolean {
  return (
    a.minX - margin <= b.maxX && b.minX - margin <= a.maxX && a.minY - margin <= b.maxY && b.minY - margin <= a.maxY
  );
}
