import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planeKey } from '../geo/bbox.ts';
import { crsName, epsgFor, parseCrsArg } from '../geo/crs.ts';
import type { Crs } from '../geo/crs-types.ts';
import { parseDatumShift } from '../geo/projection.ts';
import { readLayer, type Layer } from '../io/layer.ts';
import { resolveLayerCrs, type ResolvedCrs } from '../io/layer-crs.ts';
import { writeScreening } from '../io/screening-out.ts';
import { parseFieldOverrides } from '../screening/fields.ts';
import { checkDatumShift, requirePolygons, toLayerInput } from '../io/layer-input.ts';
import { OverlayPool } from '../screening/pool.ts';
import { defaultWorkers, phase, screen } from '../screening/screen.ts';
import type { LayerInput, ScreeningResult, Status } from '../screening/types.ts';
import { UsageError, VERSION } from './common.ts';
import { progressBar } from './progress.ts';

export const SCREEN_USAGE = `redline screen --licences FILE --zones FILE [--zones FILE …] [--reserves FILE]
  [--licence-crs EPSG:n] [--zone-crs EPSG:n] [--reserve-crs EPSG:n] [--datum-shift dx,dy,dz[,rx,ry,rz,ppm]]
  [--sliver-m2 1] [--map key=FIELD …] [--encoding GBK|UTF-8] [--workers N] [--out DIR]
  [--licence-layer NAME] [--zone-layer NAME …] [--reserve-layer NAME]   (sources with several layers)
  [--remaining]   (also write remaining.geojson: what remains of each licence that exits in part)`;

interface LoadedLayer {
  layer: Layer;
  input: LayerInput;
  crs: ResolvedCrs;
}

function crsFlag(value: string | undefined, name: string): Crs | null {
  if (value === undefined) return null;
  try {
    return parseCrsArg(value);
  } catch (err) {
    throw new UsageError(`${name}: ${(err as Error).message}`);
  }
}

async function load(
  path: string, flag: Crs | null, flagName: string, encoding: string | undefined, layerName: string | undefined,
): Promise<LoadedLayer> {
  const layerFlag = `${flagName.replace(/-crs$/, '-layer')} NAME`;
  const layer = await readLayer(path, { ...(encoding ? { encoding } : {}), ...(layerName ? { layer: layerName } : {}), layerFlag });
  requirePolygons(layer);
  const crs = resolveLayerCrs(layer, flag, flagName);
  return { layer, crs, input: toLayerInput({ ...layer, source: path }, crs.crs, crs.swapped) };
}

function describe(l: LoadedLayer, mapping: object | undefined): object {
  return {
    path: resolve(l.layer.source),
    layer: l.layer.name,
    format: l.layer.format,
    features: l.layer.features.length,
    files: l.layer.files,
    crs: { epsg: l.crs.epsg, name: l.crs.name, source: l.crs.source, swapped_xy: l.crs.swapped },
    encoding: l.layer.encoding,
    field_mapping: mapping ?? {},
  };
}

export async function screenCommand(argv: string[]): Promise<number> {
  const started = performance.now();
  phase('start-up');
  const { values } = parseArgs({
    args: argv,
    options: {
      licences: { type: 'string' },
      zones: { type: 'string', multiple: true },
      reserves: { type: 'string' },
      'licence-crs': { type: 'string' },
      'zone-crs': { type: 'string' },
      'reserve-crs': { type: 'string' },
      'datum-shift': { type: 'string' },
      'sliver-m2': { type: 'string', default: '1' },
      map: { type: 'string', multiple: true },
      encoding: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string', default: 'redline-out' },
      'licence-layer': { type: 'string' },
      'zone-layer': { type: 'string', multiple: true },
      'reserve-layer': { type: 'string' },
      remaining: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.licences || !values.zones?.length) throw new UsageError(`--licences and at least one --zones are required\n${SCREEN_USAGE}`);
  const sliverM2 = Number(values['sliver-m2']);
  if (!(sliverM2 >= 0)) throw new UsageError(`--sliver-m2 must be a number of m² ≥ 0, got "${values['sliver-m2']}"`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) throw new UsageError('--workers must be a whole number ≥ 0');
  let fieldOverrides;
  let datumShift;
  try {
    fieldOverrides = parseFieldOverrides(values.map ?? []);
    datumShift = values['datum-shift'] ? parseDatumShift(values['datum-shift']) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const zoneLayers = values['zone-layer'] ?? [];
  if (zoneLayers.length > 1 && zoneLayers.length !== values.zones.length) {
    throw new UsageError(`give one --zone-layer for all --zones, or one per --zones in order (${values.zones.length}), not ${zoneLayers.length}`);
  }
  const enc = values.encoding;
  const licences = await load(values.licences, crsFlag(values['licence-crs'], '--licence-crs'), '--licence-crs', enc, values['licence-layer']);
  // The overlay workers load GDAL while we read the (big) zone files.
  const pool = new OverlayPool(defaultWorkers(licences.layer.features.length, workers));
  let result: ScreeningResult;
  let zones: LoadedLayer[];
  let reserves: LoadedLayer | undefined;
  try {
    const zoneFlag = crsFlag(values['zone-crs'], '--zone-crs');
    zones = [];
    for (const [i, z] of values.zones.entries()) zones.push(await load(z, zoneFlag, '--zone-crs', enc, zoneLayers[zoneLayers.length > 1 ? i : 0]));
    reserves = values.reserves
      ? await load(values.reserves, crsFlag(values['reserve-crs'], '--reserve-crs'), '--reserve-crs', enc, values['reserve-layer'])
      : undefined;
    try {
      checkDatumShift([licences, ...zones, ...(reserves ? [reserves] : [])].map((l) => l.crs.crs), datumShift);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    phase('read files');
    const bar = progressBar('screening');
    result = await screen({
      licences: licences.input,
      zones: zones.map((z) => z.input),
      reserves: reserves?.input,
      fieldOverrides,
      sliverM2,
      datumShift,
      remainingRanges: values.remaining,
      pool,
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.end();
  } catch (err) {
    pool.kill();
    throw err;
  }

  const out = values.out!;
  const seconds = (performance.now() - started) / 1000;
  const run = runRecord(argv, { licences, zones, reserves }, result, datumShift ?? null, seconds);
  await writeScreening(out, result, run, reserves !== undefined, values.remaining);
  phase('write outputs');

  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  const counts = countStatuses(result);
  process.stderr.write(
    `screened ${result.licences.length} licences in ${seconds.toFixed(2)} s: ` +
    `${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}; results in ${resolve(out)}\n`,
  );
  return 0;
}

function countStatuses(result: ScreeningResult): Record<Status, number> {
  const counts: Record<Status, number> = { whole: 0, partial: 0, sliver: 0, touch: 0, none: 0 };
  for (const l of result.licences) counts[l.status]++;
  return counts;
}

function runRecord(
  argv: string[],
  layers: { licences: LoadedLayer; zones: LoadedLayer[]; reserves: LoadedLayer | undefined },
  result: ScreeningResult,
  datumShift: object | null,
  seconds: number,
): object {
  const planes = [...new Map(result.licences.map((l) => [planeKey(l.plane), l.plane])).values()];
  const m = result.fieldMappings;
  return {
    redline: { version: VERSION, command: 'screen', argv },
    created: new Date().toISOString(),
    inputs: {
      licences: describe(layers.licences, m[layers.licences.input.source]),
      zones: layers.zones.map((z) => describe(z, m[z.input.source])),
      ...(layers.reserves ? { reserves: describe(layers.reserves, m[layers.reserves.input.source]) } : {}),
    },
    zone_types: result.zoneTypes,
    sliver_m2: result.sliverM2,
    datum_shift: datumShift,
    analysis_planes: planes.map((p) => ({ epsg: epsgFor(p), name: crsName(p) })),
    areas: {
      plane: 'shoelace area in the licence\'s CGCS2000 Gauss-Krüger plane',
      ellipsoidal: 'CGCS2000 ellipsoid area of the region with edges straight in that plane (TD/T 1055 appendix D)',
      exit_ratio: 'exit_area_ellipsoidal_m2 / licence_area_ellipsoidal_m2',
    },
    counts: countStatuses(result),
    warnings: result.warnings,
    performance: { seconds: Number(seconds.toFixed(3)), peak_rss_mb: Number(result.peakRssMb.toFixed(1)) },
  };
}
