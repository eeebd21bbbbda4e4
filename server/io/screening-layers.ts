/**
 * The layers of a screening, rebuilt from its output folder for export: the licences with their
 * screening columns, the zones, the exit ranges, the remaining parts and the reserve blocks with
 * their exit shares. Inputs are re-read from the paths run.json recorded, and refused when their
 * SHA-256 differs: an export must describe the data that was screened, not a later edit of it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crsFromEpsg } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { makeTransform } from '../geo/projection.ts';
import type { Attributes, MultiPolygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import type { ExportField, ExportLayer } from './export.ts';
import { readGeoJson } from './geojson.ts';
import { readLayer, type Layer } from './layer.ts';
import { swapXY } from './layer-crs.ts';
import { screeningTable } from './screening-in.ts';
import { RESERVES_COLUMNS, SCREENING_COLUMNS } from './screening-out.ts';

export const SCREENING_LAYERS = ['licences', 'zones', 'exit_ranges', 'remaining_parts', 'reserve_blocks'] as const;
export type ScreeningLayerName = (typeof SCREENING_LAYERS)[number];

/** The screening's columns, typed, with the names they take in a Shapefile's DBF. */
const COLUMNS: Record<string, ExportField> = Object.fromEntries(([
  ['licence_id', 'string'], ['name', 'string'], ['status', 'string'],
  ['licence_area_plane_m2', 'real', 'lic_pl_m2'], ['licence_area_ellipsoidal_m2', 'real', 'lic_el_m2'],
  ['exit_area_plane_m2', 'real', 'exit_pl_m2'], ['exit_area_ellipsoidal_m2', 'real', 'exit_el_m2'],
  ['exit_ratio', 'real'], ['remaining_parts', 'integer', 'rem_parts'], ['zone_ids', 'string'], ['warnings', 'string'],
  ['block_id', 'string'], ['category', 'string'], ['block_area_plane_m2', 'real', 'blk_pl_m2'], ['ore_t', 'real'],
  ['metal_t', 'real'], ['exit_fraction', 'real', 'exit_frac'], ['exit_ore_t', 'real'], ['exit_metal_t', 'real', 'exit_metal'],
  ['note', 'string'], ['zone_source', 'string', 'zone_src'],
] as const).map(([name, type, shortName]) => [name, { name, type, ...(shortName ? { shortName } : {}) }]));

const SCREENING_FIELDS: readonly string[] = SCREENING_COLUMNS;

interface RunInput {
  path: string;
  layer: string;
  format?: string;
  files: { path: string; sha256: string }[];
  crs: { epsg: number | null; swapped_xy: boolean };
  encoding: { name: string; how: string } | null;
}
interface RunRecord {
  inputs: { licences: RunInput; zones: RunInput[]; reserves?: RunInput };
}

const LONLAT: Crs = { kind: 'geographic', datum: 'cgcs2000' };

async function readText(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new InputError(path, `not found: is ${dir} the output folder of redline screen?`);
  }
}

/** An input as it was screened: same bytes, same CRS decision, same axis order. */
async function reread(input: RunInput): Promise<{ layer: Layer; crs: Crs }> {
  const multiLayer = input.format !== undefined && input.format !== 'shapefile' && input.format !== 'geojson';
  const layer = await readLayer(input.path, {
    ...(input.encoding?.how === 'option' ? { encoding: input.encoding.name } : {}),
    ...(multiLayer || input.path.toLowerCase().endsWith('.zip') ? { layer: input.layer } : {}),
  });
  const now = new Map(layer.files.map((f) => [f.path, f.sha256]));
  for (const f of input.files) {
    if (now.get(f.path) !== f.sha256) throw new InputError(f.path, 'changed since the screening (its SHA-256 differs from run.json); screen again before exporting');
  }
  if (input.crs.epsg === null) throw new InputError(input.path, 'run.json records no EPSG code for its CRS; cannot export it');
  const features = input.crs.swapped_xy ? layer.features.map((f) => ({ ...f, geometry: f.geometry && swapXY(f.geometry) })) : layer.features;
  return { layer: { ...layer, features }, crs: crsFromEpsg(input.crs.epsg) };
}

/** Input fields first (a clash with a screening column gets `src_` in front), then the columns. */
function joinedFields(layer: Layer, columns: readonly string[]): { fields: ExportField[]; rename: Map<string, string> } {
  const rename = new Map<string, string>();
  const fields: ExportField[] = layer.fields.map((name) => {
    const out = columns.includes(name) ? `src_${name}` : name;
    rename.set(name, out);
    const sample = layer.features.find((f) => f.attributes[name] !== null && f.attributes[name] !== undefined)?.attributes[name];
    return { name: out, type: typeof sample === 'number' ? 'real' : 'string' };
  });
  return { fields: [...fields, ...columns.map((c) => COLUMNS[c])], rename };
}

function typed(row: Record<string, string | null>, columns: readonly string[]): Attributes {
  const out: Attributes = {};
  for (const c of columns) {
    const v = row[c] ?? null;
    out[c] = v === null || v === '' ? null : COLUMNS[c].type === 'string' ? v : Number(v);
  }
  return out;
}

/** The rows of screening.csv or reserves.csv, columns checked against the contract. */
async function contractRows(dir: string, name: string, columns: readonly string[]): Promise<Record<string, string | null>[]> {
  const path = join(dir, name);
  return screeningTable(path, Buffer.from(await readText(dir, name), 'utf8'), columns).map((r) => r.cells);
}

function renamed(attributes: Attributes, rename: Map<string, string>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) out[rename.get(k) ?? k] = v;
  return out;
}

async function geojsonLayer(dir: string, file: string, name: string, columns: readonly string[]): Promise<ExportLayer> {
  const text = await readText(dir, file);
  const g = readGeoJson(Buffer.from(text, 'utf8'), join(dir, file), 'utf8');
  return {
    name, crs: LONLAT, fields: columns.map((c) => COLUMNS[c]),
    features: g.features.map((f) => ({ geometry: f.geometry, attributes: typed(Object.fromEntries(columns.map((c) => [c, f.attributes[c] === null ? '' : String(f.attributes[c])])), columns) })),
  };
}

/** One layer of a screening, ready for `writeLayer`. */
export async function screeningLayer(dir: string, which: ScreeningLayerName): Promise<ExportLayer> {
  if (which === 'exit_ranges') return geojsonLayer(dir, 'overlaps.geojson', which, SCREENING_FIELDS);
  if (which === 'remaining_parts') {
    if (!existsSync(join(dir, 'remaining.geojson')) && existsSync(join(dir, 'run.json'))) {
      throw new InputError(join(dir, 'remaining.geojson'), 'not written: the screening was run without --remaining; screen again with --remaining');
    }
    return geojsonLayer(dir, 'remaining.geojson', which, ['licence_id', 'name', 'status', 'remaining_parts']);
  }
  const run = JSON.parse(await readText(dir, 'run.json')) as RunRecord;
  if (which === 'licences') {
    const { layer, crs } = await reread(run.inputs.licences);
    const rows = await contractRows(dir, 'screening.csv', SCREENING_COLUMNS);
    if (rows.length !== layer.features.length) {
      throw new InputError(join(dir, 'screening.csv'), `has ${rows.length} rows but ${layer.source} has ${layer.features.length} licences; screen again`);
    }
    const { fields, rename } = joinedFields(layer, SCREENING_FIELDS);
    // screening.csv lists the licences in file order, one row each
    const features = layer.features.map((f, i) => ({ geometry: f.geometry, attributes: { ...renamed(f.attributes, rename), ...typed(rows[i], SCREENING_FIELDS) } }));
    return { name: which, crs, fields, features };
  }
  if (which === 'zones') return zonesLayer(run);
  if (!run.inputs.reserves) throw new InputError(join(dir, 'run.json'), 'the screening had no reserve blocks (--reserves)');
  const { layer, crs } = await reread(run.inputs.reserves);
  const rows = await contractRows(dir, 'reserves.csv', RESERVES_COLUMNS);
  const byBlock = new Map<string, Record<string, string | null>[]>();
  for (const r of rows) byBlock.set(r.block_id ?? '', [...(byBlock.get(r.block_id ?? '') ?? []), r]);
  const shares = RESERVES_COLUMNS.filter((c) => c !== 'block_id');
  const { fields, rename } = joinedFields(layer, shares);
  const mapping = (run.inputs.reserves as RunInput & { field_mapping?: Record<string, string> }).field_mapping ?? {};
  const idField = mapping.block_id;
  const licenceField = mapping.licence_id;
  const features = layer.features.map((f) => {
    const id = idField ? String(f.attributes[idField] ?? '') : `${layer.name}#${f.index + 1}`;
    const lic = licenceField ? String(f.attributes[licenceField] ?? '') : '';
    const row = (byBlock.get(id) ?? []).find((r) => !licenceField || r.licence_id === lic) ?? {};
    return { geometry: f.geometry, attributes: { ...renamed(f.attributes, rename), ...typed(row, shares) } };
  });
  return { name: which, crs, fields, features };
}

/**
 * All zone layers in one: their own fields side by side (empty where a layer lacks one) and the
 * layer each came from; one CRS, the first layer's, or CGCS2000 lon/lat when they differ.
 */
async function zonesLayer(run: RunRecord): Promise<ExportLayer> {
  const layers = await Promise.all(run.inputs.zones.map(reread));
  const same = layers.every((l) => l.crs === layers[0].crs || JSON.stringify(l.crs) === JSON.stringify(layers[0].crs));
  const crs = same ? layers[0].crs : LONLAT;
  const names: string[] = [];
  for (const { layer } of layers) for (const n of layer.fields) if (!names.includes(n) && n !== 'zone_source') names.push(n);
  const fields: ExportField[] = names.map((n) => {
    const sample = layers.flatMap((l) => l.layer.features).find((f) => typeof f.attributes[n] === 'number');
    return { name: n, type: sample ? 'real' : 'string' };
  });
  fields.push(COLUMNS.zone_source);
  const features = layers.flatMap(({ layer, crs: from }) => {
    const t = same ? null : makeTransform(from, crs);
    const project = (mp: MultiPolygon | null): MultiPolygon | null => (mp && t ? mp.map((p) => p.map((r) => t(r))) : mp);
    return layer.features.map((f) => ({ geometry: project(f.geometry), attributes: { ...f.attributes, zone_source: layer.name } }));
  });
  return { name: 'zones', crs, fields, features };
}
