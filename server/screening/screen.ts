import { availableParallelism } from 'node:os';
import { centroid, planeArea } from '../geo/area.ts';
import { clipBox } from '../geo/clip.ts';
import { multiPolygonBBox, planeKey } from '../geo/bbox.ts';
import { analysisPlane, isOldDatum } from '../geo/crs.ts';
import type { GaussKruger } from '../geo/crs-types.ts';
import { makeTransform, toLonLat, type Transform } from '../geo/projection.ts';
import { multiPolygonJson } from '../geo/geojson-text.ts';
import type { MultiPolygon } from '../geo/types.ts';
import { InputError } from '../errors.ts';
import { classify, elevationCheck } from './classify.ts';
import { mapFields, numberOf, textOf, type FieldKey, type FieldMapping, type ZoneType } from './fields.ts';
import { OverlayPool } from './pool.ts';
import type { TaskResult } from './task.ts';
import type { BlockResult, LayerInput, LicenceResult, ScreeningOptions, ScreeningResult } from './types.ts';
import { LicenceFailure, type OverlayJob } from './job.ts';
import { zonesNear } from './plane-zones.ts';
import { collectZones, type ZoneFeature, type ZoneGeometry } from './zones.ts';

const LICENCE_KEYS: FieldKey[] = ['licence_id', 'name', 'elev_top', 'elev_bottom'];
const ZONE_KEYS: FieldKey[] = ['zone_id', 'zone_name', 'zone_type'];
const BLOCK_KEYS: FieldKey[] = ['block_id', 'licence_id', 'category', 'ore_t', 'metal_t', 'elev_top', 'elev_bottom'];

interface Licence {
  index: number;
  licenceId: string;
  name: string | null;
  top: number | null;
  bottom: number | null;
  plane: GaussKruger;
  geometry: MultiPolygon;
}

interface Block {
  block: number;
  blockId: string;
  licenceId: string | null;
  category: string | null;
  oreT: number | null;
  metalT: number | null;
  top: number | null;
  bottom: number | null;
  geometry: MultiPolygon;
}


function mapLayer(layer: LayerInput, keys: FieldKey[], options: ScreeningOptions): FieldMapping {
  try {
    return mapFields(layer.source, layer.fields, keys, options.fieldOverrides ?? {});
  } catch (err) {
    throw new InputError(layer.source, (err as Error).message.replace(`${layer.source}: `, ''));
  }
}

/** Phase timings on stderr with REDLINE_PROFILE=1, for the benchmark and for tuning. */
let phaseStart = performance.now();
export function phase(name: string): void {
  const now = performance.now();
  if (process.env.REDLINE_PROFILE) process.stderr.write(`  ${name}: ${(now - phaseStart).toFixed(0)} ms\n`);
  phaseStart = now;
}

/** Screens every licence against the zones, the whole batch (README: "What it writes", "Overlay"). */
export async function screen(options: ScreeningOptions): Promise<ScreeningResult> {
  const sliverM2 = options.sliverM2 ?? 1;
  const warnings: string[] = [];
  const fieldMappings: Record<string, FieldMapping> = {};

  const licMap = mapLayer(options.licences, LICENCE_KEYS, options);
  fieldMappings[options.licences.source] = licMap;
  const zoneMaps = options.zones.map((z) => mapLayer(z, ZONE_KEYS, options));
  options.zones.forEach((z, i) => (fieldMappings[z.source] = zoneMaps[i]));
  const zones = collectZones(options.zones, zoneMaps, warnings);

  const transforms = new Map<string, Transform>();
  const transformTo = (layer: LayerInput, plane: GaussKruger): Transform => {
    const key = `${layer.source}>${planeKey(plane)}`;
    let t = transforms.get(key);
    if (!t) {
      // the shift belongs to the Xian 80 / Beijing 54 layers; other layers would only warn of it
      t = makeTransform(layer.crs, plane, isOldDatum(layer.crs) ? options.datumShift : undefined);
      for (const w of t.warnings) if (!warnings.includes(w)) warnings.push(w);
      transforms.set(key, t);
    }
    return t;
  };

  const licences = readLicences(options.licences, licMap, warnings, transformTo);
  const byId = new Map(licences.map((l) => [l.licenceId, l]));

  let blocks: Block[] = [];
  if (options.reserves) {
    const m = mapLayer(options.reserves, BLOCK_KEYS, options);
    fieldMappings[options.reserves.source] = m;
    if (!m.licence_id) {
      throw new InputError(options.reserves.source, 'reserve blocks need a licence id field (licence_id / 许可证号); name it with --map licence_id=FIELD');
    }
    blocks = readBlocks(options.reserves, m);
  }
  const blocksOf = new Map<string, Block[]>();
  for (const b of blocks) {
    if (b.licenceId && byId.has(b.licenceId)) {
      const list = blocksOf.get(b.licenceId) ?? [];
      list.push(b);
      blocksOf.set(b.licenceId, list);
    }
  }

  const pool = options.pool ?? new OverlayPool(defaultWorkers(licences.length, options.workers));
  const results = new Map<number, TaskResult>();
  // GeoJSON text of the exit and remaining ranges, made while the workers overlay the next
  // licences: the main process would otherwise sit idle, then spend a quarter second at the end
  const geometryJson = new Map<number, { exit: string | null; remaining: string | null }>();
  const total = licences.length;
  try {
    const jobs = buildJobs(licences, zones, blocksOf, options, transformTo, sliverM2, Math.max(1, pool.workers));
    phase('prepare jobs');
    await pool.run(jobs, (batch) => {
      for (const r of batch) {
        results.set(r.id, r);
        const exit = r.exitRangeLonLat.length > 0 ? multiPolygonJson(r.exitRangeLonLat) : null;
        const remaining = r.remainingRangeLonLat && r.remainingRangeLonLat.length > 0 ? multiPolygonJson(r.remainingRangeLonLat) : null;
        if (exit !== null || remaining !== null) geometryJson.set(r.id, { exit, remaining });
      }
      options.onProgress?.(results.size, total);
    });
  } catch (err) {
    pool.kill();
    if (err instanceof LicenceFailure) {
      const l = licences.find((x) => x.index === err.licence);
      throw new InputError(options.licences.source, `the overlay failed: ${err.message}`, { index: err.licence, id: l?.licenceId });
    }
    throw err;
  }
  const workersMaxRssKb = await pool.close();

  phase('overlay');
  const licenceResults = licences.map((l) => toLicenceResult(l, results.get(l.index)!, geometryJson.get(l.index) ?? null, zones, sliverM2));
  const blockResults = options.reserves
    ? blockRows(blocks, byId, results, warnings, options.reserves, transformTo)
    : [];

  phase('assemble');
  const zoneTypes = [...new Set(zones.map((z) => z.zoneType).filter((t): t is ZoneType => t !== null))].sort();
  const peakRssMb = (process.resourceUsage().maxRSS + workersMaxRssKb) / 1024;
  return { licences: licenceResults, blocks: blockResults, fieldMappings, zoneTypes, sliverM2, warnings, peakRssMb };
}

/** Below this many licences, starting processes costs more than it saves. */
const MIN_LICENCES_FOR_WORKERS = 64;

/**
 * One worker per core. The main process mostly waits while they run (it formats results as they
 * arrive); on 2 cores two workers beat one by 10 % on the benchmark county, reserve blocks and all.
 */
export function defaultWorkers(licences: number, requested?: number): number {
  if (requested !== undefined) return requested;
  return licences < MIN_LICENCES_FOR_WORKERS ? 0 : availableParallelism();
}

/**
 * Splits the licences into one job per worker and plane: licences sorted west to east and cut
 * into runs of equal length, so each job's zones are a compact part of the county and few zone
 * features are projected by two workers. A county has one plane, a province a few.
 */
function buildJobs(
  licences: Licence[],
  zones: ZoneFeature[],
  blocksOf: Map<string, Block[]>,
  options: ScreeningOptions,
  transformTo: (layer: LayerInput, plane: GaussKruger) => Transform,
  sliverM2: number,
  parts: number,
): OverlayJob[] {
  const byPlane = new Map<string, Licence[]>();
  for (const l of licences) {
    const list = byPlane.get(planeKey(l.plane)) ?? [];
    list.push(l);
    byPlane.set(planeKey(l.plane), list);
  }
  const zoneData: ZoneGeometry[] = zones.map(({ zone, crs, geometry, bbox }) => ({ zone, crs, geometry, bbox }));
  const jobs: OverlayJob[] = [];
  for (const group of byPlane.values()) {
    const plane = group[0].plane;
    // the workers project the zones; this records any datum warning of theirs once, here
    for (const z of options.zones) transformTo(z, plane);
    const centreX = new Map(group.map((l) => {
      const b = multiPolygonBBox(l.geometry);
      return [l, b[0] + b[2]] as const;
    }));
    const sorted = [...group].sort((a, b) => centreX.get(a)! - centreX.get(b)!);
    const size = Math.ceil(sorted.length / parts);
    for (let i = 0; i < sorted.length; i += size) {
      const share = sorted.slice(i, i + size);
      const boxes = share.map((l) => clipBox(multiPolygonBBox(l.geometry)));
      jobs.push({
        plane,
        zones: zonesNear(zoneData, plane, boxes, options.datumShift),
        licences: share.map((l) => ({
          id: l.index,
          geometry: l.geometry,
          // blocks outside the licence's elevations need no overlay, only their area (blockRows)
          blocks: (blocksOf.get(l.licenceId) ?? []).filter((b) => !elevationCheck(l, b).excluded).map((b) => ({
            block: b.block,
            geometry: project(b.geometry, transformTo(options.reserves!, plane)),
          })),
        })),
        datumShift: options.datumShift,
        sliverM2,
        remainingRanges: options.remainingRanges ?? false,
      });
    }
  }
  return jobs;
}

function project(mp: MultiPolygon, t: Transform): MultiPolygon {
  return t.identity ? mp : mp.map((p) => p.map((r) => t(r)));
}

/** The analysis plane of a geometry of `layer`: see analysisPlane (3° zone of its centroid for lon/lat). */
function planeOf(layer: LayerInput, geometry: MultiPolygon, toLL: Transform): GaussKruger {
  const centre = toLL(new Float64Array(centroid(geometry)));
  return analysisPlane(layer.crs, [centre[0], centre[1]]);
}

function readLicences(
  layer: LayerInput,
  m: FieldMapping,
  warnings: string[],
  transformTo: (layer: LayerInput, plane: GaussKruger) => Transform,
): Licence[] {
  const toLL = toLonLat(layer.crs);
  const seen = new Map<string, number>();
  const out: Licence[] = [];
  for (const f of layer.features) {
    const licenceId = textOf(f.attributes, m.licence_id) ?? `${layer.name}#${f.index + 1}`;
    if (!f.geometry || f.geometry.length === 0) {
      throw new InputError(layer.source, 'the licence has no geometry (null shape)', { index: f.index, id: licenceId });
    }
    const first = seen.get(licenceId);
    if (first !== undefined) {
      warnings.push(`${layer.source}: licence id ${licenceId} appears more than once (features #${first} and #${f.index}); each is screened separately`);
    } else {
      seen.set(licenceId, f.index);
    }
    const plane = planeOf(layer, f.geometry, toLL);
    out.push({
      index: f.index,
      licenceId,
      name: textOf(f.attributes, m.name),
      top: numberOf(f.attributes, m.elev_top),
      bottom: numberOf(f.attributes, m.elev_bottom),
      plane,
      geometry: project(f.geometry, transformTo(layer, plane)),
    });
  }
  return out;
}

function readBlocks(layer: LayerInput, m: FieldMapping): Block[] {
  const out: Block[] = [];
  for (const f of layer.features) {
    const blockId = textOf(f.attributes, m.block_id) ?? `${layer.name}#${f.index + 1}`;
    if (!f.geometry || f.geometry.length === 0) {
      throw new InputError(layer.source, 'the reserve block has no geometry (null shape)', { index: f.index, id: blockId });
    }
    out.push({
      block: f.index,
      blockId,
      licenceId: textOf(f.attributes, m.licence_id),
      category: textOf(f.attributes, m.category),
      oreT: numberOf(f.attributes, m.ore_t),
      metalT: numberOf(f.attributes, m.metal_t),
      top: numberOf(f.attributes, m.elev_top),
      bottom: numberOf(f.attributes, m.elev_bottom),
      geometry: f.geometry,
    });
  }
  return out;
}

function toLicenceResult(
  l: Licence,
  r: TaskResult,
  json: { exit: string | null; remaining: string | null } | null,
  zones: readonly ZoneFeature[],
  sliverM2: number,
): LicenceResult {
  const rows = r.zones.map((z) => ({
    zoneId: zones[z.zone].zoneId,
    zoneName: zones[z.zone].zoneName,
    zoneType: zones[z.zone].zoneType,
    areaPlane: z.areaPlane,
    areaEllipsoidal: z.areaEllipsoidal,
  }));
  return {
    licenceId: l.licenceId,
    name: l.name,
    status: classify(r, sliverM2),
    licenceAreaPlane: r.licenceAreaPlane,
    licenceAreaEllipsoidal: r.licenceAreaEllipsoidal,
    exitAreaPlane: r.exitAreaPlane,
    exitAreaEllipsoidal: r.exitAreaEllipsoidal,
    exitRatio: r.licenceAreaEllipsoidal > 0 ? r.exitAreaEllipsoidal / r.licenceAreaEllipsoidal : 0,
    remainingParts: r.remainingParts,
    zoneIds: [...new Set(rows.map((z) => z.zoneId))],
    zones: rows,
    warnings: r.warnings,
    exitRangeLonLat: r.exitRangeLonLat,
    exitRangeJson: json?.exit ?? null,
    remainingRangeJson: json?.remaining ?? null,
    remainingRangeLonLat: r.remainingRangeLonLat,
    plane: l.plane,
  };
}

function blockRows(
  blocks: Block[],
  byId: Map<string, Licence>,
  results: Map<number, TaskResult>,
  warnings: string[],
  layer: LayerInput,
  transformTo: (layer: LayerInput, plane: GaussKruger) => Transform,
): BlockResult[] {
  const toLL = toLonLat(layer.crs);
  const orphans: string[] = [];
  const rows = blocks.map((b): BlockResult => {
    const licence = b.licenceId ? byId.get(b.licenceId) : undefined;
    const overlap = licence && results.get(licence.index)?.blocks.find((x) => x.block === b.block);
    // a block the overlay did not see (excluded, or of no licence) is measured here
    const plane = licence?.plane ?? planeOf(layer, b.geometry, toLL);
    const areaPlane = overlap ? overlap.areaPlane : planeArea(project(b.geometry, transformTo(layer, plane)));
    const row = { licenceId: b.licenceId ?? '', blockId: b.blockId, category: b.category, oreT: b.oreT, metalT: b.metalT, blockAreaPlane: areaPlane };
    if (!licence) {
      orphans.push(b.blockId);
      return { ...row, exitFraction: 0, exitOreT: null, exitMetalT: null, note: 'licence not in the licence layer' };
    }
    const check = elevationCheck(licence, b);
    const fraction = check.excluded || !overlap || overlap.areaPlane <= 0 ? 0 : Math.min(1, overlap.exitAreaPlane / overlap.areaPlane);
    return {
      ...row,
      exitFraction: fraction,
      exitOreT: b.oreT === null ? null : b.oreT * fraction,
      exitMetalT: b.metalT === null ? null : b.metalT * fraction,
      note: check.note,
    };
  });
  if (orphans.length > 0) {
    warnings.push(
      `${layer.source}: ${orphans.length} reserve block(s) name a licence that is not in the licence layer ` +
      `(blocks ${orphans.slice(0, 10).join(', ')}${orphans.length > 10 ? ', …' : ''}); their exit fraction is 0`,
    );
  }
  return rows;
}
