/**
 * The validation report of one layer: what a bureau needs to know about a file before screening
 * it — how many features, which CRS (declared, or suggested and why), which encoding, where it is
 * on the map, and what is wrong with it (invalid geometries with their location, empty shapes,
 * duplicate ids) or was fixed on reading. A plain JSON-able object: `redline inspect` prints it,
 * and the HTTP service will return it as it is (keys in snake_case, like run.json).
 */
import type { Crs } from '../geo/crs-types.ts';
import { swapRing, toLonLat } from '../geo/projection.ts';
import type { BBox, Ring } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { ID_FIELDS, idFieldOf, textOf } from '../screening/fields.ts';
import type { EncodingHow } from './encoding.ts';
import type { GeometryKind, Layer, LayerFormat } from './layer.ts';
import { describeLayerCrs, type CrsDescription } from './layer-crs.ts';
import { extendBBox, ringBBox } from './rings.ts';
import { validateGeometry, type GeometryFinding } from './validate.ts';

export interface InvalidGeometry {
  /** 0-based position in the file */
  index: number;
  id: string | null;
  findings: GeometryFinding[];
  /** more findings than listed (a scrambled ring can cross itself thousands of times) */
  truncated: boolean;
}

export interface ReportNote {
  level: 'error' | 'warning';
  message: string;
}

export interface LayerReport {
  source: string;
  layer: string;
  format: LayerFormat;
  geometry_type: GeometryKind;
  feature_count: number;
  /** features of more than one polygon (polygon layers) */
  multipart_count: number;
  /** vertices of all rings, closing points included (polygon layers) */
  vertex_count: number;
  fields: string[];
  crs: CrsDescription;
  encoding: { name: string; how: EncodingHow; description: string } | null;
  bbox: {
    /** as in the file, in its own CRS and axis order */
    file: BBox | null;
    /** CGCS2000 longitude/latitude (EPSG:4490), when the CRS is found or suggested */
    lonlat: BBox | null;
    /** which CRS the lon/lat box was computed from */
    lonlat_from: 'found' | 'suggested' | null;
    lonlat_note: string | null;
  };
  /** false for point and line layers: the polygon checks do not apply */
  geometry_checked: boolean;
  invalid_geometries: InvalidGeometry[];
  /** features with a null or empty shape */
  empty_shapes: number[];
  /** the id field checked for duplicates: --id-field, else the first default id field present */
  id_field: string | null;
  duplicate_ids: Array<{ id: string; features: number[] }>;
  /** features whose id is empty */
  missing_ids: number[];
  /** what the reader fixed (rings closed, repeated vertices removed) */
  repairs: Array<{ index: number; id: string | null; repairs: string[] }>;
  verdict: 'ok' | 'warnings' | 'errors';
  notes: ReportNote[];
}

export interface InspectOptions {
  /** the CRS the user confirmed (--crs) */
  crs?: Crs | null;
  /** the flag that names it in messages (default --crs) */
  crsFlag?: string;
  idField?: string;
}

const ENCODING_HOW: Record<EncodingHow, string> = {
  cpg: 'declared by the .cpg file',
  ldid: 'declared by the language byte of the .dbf',
  detected: 'detected from the bytes: nothing declared it',
  format: 'fixed by the format',
  option: 'given with --encoding',
};


export function inspectLayer(layer: Layer, options: InspectOptions = {}): LayerReport {
  const flagName = options.crsFlag ?? '--crs';
  const idField = chooseIdField(layer, options.idField);
  const idOf = (i: number): string | null => (idField ? textOf(layer.features[i].attributes, idField) : null);
  const crs = describeLayerCrs(layer, options.crs ?? null, flagName);
  const polygons = layer.kind === 'polygon';

  const invalid: InvalidGeometry[] = [];
  const empty: number[] = [];
  let multipart = 0;
  let vertices = 0;
  for (const f of layer.features) {
    // Point and line shapes are not parsed (null here): only polygon layers have shapes to check.
    if (!polygons && layer.kind !== 'none') break;
    if (!f.geometry || f.geometry.length === 0) {
      empty.push(f.index);
      continue;
    }
    if (f.geometry.length > 1) multipart++;
    for (const p of f.geometry) for (const r of p) vertices += r.length >> 1;
    const v = validateGeometry(f.geometry);
    if (v.findings.length > 0) invalid.push({ index: f.index, id: idOf(f.index), findings: v.findings, truncated: v.truncated });
  }

  const byId = new Map<string, number[]>();
  const missing: number[] = [];
  if (idField) {
    for (const f of layer.features) {
      const id = idOf(f.index);
      if (id === null) missing.push(f.index);
      else if (byId.has(id)) byId.get(id)?.push(f.index);
      else byId.set(id, [f.index]);
    }
  }
  const duplicates = [...byId].filter(([, list]) => list.length > 1).map(([id, features]) => ({ id, features }));
  const repairs = layer.features.flatMap((f) => (f.repairs?.length ? [{ index: f.index, id: idOf(f.index), repairs: f.repairs }] : []));

  const report: LayerReport = {
    source: layer.source,
    layer: layer.name,
    format: layer.format,
    geometry_type: layer.kind,
    feature_count: layer.features.length,
    multipart_count: multipart,
    vertex_count: vertices,
    fields: layer.fields,
    crs,
    encoding: layer.encoding ? { ...layer.encoding, description: ENCODING_HOW[layer.encoding.how] } : null,
    bbox: { file: layer.bbox, ...lonLatBox(layer, crs) },
    geometry_checked: polygons,
    invalid_geometries: invalid,
    empty_shapes: empty,
    id_field: idField,
    duplicate_ids: duplicates,
    missing_ids: missing,
    repairs,
    verdict: 'ok',
    notes: [],
  };
  // what the reader left out (a DXF's texts and open lines, a KML's pins) is said first
  report.notes = [...(layer.notes ?? []).map((message) => ({ level: 'warning' as const, message })), ...notesFor(report, flagName)];
  report.verdict = report.notes.some((n) => n.level === 'error') ? 'errors' : report.notes.length > 0 ? 'warnings' : 'ok';
  return report;
}

function chooseIdField(layer: Layer, wanted: string | undefined): string | null {
  const byLower = new Map(layer.fields.map((f) => [f.toLowerCase(), f]));
  if (wanted !== undefined) {
    const found = byLower.get(wanted.toLowerCase());
    if (!found) throw new InputError(layer.source, `--id-field ${wanted}: no such field (fields: ${layer.fields.join(', ') || 'none'})`);
    return found;
  }
  return idFieldOf(layer.fields);
}

/**
 * The layer's extent in CGCS2000 lon/lat. For polygons from the exteriors' vertices (exact); for
 * other layers, whose shapes are not parsed, from the outline of the file's box, densified since
 * a straight easting is a curve in lon/lat.
 */
function lonLatBox(layer: Layer, crs: CrsDescription): Omit<LayerReport['bbox'], 'file'> {
  if (crs.status === 'unknown' || (crs.status === 'found' && crs.problem !== null)) {
    const why = crs.status === 'unknown' ? 'the CRS is unknown' : 'the CRS cannot be used as it stands';
    return { lonlat: null, lonlat_from: null, lonlat_note: `no longitude/latitude: ${why}` };
  }
  if (!layer.bbox) return { lonlat: null, lonlat_from: null, lonlat_note: 'no coordinates' };
  const t = toLonLat(crs.crs);
  let box: BBox | null = null;
  const add = (coords: Ring): void => {
    box = extendBBox(box, ringBBox(t(crs.swapped ? swapRing(coords) : coords)));
  };
  if (layer.kind === 'polygon') {
    for (const f of layer.features) for (const p of f.geometry ?? []) add(p[0]);
  } else {
    add(outline(layer.bbox));
  }
  const notes = [...t.warnings];
  if (crs.swapped) notes.unshift('x and y swapped back first');
  if (crs.status === 'suggested') notes.unshift(`from the suggested ${crs.epsg !== null ? `EPSG:${crs.epsg}` : crs.name}, not confirmed`);
  return { lonlat: box, lonlat_from: crs.status, lonlat_note: notes.length > 0 ? notes.join('; ') : null };
}

function outline(b: BBox, steps = 32): Ring {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const f = i / steps;
    const x = b[0] + f * (b[2] - b[0]);
    const y = b[1] + f * (b[3] - b[1]);
    out.push(x, b[1], b[2], y, b[2] - f * (b[2] - b[0]), b[3], b[0], b[3] - f * (b[3] - b[1]));
  }
  return new Float64Array(out);
}

function notesFor(r: LayerReport, flagName: string): ReportNote[] {
  const notes: ReportNote[] = [];
  const error = (message: string): number => notes.push({ level: 'error', message });
  const warning = (message: string): number => notes.push({ level: 'warning', message });
  const n = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
  if (r.invalid_geometries.length > 0) error(`${n(r.invalid_geometries.length, 'feature')} with invalid geometry`);
  if (r.duplicate_ids.length > 0) error(`${n(r.duplicate_ids.length, 'id')} used by more than one feature (${r.id_field})`);
  if (r.crs.status === 'found' && r.crs.problem) error(`CRS: ${r.crs.problem}`);
  if (r.geometry_type === 'none' && r.feature_count > 0) error('no feature has a geometry');
  if (r.crs.status === 'suggested') {
    warning(`no CRS declared: the coordinates suggest ${r.crs.epsg !== null ? `EPSG:${r.crs.epsg}` : r.crs.name}` +
      `${r.crs.confirm ? `; confirm with ${r.crs.confirm}` : ''}`);
  }
  if (r.crs.status === 'unknown') warning(`CRS unknown: pass ${flagName} EPSG:n`);
  if (r.crs.status !== 'unknown' && r.crs.swapped) warning('x and y are swapped in the file (northing first); redline swaps them back');
  if (r.geometry_type === 'point' || r.geometry_type === 'line') {
    warning(`a ${r.geometry_type} layer: redline screens polygons, so only the counts and the extent are checked`);
  }
  if (r.feature_count === 0) warning('the layer has no features');
  if (r.geometry_type === 'polygon' && r.empty_shapes.length > 0) warning(`${n(r.empty_shapes.length, 'feature')} without a shape (null or empty)`);
  if (r.repairs.length > 0) warning(`${n(r.repairs.length, 'feature')} repaired on reading`);
  if (r.id_field === null && r.feature_count > 0) {
    warning(`no id field (${ID_FIELDS.join(', ')}): duplicates not checked; name one with --id-field`);
  } else if (r.missing_ids.length > 0) {
    warning(`${n(r.missing_ids.length, 'feature')} without an id (${r.id_field})`);
  }
  return notes;
}
