/**
 * One vector layer read from what a user uploads: a shapefile (.shp with its sidecar files), a
 * zip holding one shapefile, or a GeoJSON file. Shapefile, DBF and GeoJSON are parsed here in
 * TypeScript rather than through GDAL, for speed and for error messages that name the file, the
 * feature and the reason. A read either returns the whole layer or throws an InputError: never a
 * partial layer.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import type { Attributes, BBox, MultiPolygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { idFieldOf, textOf, type ZoneType } from '../screening/fields.ts';
import { readDbf } from './dbf.ts';
import { cornerTableContents, readBoundaryText } from './boundary-text/index.ts';
import { csvWktContents, wktColumn } from './csv-wkt.ts';
import { parseDelimited } from './delimited.ts';
import { readSheet } from './sheet.ts';
import { canonicalEncoding, decodeText } from './encoding.ts';
import type { EncodingHow } from './encoding.ts';
import { readGeoJson } from './geojson.ts';
import { readShp } from './shapefile.ts';
import { GDAL_FORMATS, hashFiles, readGdalLayer } from './gdal-layer.ts';
import { extractEntries, listZip } from './zip.ts';
import type { ZipEntry } from './zip.ts';

export type GeometryKind = 'polygon' | 'point' | 'line' | 'none';

export interface Feature {
  /** 0-based position in the file (deleted DBF records and null shapes keep their place) */
  index: number;
  /** exteriors clockwise, holes counter-clockwise, rings closed; null for null/empty shapes */
  geometry: MultiPolygon | null;
  attributes: Attributes;
  /** what reading fixed in this feature (a ring closed, repeated vertices removed), if anything */
  repairs?: string[];
  /** a point layer's coordinates, x,y pairs (a multipoint has several); absent for other kinds */
  points?: Float64Array;
}

/** The file format a layer came from, as the validation report and run.json name it. */
export type LayerFormat =
  | 'shapefile' | 'geojson' | 'geopackage' | 'filegdb' | 'kml' | 'dxf' | 'flatgeobuf' | 'csv-wkt'
  | 'corner-keyed' | 'corner-string' | 'corner-line' | 'parcel-exchange' | 'corner-table';

export interface SourceFile {
  /** path on disk; for a file inside a zip, the zip's path followed by the entry's path */
  path: string;
  sha256: string;
  bytes: number;
}

export interface Layer {
  /** the path the user gave (.shp, .zip or .geojson) */
  source: string;
  /** layer name (file stem) */
  name: string;
  format: LayerFormat;
  kind: GeometryKind;
  /** attribute names in file order */
  fields: string[];
  features: Feature[];
  /** raw .prj WKT text, or null */
  prj: string | null;
  /** an EPSG code the format itself implies (GeoJSON: 4326 unless its legacy "crs" says otherwise) */
  crsHint: number | null;
  /** how the attribute encoding was decided; 'option' when the caller chose it */
  encoding: { name: string; how: EncodingHow } | null;
  /** every file read, with SHA-256 (for reproducibility records) */
  files: SourceFile[];
  bbox: BBox | null;
  /** what the reader left out or noticed about the layer as a whole (e.g. a DXF's text labels) */
  notes?: string[];
  /** zone layers: the zone type a person declared for the layer (never set by a reader) */
  zoneType?: ZoneType | null;
}

export interface ReadLayerOptions {
  /** attribute encoding to use whatever the files say, e.g. 'GBK', 'UTF-8', 'CP936' */
  encoding?: string;
  /**
   * for a source holding several layers (a zip of shapefiles, a GeoPackage, a geodatabase, a
   * KML with folders, …): which one (its name, or for a zip its path in the zip)
   */
  layer?: string;
  /** how the user names a layer, for the message that asks them to (default `--layer NAME`) */
  layerFlag?: string;
}

export async function readLayer(path: string, options: ReadLayerOptions = {}): Promise<Layer> {
  let option: string | null = null;
  if (options.encoding !== undefined) {
    option = canonicalEncoding(options.encoding);
    if (!option) throw new InputError(path, `unknown encoding "${options.encoding}" (try UTF-8, GBK or GB18030)`);
  }
  const ext = extname(path.replace(/[\\/]+$/, '')).toLowerCase();
  const gdalFormat = GDAL_FORMATS[ext];
  if (gdalFormat) {
    await checkExists(path, ext === '.gdb');
    return readGdalLayer(path, gdalFormat, options.layer ?? null, path, await hashFiles(path), options.layerFlag);
  }
  const buf = await readInput(path);
  switch (ext) {
    case '.shp':
      return readShapefileOnDisk(path, buf, option);
    case '.zip':
      return readZip(path, buf, option, options.layer ?? null, options.layerFlag ?? LAYER_FLAG);
    case '.geojson':
    case '.json': {
      const g = readGeoJson(buf, path, option);
      const name = basename(path, extname(path));
      return { source: path, name, prj: null, files: [sourceFile(path, buf)], ...g };
    }
    case '.csv': {
      // a WKT column makes it a layer table; otherwise it is a table of corner points
      const { text, encoding } = decodeText(buf, option);
      const table = parseDelimited(text, (reason) => {
        throw new InputError(path, reason);
      });
      const c = wktColumn(table.header) >= 0 ? csvWktContents(table, encoding, path) : cornerTableContents(table, encoding, path);
      return { source: path, name: basename(path, extname(path)), prj: null, files: [sourceFile(path, buf)], ...c };
    }
    case '.txt':
      return { source: path, name: basename(path, extname(path)), prj: null, files: [sourceFile(path, buf)], ...readBoundaryText(buf, path, option) };
    case '.xlsx': {
      const sheet = readSheet(path, { sheet: options.layer, flag: options.layerFlag ?? LAYER_FLAG });
      const c = cornerTableContents(sheet, { name: 'utf-8', how: 'format' }, path);
      return { source: path, name: basename(path, extname(path)), prj: null, files: [sourceFile(path, buf)], ...c };
    }
    case '.dbf':
    case '.shx':
    case '.prj':
    case '.cpg':
      throw new InputError(path, `this is one part of a shapefile: give the .shp file (or a zip of all its parts)`);
    default:
      throw new InputError(path, `unsupported file type "${ext || '(none)'}": expected ${SUPPORTED}`);
  }
}

const LAYER_FLAG = '--layer NAME';

const SUPPORTED = '.shp, .zip (of shapefiles or a .gdb folder), .geojson, .json, .gpkg, .gdb, .kml, .kmz, .dxf, .fgb, .csv (WKT or corner points), .txt (corner points, parcel exchange) or .xlsx (corner points)';

/** A GDAL source exists and has the right shape (a .gdb is a folder, the others files). */
async function checkExists(path: string, folder: boolean): Promise<void> {
  const s = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new InputError(path, err.code === 'ENOENT' ? 'file not found' : `cannot be read: ${err.message}`);
  });
  if (folder && !s.isDirectory()) throw new InputError(path, 'a File Geodatabase is a folder named *.gdb (or a zip of that folder)');
  if (!folder && !s.isFile()) throw new InputError(path, 'not a file');
  if (!folder && s.size === 0) throw new InputError(path, 'the file is empty (0 bytes)');
}

async function readInput(path: string): Promise<Buffer> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(path, 'not a file');
    if (s.size === 0) throw new InputError(path, 'the file is empty (0 bytes)');
    return await readFile(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(path, 'file not found');
    throw new InputError(path, `cannot be read: ${(err as Error).message}`);
  }
}

function sourceFile(path: string, buf: Buffer): SourceFile {
  return { path, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
}

const PARTS = ['.shx', '.dbf', '.prj', '.cpg'] as const;
type Part = (typeof PARTS)[number];

/** The members of one shapefile, wherever they came from (a folder or a zip). */
interface ShapefileParts {
  source: string;
  name: string;
  shp: { path: string; buf: Buffer };
  parts: Partial<Record<Part, { path: string; buf: Buffer }>>;
}

async function readShapefileOnDisk(path: string, shpBuf: Buffer, option: string | null): Promise<Layer> {
  const dir = dirname(path);
  const stem = basename(path, extname(path));
  const siblings = await readdir(dir);
  const parts: ShapefileParts['parts'] = {};
  for (const ext of PARTS) {
    // Extensions in any case (.DBF from old Windows tools); an exact-case match wins if both exist.
    const candidates = siblings.filter((f) => f.toLowerCase() === (stem + ext).toLowerCase());
    const pick = candidates.find((f) => f === stem + ext || f === stem + ext.toUpperCase()) ?? candidates[0];
    if (pick) {
      const p = join(dir, pick);
      const buf = await readFile(p).catch((err: Error) => {
        throw new InputError(p, `cannot be read: ${err.message}`);
      });
      parts[ext] = { path: p, buf };
    }
  }
  return assemble({ source: path, name: stem, shp: { path, buf: shpBuf }, parts }, option, [sourceFile(path, shpBuf)]);
}

function assemble(sf: ShapefileParts, option: string | null, files: SourceFile[]): Layer {
  const { '.shx': shx, '.dbf': dbf, '.prj': prj, '.cpg': cpg } = sf.parts;
  const stem = basename(sf.shp.path, extname(sf.shp.path));
  if (!shx) throw new InputError(sf.shp.path, `the index file ${stem}.shx is missing (a shapefile needs .shp, .shx and .dbf)`);
  if (!dbf) throw new InputError(sf.shp.path, `the attribute table ${stem}.dbf is missing (a shapefile needs .shp, .shx and .dbf)`);
  // The table first: a damaged shape is then named by its id as well as its number.
  const table = readDbf(dbf.buf, dbf.path, { option, cpg: cpg ? text(cpg.buf) : null });
  let geo: ReturnType<typeof readShp>;
  try {
    geo = readShp(sf.shp.buf, shx.buf, { shp: sf.shp.path, shx: shx.path });
  } catch (err) {
    throw withId(err, table.records, table.fields.map((f) => f.name));
  }
  if (table.records.length !== geo.geometries.length && geo.unindexedBytes > 0) {
    throw new InputError(
      shx.path,
      `indexes ${geo.geometries.length} shapes, but the .shp goes on for ${geo.unindexedBytes} bytes after them and ` +
      `${basename(dbf.path)} has ${table.records.length} records: the .shx is out of date (rebuild it, e.g. by re-exporting the layer)`,
    );
  }
  if (table.records.length !== geo.geometries.length) {
    throw new InputError(
      sf.shp.path,
      `record counts disagree: the .shp has ${geo.geometries.length} shapes but ${basename(dbf.path)} has ${table.records.length} records`,
    );
  }
  for (const part of [shx, dbf, prj, cpg]) if (part) files.push(sourceFile(part.path, part.buf));
  const prjText = prj ? text(prj.buf) : '';
  return {
    source: sf.source,
    name: sf.name,
    format: 'shapefile',
    kind: geo.kind,
    fields: table.fields.map((f) => f.name),
    features: geo.geometries.map((geometry, index) => {
      const f: Feature = { index, geometry, attributes: table.records[index] };
      const repairs = geo.repairs.get(index);
      if (repairs) f.repairs = repairs;
      const points = geo.points?.[index];
      if (points) f.points = points;
      return f;
    }),
    prj: prjText === '' ? null : prjText,
    crsHint: null,
    encoding: table.encoding,
    files,
    bbox: geo.bbox,
  };
}

/** An InputError about feature #i, given the id the attribute table has for it. */
function withId(err: unknown, records: Attributes[], fields: string[]): unknown {
  if (!(err instanceof InputError) || !err.feature || err.feature.id !== undefined) return err;
  const field = idFieldOf(fields);
  const id = field ? textOf(records[err.feature.index] ?? {}, field) : null;
  return id ? new InputError(err.file, err.reason, { index: err.feature.index, id }) : err;
}

/** .prj and .cpg are ASCII in practice; a BOM or trailing newline is noise. */
function text(buf: Buffer): string {
  return buf.toString('utf8').replace(/^\uFEFF/, '').trim();
}

const GDB_IN_ZIP = /(^|\/)[^/]+\.gdb\//i;

/**
 * A zipped File Geodatabase: its folder is extracted (through our zip reader, with its guards
 * against escaping paths and bombs) to a private temporary folder that GDAL then opens.
 */
async function readZippedGdb(path: string, buf: Buffer, entries: ZipEntry[], wanted: string | null, flag: string): Promise<Layer> {
  const roots = [...new Set(entries.flatMap((e) => {
    const m = /^(.*?[^/]+\.gdb)\//i.exec(e.name);
    return m ? [m[1]] : [];
  }))];
  if (roots.length > 1) throw new InputError(path, `the zip holds ${roots.length} geodatabases, zip one at a time: ${roots.join(', ')}`);
  const members = entries.filter((e) => e.name.startsWith(`${roots[0]}/`));
  const data = extractEntries(buf, members, path);
  const dir = await mkdtemp(join(tmpdir(), 'redline-gdb-'));
  try {
    const gdb = join(dir, basename(roots[0]));
    for (let i = 0; i < members.length; i++) {
      const target = join(gdb, members[i].name.slice(roots[0].length + 1));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data[i]);
    }
    const layer = await readGdalLayer(gdb, GDAL_FORMATS['.gdb'], wanted, path, [sourceFile(path, buf)], flag);
    return layer;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readZip(path: string, buf: Buffer, option: string | null, wanted: string | null, flag: string): Layer | Promise<Layer> {
  const entries = listZip(buf, path).filter((e) => !e.isDirectory && !isJunk(e.name));
  // Group members by folder + stem, case-insensitively: a.SHP, a.dbf and A.shx are one shapefile.
  const groups = new Map<string, Partial<Record<'.shp' | Part, ZipEntry>>>();
  for (const e of entries) {
    const ext = extname(e.name).toLowerCase();
    if (ext !== '.shp' && !(PARTS as readonly string[]).includes(ext)) continue;
    const key = e.name.slice(0, e.name.length - ext.length).toLowerCase();
    const g = groups.get(key) ?? {};
    g[ext as '.shp' | Part] = e;
    groups.set(key, g);
  }
  const layers = [...groups.values()].flatMap((g) => (g['.shp'] ? [g] : []));
  if (layers.length === 0 && entries.some((e) => GDB_IN_ZIP.test(e.name))) return readZippedGdb(path, buf, entries, wanted, flag);
  if (layers.length === 0) {
    const shown = entries.slice(0, 10).map((e) => e.name).join(', ');
    throw new InputError(path, `the zip holds no shapefile (.shp)${entries.length ? `; it holds: ${shown}${entries.length > 10 ? ', …' : ''}` : ' (it is empty)'}`);
  }
  let chosen = layers;
  if (wanted !== null) {
    const w = wanted.toLowerCase().replace(/\.shp$/, '');
    chosen = layers.filter((g) => {
      const n = (g['.shp'] as ZipEntry).name.toLowerCase().replace(/\.shp$/, '');
      return n === w || basename(n) === w;
    });
    if (chosen.length === 0) {
      throw new InputError(path, `no shapefile "${wanted}" in the zip; it holds: ${layers.map((g) => g['.shp']?.name).join(', ')}`);
    }
  }
  if (chosen.length > 1) {
    throw new InputError(
      path,
      `the zip holds ${chosen.length} shapefiles, pick one with ${flag}: ${chosen.map((g) => g['.shp']?.name).join(', ')}`,
    );
  }
  const g = chosen[0];
  const shpEntry = g['.shp'] as ZipEntry;
  const others = PARTS.flatMap((k) => (g[k] ? [[k, g[k] as ZipEntry] as const] : []));
  const data = extractEntries(buf, [shpEntry, ...others.map(([, e]) => e)], path);
  // Files inside the zip are named like paths below it, the way Windows Explorer shows them.
  const inner = (e: ZipEntry): string => `${path}/${e.name}`;
  const shpPart = { path: inner(shpEntry), buf: data[0] };
  const parts: ShapefileParts['parts'] = {};
  others.forEach(([k, e], i) => (parts[k] = { path: inner(e), buf: data[i + 1] }));
  const stem = basename(shpEntry.name, extname(shpEntry.name));
  return assemble({ source: path, name: stem, shp: shpPart, parts }, option, [
    sourceFile(path, buf),
    sourceFile(shpPart.path, shpPart.buf),
  ]);
}

/** macOS resource forks (__MACOSX/, ._name) look like shapefile parts but are not. */
function isJunk(name: string): boolean {
  return name.startsWith('__MACOSX/') || basename(name).startsWith('._');
}
