/**
 * Importing a file as a dataset, with or without HTTP: read it with the one importer
 * (`readLayer`), build the validation report `redline inspect` prints, decide the CRS the way the
 * CLI does, and store the layer exactly as read. A CRS found in the file (or given) makes the
 * dataset ready; a CRS only suggested by the coordinates, or none at all, is stored unconfirmed
 * (`needs_crs`): never guessed silently, as in the CLI, and confirmed later by a person.
 */
import { basename, dirname, resolve, sep } from 'node:path';
import { parseCrsArg, suggestCrs } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { InputError } from '../errors.ts';
import { readLayer, type Layer } from '../io/layer.ts';
import { resolveLayerCrs } from '../io/layer-crs.ts';
import { inspectLayer, type LayerReport } from '../io/report.ts';
import type { ZoneType } from '../screening/fields.ts';
import { requirePolygons } from '../io/layer-input.ts';
import { StoreError, type Dataset, type DatasetCrs, type DatasetKind, type Store } from '../store/store.ts';

export const DATASET_KINDS: readonly DatasetKind[] = ['licences', 'zones', 'reserves', 'facilities'];

export interface ImportOptions {
  /** default: guessed from the file name, then the layer name, else licences */
  kind?: DatasetKind;
  /** "EPSG:4527": confirms the CRS of a file that has none (as --licence-crs does) */
  crs?: string | null;
  /** the dataset's name and the name messages use for the file; default the file name */
  name?: string;
  /** a layer of a multi-layer source (GeoPackage, geodatabase, zip of several shapefiles, workbook) */
  layer?: string;
  /** attribute encoding, overriding what the files say (GBK, UTF-8) */
  encoding?: string;
  /** 行政区划代码; default 000000 */
  division?: string;
  /** zone layers whose features and name do not say which zone type they hold */
  zoneType?: ZoneType | null;
  /** who imports, for the audit log; default "system" */
  by?: string;
  /** how messages name the layer option (default: the `layer` field) */
  layerFlag?: string;
}

export interface ImportResult {
  dataset: Dataset;
  status: 'ready' | 'needs_crs';
  report: LayerReport;
}

/** Words in file names, most specific first: "nature_reserve" also contains "reserve". */
const KIND_WORDS: ReadonlyArray<[DatasetKind, RegExp]> = [
  ['zones', /红线|保护区|redline|red_line|nature_reserve|reserve_zone|zone|protect/i],
  ['reserves', /储量|块段|reserve|block/i],
  ['facilities', /设施|facilit/i],
  ['licences', /矿权|许可|licen[cs]e|mining|explor/i],
];

export function guessKind(...names: string[]): DatasetKind | null {
  for (const name of names) {
    for (const [kind, re] of KIND_WORDS) if (re.test(name)) return kind;
  }
  return null;
}

/** The CRS to store, from the report's description (no flag given). */
function crsFromReport(report: LayerReport, layer: Layer): DatasetCrs {
  const d = report.crs;
  if (d.status === 'found' && d.problem === null) return { epsg: d.epsg, confirmed: d.epsg !== null, swapped: d.swapped };
  if (d.status === 'found') {
    // declared but unusable as it stands (a GeoJSON in metres, a .prj the coordinates contradict):
    // keep the coordinates' suggestion, if any, for the person who confirms
    const s = layer.bbox ? suggestCrs(layer.bbox) : null;
    return { epsg: s?.epsg ?? null, confirmed: false, swapped: s?.swapped ?? false };
  }
  if (d.status === 'suggested') return { epsg: d.epsg, confirmed: false, swapped: d.swapped };
  return { epsg: null, confirmed: false, swapped: false };
}

/**
 * Messages name the file as the user knows it: the folder it sat in (an upload's temporary
 * folder) is taken out of every path in them.
 */
export function relabel(err: unknown, folder: string): unknown {
  if (!(err instanceof InputError)) return err;
  const strip = (s: string): string => s.split(folder).join('');
  return new InputError(strip(err.file), strip(err.reason), err.feature);
}

export async function importFile(store: Store, path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const folder = dirname(resolve(path)) + sep;
  const name = options.name ?? basename(path);
  const flag: Crs | null = options.crs ? parseCrsArg(options.crs) : null;
  try {
    const read = await readLayer(path, {
      ...(options.encoding ? { encoding: options.encoding } : {}),
      ...(options.layer ? { layer: options.layer } : {}),
      layerFlag: options.layerFlag ?? 'the "layer" field',
    });
    const kind = options.kind ?? guessKind(name, read.name) ?? 'licences';
    let layer: Layer = {
      ...read,
      source: name,
      files: read.files.map((f) => ({ ...f, path: resolve(f.path).split(folder).join('') })),
      ...(kind === 'zones' && options.zoneType ? { zoneType: options.zoneType } : {}),
    };
    if (kind === 'facilities') {
      if (layer.kind === 'line') throw new InputError(name, 'holds lines; facilities are points or polygons');
    } else {
      requirePolygons(layer);
    }
    const report = inspectLayer(layer, { crs: flag, crsFlag: 'crs' });
    let crs: DatasetCrs;
    if (flag) {
      // the same checks as the CLI's flag: it must not contradict a .prj, and the coordinates must fit
      const r = resolveLayerCrs(layer, flag, 'crs');
      crs = { epsg: r.epsg, confirmed: r.epsg !== null, swapped: r.swapped };
    } else {
      crs = crsFromReport(report, layer);
    }
    const dataset = await store.createDataset({
      kind, name, divisionCode: options.division ?? '000000', layer, crs, report
    }, options.by ?? 'system');
    return { dataset, status: datasetStatus(dataset), report };
  } catch (err) {
    throw relabel(err, folder);
  }
}

export function datasetStatus(ds: { crs: DatasetCrs }): 'ready' | 'needs_crs' {
  return ds.crs.confirmed && ds.crs.epsg !== null ? 'ready' : 'needs_crs';
}

/**
 * Confirms (or corrects) a dataset's CRS: checked against the file's .prj and coordinates exactly
 * as the CLI checks a --licence-crs flag (an InputError when they do not fit).
 */
export async function confirmDataset(store: Store, id: number, crsText: string, by: string): Promise<Dataset> {
  const ds = await store.getDataset(id);
  if (!ds) throw new StoreError('not_found', `no dataset ${id}`);
  const flag = parseCrsArg(crsText);
  // resolveLayerCrs looks at the .prj and the extent only: no need to load the features
  const r = resolveLayerCrs({ ...ds.layer, features: [] }, flag, 'crs');
  if (r.epsg === null) throw new InputError(ds.name, `${r.name} has no EPSG code redline can store`);
  return store.confirmCrs(id, { epsg: r.epsg, swapped: r.swapped }, by);
}
