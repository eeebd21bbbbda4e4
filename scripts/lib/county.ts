/**
 * A deterministic synthetic county for tests, the sample and the benchmark: mineral-right
 * licences (EPSG:4527), ecological red line and nature reserves (EPSG:4490), reserve blocks
 * (EPSG:4527), all GBK shapefiles without .cpg, placed around 117.3°E 40.5°N.
 *
 * Writes into `dir`: licences.shp, redline.shp, nature_reserve.shp, reserve_blocks.shp (when
 * asked) and county.json (the summary below: counts, vertices, the trap licences with their
 * GEOS exit areas, and for small counties every licence's GEOS exit area).
 */
import fs from 'node:fs';
import path from 'node:path';
import { lonLatToGK, srsGeographic, srsGK } from './crs.ts';
import { randomLicences, Occupancy, type Licence, type LicenceFactory } from './licences.ts';
import { LicenceNumbers } from './names.ts';
import { Rng } from './prng.ts';
import { makeReserveBlocks, type ReserveBlock } from './reserve-blocks.ts';
import { boxOf, fromGeometry, pointCount, signedArea, toGeometry } from './rings.ts';
import { writeShapefile, removeShapefile, type FieldSpec } from './shp.ts';
import { makeTraps, trapRecords, type TrapRecord } from './traps.ts';
import { ZoneIndex, gkGeometry } from './zone-index.ts';
import { makeRedline, makeReserves, type CountyFrame, type ZoneFeature } from './zones.ts';

export interface CountyOptions {
  licences: number;
  redlineVertices: number;
  reserveVertices: number;
  seed: number;
  reserveBlocks: boolean;
}

export interface LayerSummary {
  file: string;
  features: number;
  /** stored points, closing points included (ST_NPoints) */
  vertices: number;
}

export interface CountySummary {
  options: CountyOptions;
  county: { name: string; code: string; centre_lonlat: [number, number]; width_km: number; height_km: number };
  licences: LayerSummary & { mining: number; exploration: number; counter_clockwise: number };
  redline: LayerSummary;
  nature_reserve: LayerSummary;
  reserve_blocks: (LayerSummary & { outside_licence_range: number; licences: number }) | null;
  traps: TrapRecord[];
  /** GEOS exit area (GK plane, m²) per licence, only for counties of ≤ 200 licences */
  exit_areas: Record<string, number> | null;
  files: { name: string; bytes: number }[];
  seconds: number;
}

const LICENCE_FIELDS: FieldSpec[] = [
  { name: '许可证号', type: 'string', width: 30 },
  { name: '矿山名称', type: 'string', width: 120 },
  { name: '矿种', type: 'string', width: 30 },
  { name: '开采上限', type: 'real', width: 10, precision: 1 },
  { name: '开采下限', type: 'real', width: 10, precision: 1 },
];

const ZONE_FIELDS: FieldSpec[] = [
  { name: '编号', type: 'string', width: 20 },
  { name: '名称', type: 'string', width: 80 },
  { name: '类型', type: 'string', width: 20 },
];

const BLOCK_FIELDS: FieldSpec[] = [
  { name: '块段号', type: 'string', width: 16 },
  { name: '许可证号', type: 'string', width: 30 },
  { name: '类别', type: 'string', width: 10 },
  { name: '矿石量', type: 'real', width: 16, precision: 1 },
  { name: '金属量', type: 'real', width: 18, precision: 6 },
  { name: '标高上限', type: 'real', width: 10, precision: 1 },
  { name: '标高下限', type: 'real', width: 10, precision: 1 },
];

const CENTRE: [number, number] = [117.3, 40.5];

export function generateCounty(dir: string, opts: CountyOptions): CountySummary {
  const started = Date.now();
  const rng = new Rng(opts.seed);
  // Sized so licences cover about a fifth of the county, at least a 40 km square.
  const sideKm = Math.max(40, Math.sqrt((opts.licences * 1.6) / 0.2));
  const [e0, n0] = lonLatToGK(CENTRE[0], CENTRE[1]);
  const county: CountyFrame = {
    e0, n0, halfW: sideKm * 550, halfH: sideKm * 450, countyCode: '130899', countyName: '燕岭县',
  };

  const redline = makeRedline(rng.fork('redline'), county, opts.redlineVertices);
  const reserves = makeReserves(rng.fork('reserves'), county, opts.reserveVertices, redline);
  const zones = new ZoneIndex([...redline, ...reserves]);

  const numbers = new LicenceNumbers(rng.fork('numbers'), '13');
  const factory = (label: string): LicenceFactory => ({ rng: rng.fork(label), county, numbers });
  const occ = new Occupancy(county);
  const traps = makeTraps(factory('traps'), zones, occ);
  if (traps.length > opts.licences) throw new Error(`generateCounty: need at least ${traps.length} licences`);
  const ordinary = randomLicences(factory('licences'), zones, occ, opts.licences - traps.length);
  // Traps spread through the file, not first, where a reader's first-feature sniffing sees them.
  const licences = rng.fork('order').shuffle([...traps, ...ordinary]);

  const blocks = opts.reserveBlocks ? reserveBlocks(rng.fork('blocks'), licences, zones) : [];

  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string): string => path.join(dir, name);
  writeShapefile(file('licences.shp'), srsGK, LICENCE_FIELDS, licences.map((l) => ({
    geom: toGeometry(l.parts, srsGK),
    values: { 许可证号: l.id, 矿山名称: l.name, 矿种: l.mineral, 开采上限: l.top, 开采下限: l.bottom },
  })), { keepWinding: true });
  const zoneRows = (zs: ZoneFeature[], type: string) =>
    zs.map((z) => ({ geom: z.geographic, values: { 编号: z.id, 名称: z.name, 类型: type } }));
  writeShapefile(file('redline.shp'), srsGeographic, ZONE_FIELDS, zoneRows(redline, '生态保护红线'));
  writeShapefile(file('nature_reserve.shp'), srsGeographic, ZONE_FIELDS, zoneRows(reserves, '自然保护区'));
  if (opts.reserveBlocks) {
    writeShapefile(file('reserve_blocks.shp'), srsGK, BLOCK_FIELDS, blocks.map((b) => ({
      geom: b.geom,
      values: {
        块段号: b.blockId, 许可证号: b.licenceId, 类别: b.category, 矿石量: b.oreT, 金属量: b.metalT,
        标高上限: b.top, 标高下限: b.bottom,
      },
    })));
  } else {
    removeShapefile(file('reserve_blocks.shp'));
  }

  const small = opts.licences <= 200;
  const summary: CountySummary = {
    options: opts,
    county: {
      name: county.countyName, code: county.countyCode, centre_lonlat: CENTRE,
      width_km: (2 * county.halfW) / 1000, height_km: (2 * county.halfH) / 1000,
    },
    licences: {
      file: 'licences.shp',
      features: licences.length,
      vertices: licences.reduce((a, l) => a + pointCount(l.parts), 0),
      mining: licences.filter((l) => l.kind === 'mining').length,
      exploration: licences.filter((l) => l.kind === 'exploration').length,
      counter_clockwise: licences.filter((l) => signedArea(l.parts[0][0]) > 0).length,
    },
    redline: layer('redline.shp', redline),
    nature_reserve: layer('nature_reserve.shp', reserves),
    reserve_blocks: opts.reserveBlocks
      ? {
          file: 'reserve_blocks.shp',
          features: blocks.length,
          vertices: blocks.reduce((a, b) => a + pointCount(fromGeometry(b.geom)), 0),
          outside_licence_range: blocks.filter((b) => b.outsideRange).length,
          licences: new Set(blocks.map((b) => b.licenceId)).size,
        }
      : null,
    traps: trapRecords(licences, zones),
    exit_areas: small ? Object.fromEntries(licences.map((l) => [l.id, zones.overlap(gkGeometry(l.parts)).exit])) : null,
    files: [],
    seconds: 0,
  };
  summary.files = fs
    .readdirSync(dir)
    .filter((n) => /^(licences|redline|nature_reserve|reserve_blocks)\./.test(n))
    .sort()
    .map((name) => ({ name, bytes: fs.statSync(file(name)).size }));
  summary.seconds = (Date.now() - started) / 1000;
  // Timing varies run to run; keep it out of the file so the sample regenerates identically.
  fs.writeFileSync(file('county.json'), JSON.stringify({ ...summary, seconds: undefined }, null, 1) + '\n');
  return summary;
}

function layer(file: string, zs: ZoneFeature[]): LayerSummary {
  return { file, features: zs.length, vertices: zs.reduce((a, z) => a + z.points, 0) };
}

/**
 * Blocks for a subset of mining licences: most of those near a zone (where the vertical
 * projection of the exit range matters), some others, and always the hole and double-zone
 * traps. The first two get a block outside their elevation range for sure.
 */
function reserveBlocks(rng: Rng, licences: Licence[], zones: ZoneIndex): ReserveBlock[] {
  const out: ReserveBlock[] = [];
  let forced = 2;
  for (const l of licences) {
    if (l.kind !== 'mining') continue;
    const nearZone = zones.near(boxOf(l.parts)).length > 0;
    const wanted = l.trap === 'hole' || l.trap === 'double_zone' || rng.chance(nearZone ? 0.6 : 0.2);
    if (!wanted) continue;
    const made = makeReserveBlocks(rng, l, forced > 0);
    if (made.some((b) => b.outsideRange)) forced--;
    out.push(...made);
  }
  return out;
}
