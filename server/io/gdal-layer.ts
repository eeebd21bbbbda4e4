/**
 * Layers from the formats GDAL reads for us: GeoPackage, File Geodatabase, KML/KMZ, DXF and
 * FlatGeobuf. Shapefiles and GeoJSON have their own readers (faster, and with error messages
 * that name the record); these formats are containers whose parsing GDAL does well.
 *
 * What comes out is the same `Layer` as from the other readers: polygons with exteriors
 * clockwise, holes counter-clockwise, rings closed, attributes as plain values. Features that
 * are not polygons (a DXF's text labels and open polylines, a KML's pins) are left out and
 * counted in the layer's notes, so nothing disappears without a word.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import type * as GdalTypes from 'gdal-async';
import type { AttributeValue, Attributes, BBox, MultiPolygon, Polygon } from '../geo/types.ts';
import { wkbToMultiPolygon } from '../geo/wkb.ts';
import { InputError } from '../errors.ts';
import type { Feature, GeometryKind, Layer, LayerFormat, SourceFile } from './layer.ts';
import { cleanRing, extendBBox, orientPolygon, ringBBox } from './rings.ts';

const require = createRequire(import.meta.url);
type Gdal = typeof GdalTypes;
let gdalModule: Gdal | null = null;
function gdal(): Gdal {
  gdalModule ??= require('gdal-async') as Gdal;
  return gdalModule;
}

interface GdalFormat {
  format: LayerFormat;
  drivers: string[];
  label: string;
}

/** By extension; a File Geodatabase is a folder named *.gdb (zipped, it arrives as a .zip). */
export const GDAL_FORMATS: Record<string, GdalFormat> = {
  '.gpkg': { format: 'geopackage', drivers: ['GPKG'], label: 'GeoPackage' },
  '.gdb': { format: 'filegdb', drivers: ['OpenFileGDB'], label: 'File Geodatabase' },
  '.kml': { format: 'kml', drivers: ['LIBKML', 'KML'], label: 'KML' },
  '.kmz': { format: 'kml', drivers: ['LIBKML'], label: 'KMZ' },
  '.dxf': { format: 'dxf', drivers: ['DXF'], label: 'DXF' },
  '.fgb': { format: 'flatgeobuf', drivers: ['FlatGeobuf'], label: 'FlatGeobuf' },
};

export interface LayerSummary {
  name: string;
  features: number;
  geometryType: string;
}

function openDataset(path: string, fmt: GdalFormat, source = path): GdalTypes.Dataset {
  try {
    return gdal().open(path, 'r', fmt.drivers);
  } catch (err) {
    // named by what the user gave (a zipped geodatabase is opened from a temporary folder)
    // GDAL's own words are mostly "Error opening dataset": say what that means to the user
    const why = (err as Error).message;
    const detail = /^error opening dataset$/i.test(why.trim()) ? '' : ` (${why})`;
    throw new InputError(source, `not a readable ${fmt.label} file: damaged, cut off, or another format${detail}`);
  }
}

function summaries(ds: GdalTypes.Dataset): LayerSummary[] {
  const out: LayerSummary[] = [];
  for (let i = 0; i < ds.layers.count(); i++) {
    const l = ds.layers.get(i);
    out.push({ name: l.name, features: l.features.count(), geometryType: gdal().Geometry.getName(l.geomType) ?? 'unknown' });
  }
  return out;
}

/** The layers of a multi-layer source, for the user (or the upload form) to pick from. */
export function listGdalLayers(path: string, fmt: GdalFormat): LayerSummary[] {
  const ds = openDataset(path, fmt);
  try {
    return summaries(ds);
  } finally {
    ds.close();
  }
}

/**
 * Reads one layer. With several layers holding features and no `layer` named, the error lists
 * them: choosing is the user's business, never ours.
 */
export async function readGdalLayer(
  path: string, fmt: GdalFormat, wanted: string | null, source: string, files: SourceFile[], flag = '--layer NAME',
): Promise<Layer> {
  if (fmt.format === 'dxf') await checkDxfEnd(path, source);
  // A DXF's closed polylines are the boundaries CAD users draw; GDAL reads them as lines unless
  // told that closed means area. Set for this read only, and restored.
  const before = gdal().config.get('DXF_CLOSED_LINE_AS_POLYGON');
  if (fmt.format === 'dxf') gdal().config.set('DXF_CLOSED_LINE_AS_POLYGON', 'TRUE');
  try {
    return readOpened(path, fmt, wanted, source, files, flag);
  } finally {
    if (fmt.format === 'dxf') gdal().config.set('DXF_CLOSED_LINE_AS_POLYGON', before);
  }
}

function readOpened(path: string, fmt: GdalFormat, wanted: string | null, source: string, files: SourceFile[], flag: string): Layer {
  const ds = openDataset(path, fmt, source);
  try {
    const all = summaries(ds);
    const withFeatures = all.filter((l) => l.features > 0);
    let pick: LayerSummary | undefined;
    const listing = (ls: LayerSummary[]): string => ls.map((l) => `${l.name} (${l.features} ${l.geometryType})`).join(', ');
    if (wanted !== null) {
      pick = all.find((l) => l.name === wanted) ?? all.find((l) => l.name.toLowerCase() === wanted.toLowerCase());
      if (!pick) throw new InputError(source, `no layer "${wanted}"; it holds: ${listing(all) || 'no layers'}`);
    } else if (withFeatures.length > 1) {
      throw new InputError(source, `holds ${withFeatures.length} layers, pick one with ${flag}: ${listing(withFeatures)}`);
    } else {
      pick = withFeatures[0] ?? all[0];
      if (!pick) throw new InputError(source, 'holds no layers');
    }
    try {
      return { ...readFeatures(ds.layers.get(pick.name), source, fmt), source, files };
    } catch (err) {
      if (!(err instanceof CurvedGeometry)) throw err;
      return { ...readLinearised(ds, pick.name, source, fmt), source, files };
    }
  } finally {
    ds.close();
  }
}

/**
 * A DXF ends with the group `0` / `EOF`. GDAL reads a file cut off before it as far as it goes,
 * which would import the drawing's first areas and silently lose the rest.
 */
async function checkDxfEnd(path: string, source: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(Math.min(size, 256));
    await handle.read(tail, 0, tail.length, size - tail.length);
    if (!/(^|\n)\s*0\s*\r?\n\s*EOF\s*$/.test(tail.toString('latin1'))) {
      throw new InputError(source, 'truncated: a DXF ends with an EOF marker and this one does not (cut off while copying?)');
    }
  } finally {
    await handle.close();
  }
}

/** gdal-async cannot hand out curved geometries (arcs); GDAL can turn them into chords. */
class CurvedGeometry extends Error {}

/**
 * Chords every 0.1° of arc: the area lost to them is below 1e-6 relative (θ²/6 per segment),
 * under the 1e-6 that areas are held to everywhere else.
 */
const ARC_STEP_DEGREES = '0.1';

function readLinearised(ds: GdalTypes.Dataset, name: string, source: string, fmt: GdalFormat): Contents {
  const g = gdal();
  const tmp = `/vsimem/redline-linear-${process.pid}-${Date.now()}.gpkg`;
  const before = g.config.get('OGR_ARC_STEPSIZE');
  g.config.set('OGR_ARC_STEPSIZE', ARC_STEP_DEGREES);
  let out: GdalTypes.Dataset | null = null;
  try {
    out = g.vectorTranslate(tmp, ds, ['-f', 'GPKG', '-nlt', 'CONVERT_TO_LINEAR', '-preserve_fid', name]);
    const contents = readFeatures(out.layers.get(0), source, fmt);
    const note = `arcs (curved edges) approximated by chords every ${ARC_STEP_DEGREES}° of arc`;
    return { ...contents, name, notes: [...(contents.notes ?? []), note] };
  } finally {
    out?.close();
    g.config.set('OGR_ARC_STEPSIZE', before);
    try {
      g.vsimem.release(tmp);
    } catch {
      // nothing was written
    }
  }
}

type Contents = Omit<Layer, 'source' | 'files'>;

function readFeatures(layer: GdalTypes.Layer, source: string, fmt: GdalFormat): Contents {
  const g = gdal();
  const fields = layer.fields.getNames();
  const features: Feature[] = [];
  const skipped = new Map<string, number[]>();
  let bbox: BBox | null = null;
  let index = 0;
  let polygons = 0;
  const pointFeatures: Feature[] = [];
  // What the file itself announces (FlatGeobuf's header, a GeoPackage's table), when that is
  // cheap to know: fewer features read than announced is a cut-off file, never half a layer.
  const announced = layer.features.count(false);
  for (let f = layer.features.first(); f; f = layer.features.next(), index++) {
    const attributes = attributesOf(f, fields);
    let geom: GdalTypes.Geometry | null;
    try {
      geom = f.getGeometry();
    } catch (err) {
      if (/unsupported geometry type/i.test((err as Error).message)) throw new CurvedGeometry();
      throw new InputError(source, `unreadable geometry: ${(err as Error).message}`, { index });
    }
    if (!geom || geom.isEmpty()) {
      features.push({ index, geometry: null, attributes });
      continue;
    }
    const flat = g.Geometry.getName(geom.wkbType)?.replace(/25D| Z| M| ZM/g, '') ?? 'unknown';
    const repairs: string[] = [];
    const mp = polygonsOf(geom, repairs, source, index, fmt.format === 'dxf');
    const xy = mp === null ? pointsOf(geom) : null;
    if (xy) pointFeatures.push({ index, geometry: null, attributes, points: xy });
    if (mp === null) {
      // keep note of what is not an area, by kind, with its feature numbers
      const list = skipped.get(flat) ?? [];
      list.push(index);
      skipped.set(flat, list);
      continue;
    }
    polygons++;
    for (const p of mp) bbox = extendBBox(bbox, ringBBox(p[0]));
    features.push(repairs.length ? { index, geometry: mp, attributes, repairs } : { index, geometry: mp, attributes });
  }
  if (announced >= 0 && announced !== index) {
    throw new InputError(source, `truncated or damaged: the file announces ${announced} features but ${index} could be read`);
  }
  // A layer of points only (facilities): its points are its features, not something left out.
  if (polygons === 0 && pointFeatures.length > 0 && [...skipped.keys()].every((k) => /point/i.test(k))) {
    const all = [...features, ...pointFeatures].sort((a, b) => a.index - b.index);
    for (const f of pointFeatures) bbox = extendBBox(bbox, ringBBox(f.points!));
    return contents(layer, fmt, 'point', fields, all, bbox, []);
  }
  const notes = [...skipped].map(([kind, at]) => {
    const shown = at.slice(0, 10).map((i) => `#${i}`).join(', ');
    return `${at.length} ${kind} feature(s) left out, not polygons: ${shown}${at.length > 10 ? ', …' : ''}`;
  });
  const kind: GeometryKind = polygons > 0 || skipped.size === 0 ? (polygons > 0 ? 'polygon' : 'none') : kindOfName([...skipped.keys()][0]);
  return contents(layer, fmt, kind, fields, features, bbox, notes);
}

function contents(
  layer: GdalTypes.Layer, fmt: GdalFormat, kind: GeometryKind, fields: string[], features: Feature[], bbox: BBox | null, notes: string[],
): Contents {
  const srs = layer.srs;
  return {
    name: layer.name,
    format: fmt.format,
    kind,
    fields,
    features,
    prj: srs ? srs.toWKT() : null,
    crsHint: fmt.format === 'kml' ? 4326 : epsgOf(srs),
    // these formats are UTF-8 by definition (DXF: GDAL recodes from the drawing's code page)
    encoding: { name: 'utf-8', how: 'format' },
    bbox,
    ...(notes.length ? { notes } : {}),
  };
}

/** The coordinates of a Point or MultiPoint (x,y pairs), else null. */
function pointsOf(geom: GdalTypes.Geometry): Float64Array | null {
  const g = gdal();
  const parts = geom instanceof g.MultiPoint ? Array.from({ length: geom.children.count() }, (_, i) => geom.children.get(i)) : [geom];
  if (!parts.every((p) => p instanceof g.Point)) return null;
  return Float64Array.from(parts.flatMap((p) => [(p as GdalTypes.Point).x, (p as GdalTypes.Point).y]));
}

function kindOfName(name: string): GeometryKind {
  if (/point/i.test(name)) return 'point';
  if (/line|curve|string/i.test(name)) return 'line';
  return 'none';
}

function epsgOf(srs: GdalTypes.SpatialReference | null): number | null {
  if (!srs) return null;
  try {
    const clone = srs.clone();
    clone.autoIdentifyEPSG();
    const code = Number(clone.getAuthorityCode(null));
    return Number.isInteger(code) && code > 0 ? code : null;
  } catch {
    return null; // not identifiable: the WKT (`prj`) still says what it is
  }
}

/**
 * The polygons of a geometry, cleaned to the Layer conventions, or null when it has none.
 * Curved geometry (arcs in a geodatabase or a DXF) comes back linearised by GDAL's GeoJSON
 * export, which approximates arcs by short chords.
 */
export function polygonsOf(
  geom: GdalTypes.Geometry, repairs: string[], source: string, index: number, closedLinesAreAreas: boolean,
): MultiPolygon | null {
  const copy = geom.clone();
  copy.flattenTo2D();
  let raw = wkbToMultiPolygon(copy.toWKB());
  if (raw.length === 0 && closedLinesAreAreas) {
    // A CAD boundary is a polyline whose last vertex is its first, often without the
    // polyline's "closed" flag that GDAL looks at: such a line is the area it encloses.
    raw = closedLines(copy);
    if (raw.length > 0) repairs.push('closed polyline read as a polygon');
  }
  if (raw.length === 0) return null;
  const out: MultiPolygon = [];
  for (let p = 0; p < raw.length; p++) {
    const poly: Polygon = [];
    for (let r = 0; r < raw[p].length; r++) {
      const fixed: string[] = [];
      const ring = cleanRing(raw[p][r], fixed);
      if (typeof ring === 'string') throw new InputError(source, `polygon ${p}, ring ${r}: ${ring}`, { index });
      for (const f of fixed) repairs.push(`polygon ${p}, ring ${r}: ${f}`);
      poly.push(ring);
    }
    orientPolygon(poly);
    out.push(poly);
  }
  return out;
}

function closedLines(geom: GdalTypes.Geometry): MultiPolygon {
  const lines = wkbLines(geom.toWKB());
  return lines.filter((r) => {
    const n = r.length;
    return n >= 8 && r[0] === r[n - 2] && r[1] === r[n - 1];
  }).map((r) => [r]);
}

/** The line strings of a LineString or MultiLineString WKB (2D, as flattenTo2D leaves it). */
function wkbLines(wkb: Uint8Array): Float64Array[] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const le = view.getUint8(0) === 1;
  const type = view.getUint32(1, le) % 1000;
  const line = (o: number): [Float64Array, number] => {
    const n = view.getUint32(o, le);
    const r = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) r[i] = view.getFloat64(o + 4 + 8 * i, le);
    return [r, o + 4 + 16 * n];
  };
  if (type === 2) return [line(5)[0]];
  if (type !== 5) return [];
  const out: Float64Array[] = [];
  let o = 9;
  for (let k = view.getUint32(5, le); k > 0; k--) {
    const [r, next] = line(o + 5);
    out.push(r);
    o = next;
  }
  return out;
}

function attributesOf(f: GdalTypes.Feature, fields: string[]): Attributes {
  const out: Attributes = {};
  for (const name of fields) out[name] = attributeValue(f.fields.get(name) as unknown);
  return out;
}

function attributeValue(v: unknown): AttributeValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  // GDAL dates arrive as {year, month, day, …}; lists as arrays
  if (typeof v === 'object' && v !== null && 'year' in v) {
    const d = v as { year: number; month: number; day: number; hour?: number; minute?: number; second?: number };
    const pad = (n: number | undefined): string => String(n ?? 0).padStart(2, '0');
    const date = `${d.year}-${pad(d.month)}-${pad(d.day)}`;
    return d.hour === undefined ? date : `${date}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}`;
  }
  return JSON.stringify(v);
}

/** SHA-256 of every file of a source (a File Geodatabase is a folder of many). */
export async function hashFiles(path: string): Promise<SourceFile[]> {
  const s = await stat(path);
  if (!s.isDirectory()) {
    const buf = await readFile(path);
    return [{ path, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length }];
  }
  const out: SourceFile[] = [];
  for (const name of (await readdir(path)).sort()) out.push(...(await hashFiles(join(path, name))));
  return out;
}
