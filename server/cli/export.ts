import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCrsArg } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { InputError } from '../errors.ts';
import { ExportError, exportFormatOf, reproject, writeLayer, type ExportField, type ExportLayer, type ExportReport } from '../io/export.ts';
import { TEXT_FORMATS, isTextTarget, writeText } from '../io/export-text.ts';
import { readLayer } from '../io/layer.ts';
import { resolveLayerCrs, swapXY } from '../io/layer-crs.ts';
import { SCREENING_LAYERS, screeningLayer, type ScreeningLayerName } from '../io/screening-layers.ts';
import { UsageError } from './common.ts';

export const EXPORT_USAGE = `redline export --screening DIR --layer ${SCREENING_LAYERS.join('|')}|all --to FILE
  redline export --input FILE [--input-layer NAME] [--crs EPSG:n] --to FILE
  (FILE: .shp, .gpkg, .geojson; boundary-point files: .txt with --text-format ${TEXT_FORMATS.join('|')},
   or .csv, a corner-point table; --layer all: a .gpkg or a folder of shapefiles)
  [--to-crs EPSG:n] [--encoding GBK|UTF-8] (default GBK) [--overwrite]`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      screening: { type: 'string' },
      layer: { type: 'string' },
      input: { type: 'string' },
      'input-layer': { type: 'string' },
      crs: { type: 'string' },
      to: { type: 'string' },
      encoding: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      'to-crs': { type: 'string' },
      'text-format': { type: 'string' },
    },
    strict: true,
  });
  if (!values.to) throw new UsageError(`--to FILE is required\n${EXPORT_USAGE}`);
  if (Boolean(values.screening) === Boolean(values.input)) throw new UsageError(`give --screening DIR or --input FILE (one of them)\n${EXPORT_USAGE}`);
  const enc = (values.encoding ?? 'GBK').toUpperCase().replace(/^UTF8$/, 'UTF-8');
  if (enc !== 'GBK' && enc !== 'UTF-8') throw new UsageError(`--encoding is GBK or UTF-8, not "${values.encoding}"`);
  const options = { encoding: enc as 'GBK' | 'UTF-8', overwrite: values.overwrite };

  const toCrs = values['to-crs'] ? parseCrsArgOrUsage(values['to-crs'], '--to-crs') : null;
  const write = async (layer: ExportLayer, to: string): Promise<ExportReport> => {
    const out = toCrs ? reproject(layer, toCrs) : layer;
    return isTextTarget(to) ? writeText(out, to, { ...options, textFormat: values['text-format'] }) : writeLayer(out, to, options);
  };
  const reports: ExportReport[] = [];
  try {
    if (values.input) {
      const flag = values.crs ? parseCrsArgOrUsage(values.crs, '--crs') : null;
      reports.push(await write(await inputLayer(values.input, values['input-layer'], flag), values.to));
    } else {
      const which = values.layer;
      if (!which) throw new UsageError(`--layer is required with --screening: ${SCREENING_LAYERS.join(', ')} or all`);
      if (which === 'all') {
        const gpkg = extname(values.to).toLowerCase() === '.gpkg';
        if (!gpkg && extname(values.to) !== '') throw new UsageError('--layer all writes into a .gpkg or a folder (one shapefile per layer)');
        for (const name of SCREENING_LAYERS) {
          const layer = await screeningLayer(values.screening!, name).catch((err: unknown) => {
            // a screening without reserve blocks has no such layer: skip it, say nothing is lost
            if (name === 'reserve_blocks' && err instanceof InputError && /no reserve blocks/.test(err.reason)) return null;
            if (name === 'remaining_parts' && err instanceof InputError && /without --remaining/.test(err.reason)) return null;
            throw err;
          });
          if (layer) reports.push(await write(layer, gpkg ? values.to : join(values.to, `${name}.shp`)));
        }
      } else {
        if (!(SCREENING_LAYERS as readonly string[]).includes(which)) throw new UsageError(`unknown --layer "${which}": ${SCREENING_LAYERS.join(', ')} or all`);
        if (!isTextTarget(values.to)) exportFormatOf(values.to);
        reports.push(await write(await screeningLayer(values.screening!, which as ScreeningLayerName), values.to));
      }
    }
  } catch (err) {
    if (err instanceof ExportError) throw new UsageError(err.message);
    throw err;
  }
  for (const r of reports) {
    for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
    process.stderr.write(`wrote ${r.features} features (${r.format}): ${r.files.map((f) => resolve(f)).join(', ')}\n`);
  }
  return 0;
}

function parseCrsArgOrUsage(text: string, flag: string): Crs {
  try {
    return parseCrsArg(text);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/** Any layer redline reads, in its own CRS (confirmed by --crs when the file has none). */
async function inputLayer(path: string, layerName: string | undefined, flag: Crs | null): Promise<ExportLayer> {
  const layer = await readLayer(path, { ...(layerName ? { layer: layerName } : {}), layerFlag: '--input-layer NAME' });
  if (layer.kind !== 'polygon') throw new InputError(path, `holds ${layer.kind} geometries; redline exports polygon layers`);
  const crs = resolveLayerCrs(layer, flag, '--crs');
  const fields: ExportField[] = layer.fields.map((name) => {
    const values = layer.features.map((f) => f.attributes[name]).filter((v) => v !== null && v !== undefined);
    const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
    return { name, type: numeric ? (values.every((v) => Number.isInteger(v)) ? 'integer' : 'real') : 'string' };
  });
  return {
    name: layer.name,
    crs: crs.crs,
    fields,
    features: layer.features.map((f) => ({ geometry: f.geometry && crs.swapped ? swapXY(f.geometry) : f.geometry, attributes: f.attributes })),
  };
}
