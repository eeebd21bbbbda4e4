/**
 * Writes a polygon layer to Shapefile (GBK or UTF-8, with .cpg and .prj), GeoPackage or GeoJSON
 * through GDAL, the way desktop GIS in a Chinese bureau expects to open it.
 *
 * A Shapefile's DBF limits field names to 10 bytes and strings to 254: names are shortened
 * predictably (an explicit short name, else truncated and numbered), and what was shortened or
 * cut is returned so the caller can say so. Files appear whole or not at all: everything is
 * written under a temporary name in the target folder and renamed at the end.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import iconv from 'iconv-lite';
import type * as GdalTypes from 'gdal-async';
import { crsName, epsgFor } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { makeTransform } from '../geo/projection.ts';
import type { Attributes, MultiPolygon } from '../geo/types.ts';
import { multiPolygonToWkb } from '../geo/wkb.ts';

const require = createRequire(import.meta.url);
let gdalModule: typeof GdalTypes | null = null;
const gdal = (): typeof GdalTypes => (gdalModule ??= require('gdal-async') as typeof GdalTypes);

export type ExportFormat = 'shapefile' | 'geopackage' | 'geojson';

export interface ExportField {
  name: string;
  type: 'string' | 'integer' | 'real';
  /** the name in a Shapefile's DBF (≤ 10 bytes), when the full name is longer */
  shortName?: string;
}

export interface ExportLayer {
  name: string;
  crs: Crs;
  fields: ExportField[];
  features: { geometry: MultiPolygon | null; attributes: Attributes }[];
}

export interface ExportOptions {
  /** Shapefile attribute encoding (default GBK, what Chinese desktop GIS expects) */
  encoding?: 'GBK' | 'UTF-8';
  /** replace an existing file (a GeoPackage: replace the layer of that name, keep the others) */
  overwrite?: boolean;
}

export interface ExportReport {
  format: ExportFormat | 'text';
  files: string[];
  features: number;
  /** field renamings (Shapefile names) and strings cut to the DBF's 254 bytes */
  notes: string[];
}

export class ExportError extends Error {}

/** The layer in another CRS (vertices transformed; edges stay straight in the new plane). */
export function reproject(layer: ExportLayer, to: Crs): ExportLayer {
  const t = makeTransform(layer.crs, to);
  const features = layer.features.map((f) => ({ ...f, geometry: f.geometry && f.geometry.map((p) => p.map((r) => t(r))) }));
  return { ...layer, crs: to, features };
}

export function exportFormatOf(path: string): ExportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.shp') return 'shapefile';
  if (ext === '.gpkg') return 'geopackage';
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  throw new ExportError(`${path}: cannot tell the format from "${ext || '(none)'}": use .shp, .gpkg or .geojson`);
}

const DRIVER: Record<ExportFormat, string> = { shapefile: 'ESRI Shapefile', geopackage: 'GPKG', geojson: 'GeoJSON' };
const SHAPEFILE_PARTS = ['.shp', '.shx', '.dbf', '.prj', '.cpg'];
const DBF_STRING_BYTES = 254;

/** DBF field names: the short name, else the name cut to 10 bytes, numbered when that collides. */
export function dbfNames(fields: readonly ExportField[], encoding: string): string[] {
  const used = new Set<string>();
  const fits = (s: string): boolean => iconv.encode(s, encoding).length <= 10;
  const cut = (s: string, room: number): string => {
    let out = '';
    for (const ch of s) {
      if (iconv.encode(out + ch, encoding).length > room) break;
      out += ch;
    }
    return out;
  };
  return fields.map((f) => {
    let name = f.shortName && fits(f.shortName) ? f.shortName : cut(f.name, 10);
    for (let k = 1; used.has(name.toLowerCase()); k++) name = cut(f.shortName ?? f.name, 10 - String(k).length - 1) + `_${k}`;
    used.add(name.toLowerCase());
    return name;
  });
}

function spatialReference(crs: Crs): GdalTypes.SpatialReference {
  const code = epsgFor(crs);
  if (code === null) throw new ExportError(`no EPSG code for ${crsName(crs)}: cannot write its .prj`);
  // Geometries are written as given (x = easting / longitude): the SRS only labels them.
  return gdal().SpatialReference.fromEPSG(code);
}

export async function writeLayer(layer: ExportLayer, path: string, options: ExportOptions = {}): Promise<ExportReport> {
  const format = exportFormatOf(path);
  const g = gdal();
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const targets = format === 'shapefile' ? SHAPEFILE_PARTS.map((e) => join(dir, basename(path, extname(path)) + e)) : [path];
  const exists = targets.filter((t) => existsSync(t));
  if (exists.length > 0 && !options.overwrite && format !== 'geopackage') {
    throw new ExportError(`${exists[0]} exists; choose another name or replace it with --overwrite`);
  }
  const encoding = options.encoding ?? 'GBK';
  const dbfEncoding = encoding === 'GBK' ? 'CP936' : 'UTF-8';
  const names = format === 'shapefile' ? dbfNames(layer.fields, encoding === 'GBK' ? 'gbk' : 'utf8') : layer.fields.map((f) => f.name);
  const notes = layer.fields.flatMap((f, i) => (names[i] !== f.name ? [`field ${f.name} is ${names[i]} in the shapefile`] : []));

  // GeoPackage: a new layer in an existing file is normal (one package, many layers).
  // A GeoPackage that exists gets its new layer in a copy, renamed over it at the end: a failure
  // half-way leaves the package as it was (GDAL's transactions are not exposed by gdal-async).
  const inPlace = format === 'geopackage' && existsSync(path);
  const tmpDir = join(dir, `.redline-export-${process.pid}-${Date.now()}`);
  const target = join(tmpDir, basename(path));
  await mkdir(tmpDir);
  if (inPlace) await copyFile(path, target);
  let ds: GdalTypes.Dataset | null = null;
  try {
    ds = inPlace ? g.open(target, 'r+', 'GPKG') : g.drivers.get(DRIVER[format]).create(target);
    if (inPlace) {
      const old = ds.layers.count() > 0 ? findLayer(ds, layer.name) : -1;
      if (old >= 0 && !options.overwrite) throw new ExportError(`${path} already has a layer "${layer.name}"; replace it with --overwrite`);
      if (old >= 0) ds.layers.remove(old);
    }
    const lco = format === 'shapefile' ? [`ENCODING=${dbfEncoding}`] : format === 'geojson' ? ['RFC7946=NO', 'WRITE_NAME=YES'] : [];
    const out = ds.layers.create(layer.name, spatialReference(layer.crs), g.wkbMultiPolygon, lco);
    const cut = new Set<string>();
    layer.fields.forEach((f, i) => {
      const type = f.type === 'string' ? g.OFTString : f.type === 'integer' ? g.OFTInteger64 : g.OFTReal;
      const def = new g.FieldDefn(names[i], type);
      if (format === 'shapefile' && f.type === 'string') def.width = stringWidth(layer, f.name, encoding);
      out.fields.add(def);
    });
    for (const feature of layer.features) {
      const fo = new g.Feature(out);
      layer.fields.forEach((f, i) => {
        let v = feature.attributes[f.name] ?? null;
        if (v === null) return;
        if (f.type === 'string') {
          v = String(v);
          if (format === 'shapefile' && iconv.encode(v, encoding === 'GBK' ? 'gbk' : 'utf8').length > DBF_STRING_BYTES) cut.add(f.name);
        }
        fo.fields.set(names[i], typeof v === 'boolean' ? (v ? 1 : 0) : v);
      });
      if (feature.geometry && feature.geometry.length > 0) fo.setGeometry(g.Geometry.fromWKB(multiPolygonToWkb(feature.geometry)));
      out.features.add(fo);
    }
    for (const f of cut) notes.push(`field ${f}: values longer than the DBF's ${DBF_STRING_BYTES} bytes were cut`);
    ds.close();
    ds = null;
    const written = await readdir(tmpDir);
    if (format !== 'geopackage') for (const t of targets) await rm(t, { force: true });
    for (const f of written) await rename(join(tmpDir, f), join(dir, f));
    return { format, files: format === 'shapefile' ? targets.filter((t) => existsSync(t)) : [path], features: layer.features.length, notes };
  } finally {
    ds?.close();
    await rm(tmpDir, { recursive: true, force: true });
  }
}

function findLayer(ds: GdalTypes.Dataset, name: string): number {
  for (let i = 0; i < ds.layers.count(); i++) if (ds.layers.get(i).name === name) return i;
  return -1;
}

/** The widest value in bytes (at least 1, at most the DBF's 254): no silent 80-byte default. */
function stringWidth(layer: ExportLayer, field: string, encoding: string): number {
  let max = 1;
  for (const f of layer.features) {
    const v = f.attributes[field];
    if (v !== null && v !== undefined) max = Math.max(max, iconv.encode(String(v), encoding === 'GBK' ? 'gbk' : 'utf8').length);
  }
  return Math.min(max, DBF_STRING_BYTES);
}
