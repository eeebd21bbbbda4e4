/**
 * The GeoPackage 1.3 parts of the store (OGC 12-128r18): geometry blobs, spatial reference
 * systems, feature-table registration and the R-tree spatial index extension. Written by hand
 * rather than through GDAL so that the store writes features inside its own SQLite transactions
 * (an import is all or nothing) on one connection.
 */
import { createRequire } from 'node:module';
import type { Database } from 'better-sqlite3';
import type { BBox, MultiPolygon } from '../geo/types.ts';
import { multiPolygonToWkb } from '../geo/wkb.ts';

/** 'GPKG' in the SQLite header's application_id, and version 1.3.0 in user_version. */
export const GPKG_APPLICATION_ID = 0x47504b47;
export const GPKG_USER_VERSION = 10300;

/** CGCS2000 longitude/latitude: the one CRS of every feature table (see datasets.ts). */
export const LONLAT_SRS = 4490;

export function now(): string {
  return new Date().toISOString();
}

// ---------------------------------------------------------------- geometry blobs

/** Bytes of the envelope for each envelope-contents indicator of the flags byte. */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64] as const;

/**
 * A GeoPackage geometry blob: the "GP" header (version 0, little-endian, envelope
 * [minx, maxx, miny, maxy]) followed by standard little-endian WKB. The envelope is always written
 * so the R-tree triggers (and any reader's spatial filter) need not parse the WKB.
 */
export function geometryBlob(wkb: Uint8Array, srsId: number, box: BBox): Buffer {
  const buf = Buffer.alloc(40 + wkb.length);
  buf[0] = 0x47; // G
  buf[1] = 0x50; // P
  buf[2] = 0; // version 1
  buf[3] = 0b0000_0011; // standard binary, not empty, envelope indicator 1, little-endian
  buf.writeInt32LE(srsId, 4);
  buf.writeDoubleLE(box[0], 8);
  buf.writeDoubleLE(box[2], 16);
  buf.writeDoubleLE(box[1], 24);
  buf.writeDoubleLE(box[3], 32);
  buf.set(wkb, 40);
  return buf;
}

/** A multipolygon as a GeoPackage blob; null for no polygon (stored as SQL NULL, never as an empty blob). */
export function multiPolygonBlob(mp: MultiPolygon, srsId: number): Buffer | null {
  if (mp.length === 0) return null;
  const wkb = multiPolygonToWkb(mp);
  const box = wkbEnvelope(wkb);
  return box ? geometryBlob(wkb, srsId, box) : null;
}

/** Flat [x0, y0, x1, y1, …] as a little-endian WKB MultiPoint. */
export function multiPointWkb(points: Float64Array): Buffer {
  const n = points.length >> 1;
  const buf = Buffer.alloc(9 + n * 21);
  buf[0] = 1;
  buf.writeUInt32LE(4, 1);
  buf.writeUInt32LE(n, 5);
  for (let i = 0, o = 9; i < n; i++, o += 21) {
    buf[o] = 1;
    buf.writeUInt32LE(1, o + 1);
    buf.writeDoubleLE(points[2 * i], o + 5);
    buf.writeDoubleLE(points[2 * i + 1], o + 13);
  }
  return buf;
}

/** The points of a WKB Point or MultiPoint, or null when it holds none. */
export function wkbPoints(wkb: Uint8Array): Float64Array | null {
  const out: number[] = [];
  scanWkb(wkb, (x, y, type) => {
    if (type === 1) out.push(x, y);
  });
  return out.length > 0 ? Float64Array.from(out) : null;
}

export interface ParsedBlob {
  srsId: number;
  empty: boolean;
  envelope: BBox | null;
  wkb: Uint8Array;
}

export function parseBlob(blob: Uint8Array): ParsedBlob {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not a GeoPackage geometry blob');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const flags = blob[3];
  const le = (flags & 1) === 1;
  const indicator = (flags >> 1) & 0b111;
  const size = ENVELOPE_BYTES[indicator as 0 | 1 | 2 | 3 | 4];
  if (size === undefined) throw new Error(`invalid envelope indicator ${indicator} in a GeoPackage blob`);
  const envelope: BBox | null = size === 0
    ? null
    : [view.getFloat64(8, le), view.getFloat64(24, le), view.getFloat64(16, le), view.getFloat64(32, le)];
  return { srsId: view.getInt32(4, le), empty: (flags & 0x10) !== 0, envelope, wkb: blob.subarray(8 + size) };
}

/** The box of a blob: its envelope, or (a blob another tool wrote without one, e.g. a point) from the WKB. */
function blobBox(blob: Uint8Array): BBox | null {
  const p = parseBlob(blob);
  return p.empty ? null : (p.envelope ?? wkbEnvelope(p.wkb));
}

/** Min/max of every vertex of any 2D/Z/M WKB geometry; null when it has none. */
export function wkbEnvelope(wkb: Uint8Array): BBox | null {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  scanWkb(wkb, (x, y) => {
    if (Number.isNaN(x) || Number.isNaN(y)) return; // WKB's empty point
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  });
  return box[0] <= box[2] ? box : null;
}

/** Calls `visit` for every vertex (x, y and the type of the geometry it belongs to). */
function scanWkb(wkb: Uint8Array, visit: (x: number, y: number, type: number) => void): void {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const read = (o: number): number => {
    const le = view.getUint8(o) === 1;
    let type = view.getUint32(o + 1, le);
    let dims = 2 + (type & 0x80000000 ? 1 : 0) + (type & 0x40000000 ? 1 : 0);
    type &= 0x0fffffff;
    if (type >= 1000) {
      dims = Math.floor(type / 1000) === 3 ? 4 : 3;
      type %= 1000;
    }
    o += 5;
    const coords = (count: number): void => {
      for (let i = 0; i < count; i++, o += 8 * dims) visit(view.getFloat64(o, le), view.getFloat64(o + 8, le), type);
    };
    if (type === 1) {
      coords(1);
    } else if (type === 2) {
      const n = view.getUint32(o, le);
      o += 4;
      coords(n);
    } else if (type === 3) {
      const rings = view.getUint32(o, le);
      o += 4;
      for (let r = 0; r < rings; r++) {
        const n = view.getUint32(o, le);
        o += 4;
        coords(n);
      }
    } else if (type >= 4 && type <= 7) {
      const parts = view.getUint32(o, le);
      o += 4;
      for (let i = 0; i < parts; i++) o = read(o);
    } else {
      throw new Error(`unsupported WKB geometry type ${type}`);
    }
    return o;
  };
  read(0);
}

/**
 * The SQL functions the spec's R-tree triggers call (GDAL and QGIS register their own; a plain
 * SQLite connection must have these before it writes to a feature table). They answer NULL for
 * NULL, as the spec's functions do.
 */
export function registerGpkgFunctions(db: Database): void {
  const box = (g: unknown): BBox | null => (g instanceof Uint8Array ? blobBox(g) : null);
  const options = { deterministic: true };
  db.function('ST_MinX', options, (g: unknown) => box(g)?.[0] ?? null);
  db.function('ST_MinY', options, (g: unknown) => box(g)?.[1] ?? null);
  db.function('ST_MaxX', options, (g: unknown) => box(g)?.[2] ?? null);
  db.function('ST_MaxY', options, (g: unknown) => box(g)?.[3] ?? null);
  db.function('ST_IsEmpty', options, (g: unknown) => {
    if (!(g instanceof Uint8Array)) return null;
    const p = parseBlob(g);
    if (p.empty) return 1;
    // a written envelope means vertices: no need to scan the WKB (this runs for every insert)
    if (p.envelope && !Number.isNaN(p.envelope[0])) return 0;
    return wkbEnvelope(p.wkb) === null ? 1 : 0;
  });
}

// ---------------------------------------------------------------- spatial reference systems

const require = createRequire(import.meta.url);
type Gdal = typeof import('gdal-async');

export interface SrsRow {
  srs_name: string;
  srs_id: number;
  organization: string;
  organization_coordsys_id: number;
  definition: string;
  description: string | null;
}

/**
 * The spec's two undefined systems (Requirement 11), then EPSG rows with the real definitions:
 * the OGC WKT that GDAL itself writes into a GeoPackage it creates, from the PROJ database.
 */
export const UNDEFINED_SRS: readonly SrsRow[] = [
  { srs_name: 'Undefined cartesian SRS', srs_id: -1, organization: 'NONE', organization_coordsys_id: -1, definition: 'undefined', description: 'undefined cartesian coordinate reference system' },
  { srs_name: 'Undefined geographic SRS', srs_id: 0, organization: 'NONE', organization_coordsys_id: 0, definition: 'undefined', description: 'undefined geographic coordinate reference system' },
];

/** GDAL (a native addon) is loaded only here, once per new EPSG code in a file. */
export function epsgSrs(epsg: number): SrsRow {
  const gdal = require('gdal-async') as Gdal;
  const srs = gdal.SpatialReference.fromEPSG(epsg);
  const name = srs.getAttrValue(srs.isProjected() ? 'PROJCS' : 'GEOGCS') ?? `EPSG:${epsg}`;
  const description = epsg === 4326 ? 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid' : null;
  return { srs_name: name, srs_id: epsg, organization: 'EPSG', organization_coordsys_id: epsg, definition: srs.toWKT(), description };
}

export function insertSrs(db: Database, row: SrsRow): void {
  db.prepare(
    'INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) ' +
    'VALUES (@srs_name, @srs_id, @organization, @organization_coordsys_id, @definition, @description)',
  ).run(row);
}

/** Adds the definition of an EPSG code the first time a dataset in it is imported. */
export function ensureEpsg(db: Database, epsg: number): void {
  const known = db.prepare('SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id = ?').get(epsg);
  if (!known) insertSrs(db, epsgSrs(epsg));
}

// ---------------------------------------------------------------- tables

export interface FeatureTable {
  table: string;
  identifier: string;
  description: string;
  geometryType: 'MULTIPOLYGON' | 'GEOMETRY';
  /** column definitions after `fid` and `geom` */
  columns: string;
}

/**
 * A feature table in EPSG:4490 registered in gpkg_contents and gpkg_geometry_columns, with its
 * R-tree (extension gpkg_rtree_index, the triggers as GDAL 3.6 writes them: the 1.2.1+ form
 * where update3 fires on any column).
 */
export function createFeatureTable(db: Database, t: FeatureTable): void {
  db.exec(`CREATE TABLE "${t.table}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${t.geometryType}, ${t.columns})`);
  db.prepare(
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, 'features', ?, ?, ?, ?)",
  ).run(t.table, t.identifier, t.description, now(), LONLAT_SRS);
  db.prepare('INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, 0, 0)')
    .run(t.table, 'geom', t.geometryType, LONLAT_SRS);
  createRtree(db, t.table, 'geom', 'fid');
}

function createRtree(db: Database, t: string, c: string, i: string): void {
  const rt = `rtree_${t}_${c}`;
  const values = `NEW."${i}", ST_MinX(NEW."${c}"), ST_MaxX(NEW."${c}"), ST_MinY(NEW."${c}"), ST_MaxY(NEW."${c}")`;
  const full = `NEW."${c}" NOTNULL AND NOT ST_IsEmpty(NEW."${c}")`;
  const none = `NEW."${c}" ISNULL OR ST_IsEmpty(NEW."${c}")`;
  db.exec(`
    CREATE VIRTUAL TABLE "${rt}" USING rtree(id, minx, maxx, miny, maxy);
    CREATE TRIGGER "${rt}_insert" AFTER INSERT ON "${t}" WHEN (${full})
      BEGIN INSERT OR REPLACE INTO "${rt}" VALUES (${values}); END;
    CREATE TRIGGER "${rt}_update1" AFTER UPDATE OF "${c}" ON "${t}" WHEN OLD."${i}" = NEW."${i}" AND (${full})
      BEGIN INSERT OR REPLACE INTO "${rt}" VALUES (${values}); END;
    CREATE TRIGGER "${rt}_update2" AFTER UPDATE OF "${c}" ON "${t}" WHEN OLD."${i}" = NEW."${i}" AND (${none})
      BEGIN DELETE FROM "${rt}" WHERE id = OLD."${i}"; END;
    CREATE TRIGGER "${rt}_update3" AFTER UPDATE ON "${t}" WHEN OLD."${i}" != NEW."${i}" AND (${full})
      BEGIN DELETE FROM "${rt}" WHERE id = OLD."${i}"; INSERT OR REPLACE INTO "${rt}" VALUES (${values}); END;
    CREATE TRIGGER "${rt}_update4" AFTER UPDATE ON "${t}" WHEN OLD."${i}" != NEW."${i}" AND (${none})
      BEGIN DELETE FROM "${rt}" WHERE id IN (OLD."${i}", NEW."${i}"); END;
    CREATE TRIGGER "${rt}_delete" AFTER DELETE ON "${t}" WHEN OLD."${c}" NOT NULL
      BEGIN DELETE FROM "${rt}" WHERE id = OLD."${i}"; END;
  `);
  db.prepare(
    "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, ?, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
  ).run(t, c);
}

/** A plain table registered as GeoPackage 'attributes', so QGIS and ArcGIS list it as a table. */
export function registerAttributes(db: Database, table: string, description: string): void {
  db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)")
    .run(table, table, description, now());
}

/** gpkg_contents' extent (informative, used by clients to zoom) from the R-tree, and last_change. */
export function touchContents(db: Database, table: string): void {
  const rt = `rtree_${table}_geom`;
  db.prepare(
    `UPDATE gpkg_contents SET last_change = ?, min_x = (SELECT min(minx) FROM "${rt}"), min_y = (SELECT min(miny) FROM "${rt}"),
       max_x = (SELECT max(maxx) FROM "${rt}"), max_y = (SELECT max(maxy) FROM "${rt}") WHERE table_name = ?`,
  ).run(now(), table);
}
