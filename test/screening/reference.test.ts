/**
 * redline against an independent GEOS result: a generated county (with every trap of
 * scripts/lib/traps.ts and reserve blocks) is screened by the real CLI, and the same shapefiles
 * go through a private PostGIS (zones ST_Transform'ed there, i.e. by PROJ, to the licences'
 * EPSG:4527), where plain SQL computes every number again. Licence by
 * licence: licence area, exit area, per-zone overlap areas, remaining parts; block by block: the
 * share under the exit range. The trap licences are then checked by id for what they are.
 *
 * Tolerance: relative 1e-6, or absolute 1e-6 m² for areas near zero. The floor is the coordinate
 * noise, not slack: redline projects the zones' lon/lat with its own Gauss-Krüger series, PostGIS
 * with PROJ, and the two agree to a few nanometres (an 8-digit easting has 7.5e-9 m resolution
 * anyway). A boundary shared over ~1 km moves an area by ~1 km × 1 nm = 1e-6 m², which is
 * everything for a touch (0 m²) or a 2 mm sliver (< 1 m²) and nothing for a real exit.
 *
 * Without PostGIS: fails as root (scripts/setup.sh installs it there, so its absence is a broken
 * set-up), skips with the reason otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgis, startPostgis, type Pg } from '../../scripts/lib/postgis.ts';
import { readCsv, runCli, tempDir } from '../helpers/gdal-fixtures.ts';
import { makeCounty } from '../helpers/county.ts';

const REL = 1e-6;
const ABS_M2 = 1e-6;
/** the CLI's default --sliver-m2, also the smallest remaining part it counts */
const SLIVER_M2 = 1;
/** remaining parts of the reference closer than this would make its count ambiguous */
const GAP_M = 1e-3;

// 300 licences against 100k zone vertices: every trap, ~500 reserve blocks (a few below their
// licence's mining range), and enough licences (≥ 64) that the CLI uses its worker processes;
// about 10 s with PostGIS's start. Seed fixed: some seeds make the generator give up.
const COUNTY = { licences: 300, redlineVertices: 75_000, reserveVertices: 25_000, seed: 1, reserveBlocks: true };

type Row = Record<string, string>;

interface RefLicence {
  area: number;
  /** ST_Area of the geometry as stored (shoelace for the bowtie) */
  rawArea: number;
  exit: number;
  parts: number;
  /** smallest distance between two of those parts (Infinity for fewer than two) */
  gap: number;
  polygons: number;
  holes: number;
  /** area of the exterior rings alone */
  shellArea: number;
  touches: boolean;
}

interface RefBlock {
  area: number;
  under: number;
  /** block and licence elevations, [top, bottom] */
  block: [number, number];
  licence: [number, number];
}

interface Reference {
  licences: Map<string, RefLicence>;
  /** `${licence}|${zone_type}|${zone_id}` → overlap area */
  zones: Map<string, number>;
  blocks: Map<string, RefBlock>;
  seconds: number;
}

const key = (...parts: string[]): string => parts.join('|');

/** Licences (EPSG:4527 as stored) and zones (EPSG:4490, ST_Transform'ed by PostGIS to 4527). */
const PREPARE = `
CREATE TABLE lic AS
  SELECT fid, "许可证号" AS id, "开采上限" AS top, "开采下限" AS bottom,
         ST_SetSRID(geom, 4527) AS raw,
         ST_CollectionExtract(ST_MakeValid(ST_SetSRID(geom, 4527)), 3) AS geom
  FROM licences;
CREATE TABLE zones AS
  SELECT 'redline' AS kind, "编号" AS zone_id, ST_Transform(ST_SetSRID(geom, 4490), 4527) AS geom FROM redline
  UNION ALL
  SELECT 'nature_reserve', "编号", ST_Transform(ST_SetSRID(geom, 4490), 4527) FROM nature_reserve;
CREATE INDEX ON zones USING gist (geom);
ANALYZE zones;
CREATE TABLE pieces AS
  SELECT l.id, z.kind, z.zone_id, ST_CollectionExtract(ST_Intersection(l.geom, z.geom), 3) AS g
  FROM lic l JOIN zones z ON ST_Intersects(l.geom, z.geom);
CREATE TABLE exits AS
  SELECT l.id, ST_Union(p.g) AS g, count(p.id) > 0 AS touches
  FROM lic l LEFT JOIN pieces p ON p.id = l.id GROUP BY l.id;
-- Remaining parts as the spec defines them: polygons of licence − union(zones) of at least the
-- sliver size. Taken with the zones themselves, not with the exit (licence ∩ zones): the exit's
-- vertices where a zone crosses the licence edge are rounded, so licence − exit can keep a crack
-- of zero area along the edge that joins parts the zone separates (seen in PostGIS too).
CREATE TABLE rest_parts AS
  SELECT l.id, d.path, d.geom FROM lic l, ST_Dump(ST_Difference(l.geom, COALESCE(
    (SELECT ST_Union(z.geom) FROM zones z WHERE ST_Intersects(z.geom, l.geom)),
    'SRID=4527;POLYGON EMPTY'::geometry))) d
  WHERE ST_Area(d.geom) >= ${SLIVER_M2};
`;

const LICENCES = `
SELECT l.id, ST_Area(l.geom), ST_Area(l.raw), COALESCE(ST_Area(e.g), 0),
  (SELECT count(*) FROM rest_parts r WHERE r.id = l.id),
  (SELECT min(ST_Distance(a.geom, b.geom)) FROM rest_parts a JOIN rest_parts b ON a.path < b.path
     WHERE a.id = l.id AND b.id = l.id),
  ST_NumGeometries(l.geom),
  (SELECT COALESCE(sum(ST_NumInteriorRings(d.geom)), 0) FROM ST_Dump(l.geom) d),
  (SELECT sum(ST_Area(ST_MakePolygon(ST_ExteriorRing(d.geom)))) FROM ST_Dump(l.geom) d),
  e.touches
FROM lic l JOIN exits e ON e.id = l.id;`;

const ZONES = `SELECT id, kind, zone_id, ST_Area(g) FROM pieces;`;

const BLOCKS = `
SELECT b."许可证号", b."块段号", ST_Area(b.geom),
  COALESCE(ST_Area(ST_Intersection(ST_SetSRID(b.geom, 4527), e.g)), 0),
  b."标高上限", b."标高下限", l.top, l.bottom
FROM reserve_blocks b JOIN lic l ON l.id = b."许可证号" JOIN exits e ON e.id = l.id;`;

async function reference(pg: Pg, dir: string): Promise<Reference> {
  const t0 = Date.now();
  for (const t of ['licences', 'redline', 'nature_reserve', 'reserve_blocks']) await pg.load(path.join(dir, `${t}.shp`), t);
  await pg.query(PREPARE);
  const licences = new Map<string, RefLicence>();
  for (const [id, area, raw, exit, parts, gap, polygons, holes, shell, touches] of await pg.query(LICENCES)) {
    expect(licences.has(id), `licence id ${id} twice in the generated county`).toBe(false);
    licences.set(id, {
      area: Number(area), rawArea: Number(raw), exit: Number(exit), parts: Number(parts), gap: gap === '' ? Infinity : Number(gap),
      polygons: Number(polygons), holes: Number(holes), shellArea: Number(shell), touches: touches === 't',
    });
  }
  const zones = new Map<string, number>();
  for (const [id, kind, zone, area] of await pg.query(ZONES)) {
    const k = key(id, kind, zone);
    expect(zones.has(k), `zone ${kind} ${zone} twice in the generated county`).toBe(false);
    zones.set(k, Number(area));
  }
  const blocks = new Map<string, RefBlock>();
  for (const [id, block, area, under, bt, bb, lt, lb] of await pg.query(BLOCKS)) {
    blocks.set(key(id, block), {
      area: Number(area), under: Number(under), block: [Number(bt), Number(bb)], licence: [Number(lt), Number(lb)],
    });
  }
  return { licences, zones, blocks, seconds: (Date.now() - t0) / 1000 };
}

/** Collects the worst differences and every pair outside the tolerance. */
class Comparison {
  maxRel = 0;
  maxAbsSmall = 0;
  readonly failures: string[] = [];
  /** values below `small` (near zero) are reported by their absolute difference */
  constructor(readonly what: string, readonly small = SLIVER_M2) {}

  check(label: string, got: number, want: number, abs = ABS_M2): void {
    const d = Math.abs(got - want);
    const scale = Math.max(Math.abs(got), Math.abs(want));
    if (scale >= this.small) this.maxRel = Math.max(this.maxRel, d / scale);
    else this.maxAbsSmall = Math.max(this.maxAbsSmall, d);
    if (!Number.isFinite(got) || (d > abs && d > REL * scale)) {
      this.failures.push(`${label}: redline ${got}, PostGIS ${want} (diff ${d.toExponential(2)})`);
    }
  }

  summary(): string {
    return `${this.what}: max relative diff ${this.maxRel.toExponential(2)} (values ≥ ${this.small}), ` +
      `max absolute diff ${this.maxAbsSmall.toExponential(2)} (values < ${this.small})`;
  }
}

const num = (row: Row, column: string): number => {
  const v = row[column];
  if (v === undefined || v === '') throw new Error(`column ${column} is empty or missing in ${JSON.stringify(row)}`);
  return Number(v);
};

const found = findPostgis();
const missing = 'missing' in found ? found.missing : null;
const isRoot = process.getuid?.() === 0;

// Not root: PostGIS cannot have been installed by setup, so there is nothing to compare with.
const suite = missing && !isRoot ? describe.skip : describe;
if (missing && !isRoot) console.warn(`reference.test.ts skipped: no PostGIS (${missing}); run scripts/setup.sh as root to install it`);

suite('screening against PostGIS (GEOS) on a generated county with traps', () => {
  // made in beforeAll: a skipped suite still runs this body, but never its afterAll
  let out: ReturnType<typeof tempDir> | null = null;
  let countyDir = '';
  let traps = new Map<string, string>();
  let rows = new Map<string, Row>();
  let zoneRows: Row[] = [];
  let blockRows: Row[] = [];
  let ref: Reference;
  const timings: string[] = [];

  beforeAll(async () => {
    if (missing) {
      throw new Error(`PostGIS is not installed (${missing}) although this runs as root, where scripts/setup.sh installs it: run npm run setup`);
    }
    out = tempDir('redline-reference-');
    let t = Date.now();
    const { dir, summary } = makeCounty(COUNTY);
    countyDir = dir;
    traps = new Map(summary.traps.map((tr) => [tr.trap, tr.id]));
    timings.push(`generate ${((Date.now() - t) / 1000).toFixed(1)} s`);

    t = Date.now();
    const r = runCli([
      'screen', '--licences', path.join(dir, 'licences.shp'),
      '--zones', path.join(dir, 'redline.shp'), '--zones', path.join(dir, 'nature_reserve.shp'),
      '--reserves', path.join(dir, 'reserve_blocks.shp'), '--out', out.path,
    ]);
    const outDir = out.path;
    expect(r.code, r.stderr).toBe(0);
    timings.push(`CLI ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const read = (name: string): Row[] => readCsv(fs.readFileSync(path.join(outDir, name), 'utf8'));
    const screening = read('screening.csv');
    rows = new Map(screening.map((row) => [row.licence_id, row]));
    expect(rows.size).toBe(screening.length);
    zoneRows = read('zone_overlaps.csv');
    blockRows = read('reserves.csv');

    t = Date.now();
    const pg = await startPostgis();
    if (!pg) throw new Error('startPostgis found no PostGIS although findPostgis did');
    try {
      ref = await reference(pg, dir);
    } finally {
      await pg.stop();
    }
    timings.push(`PostGIS ${((Date.now() - t) / 1000).toFixed(1)} s (queries and loads ${ref.seconds.toFixed(1)} s)`);
  });

  afterAll(() => {
    out?.remove();
    if (countyDir) fs.rmSync(countyDir, { recursive: true, force: true });
    if (timings.length) console.log(`reference.test.ts: ${timings.join(', ')}`);
  });

  it('screens the same licences as PostGIS sees', () => {
    expect([...rows.keys()].sort()).toEqual([...ref.licences.keys()].sort());
    expect(rows.size).toBe(COUNTY.licences);
  });

  it('measures every licence area as ST_Area(ST_MakeValid(licence))', () => {
    const c = new Comparison('licence_area_plane_m2');
    for (const [id, want] of ref.licences) c.check(id, num(rows.get(id)!, 'licence_area_plane_m2'), want.area);
    console.log(c.summary());
    expect(c.failures).toEqual([]);
  });

  it('measures every exit area as ST_Area(ST_Union(ST_Intersection(licence, zone)))', () => {
    const c = new Comparison('exit_area_plane_m2');
    for (const [id, want] of ref.licences) c.check(id, num(rows.get(id)!, 'exit_area_plane_m2'), want.exit);
    console.log(c.summary());
    expect(c.failures).toEqual([]);
    // the comparison is only worth something if the county has real exits and real misses
    const exits = [...ref.licences.values()].filter((l) => l.exit > SLIVER_M2).length;
    expect(exits).toBeGreaterThan(COUNTY.licences / 4);
    expect(exits).toBeLessThan(COUNTY.licences);
  });

  it('measures each (licence, zone) overlap as PostGIS does, one row per zone with area', () => {
    const c = new Comparison('overlap_area_plane_m2');
    const got = new Map<string, number>();
    for (const z of zoneRows) {
      const k = key(z.licence_id, z.zone_type, z.zone_id);
      expect(got.has(k), `zone_overlaps.csv lists ${k} twice`).toBe(false);
      got.set(k, num(z, 'overlap_area_plane_m2'));
    }
    // a zone PostGIS finds touching with zero area may be missing from the CSV, and vice versa
    for (const k of new Set([...got.keys(), ...ref.zones.keys()])) c.check(k, got.get(k) ?? 0, ref.zones.get(k) ?? 0);
    console.log(c.summary());
    expect(c.failures).toEqual([]);
    expect([...ref.zones.values()].filter((a) => a > SLIVER_M2).length).toBeGreaterThan(COUNTY.licences / 4);
  });

  it('counts remaining parts as the polygons of ST_Difference(licence, union of zones) of at least 1 m²', () => {
    // The reference count must not hinge on a point contact or a crack between its parts.
    const gaps = [...ref.licences].filter(([, l]) => l.gap < GAP_M).map(([id, l]) => `${id}: parts ${l.gap} m apart`);
    expect(gaps, 'PostGIS parts this close make the count ambiguous').toEqual([]);
    const wrong: string[] = [];
    for (const [id, want] of ref.licences) {
      const got = num(rows.get(id)!, 'remaining_parts');
      if (got !== want.parts) wrong.push(`${id}: redline ${got}, PostGIS ${want.parts} (parts ≥ ${want.gap.toFixed(1)} m apart)`);
    }
    const closest = Math.min(...[...ref.licences.values()].map((l) => l.gap));
    console.log(`remaining_parts: ${wrong.length} of ${ref.licences.size} differ; PostGIS parts at least ${closest.toFixed(3)} m apart`);
    expect(wrong).toEqual([]);
    // split licences exist, so the count is tested beyond 0 and 1
    expect([...ref.licences.values()].some((l) => l.parts >= 2)).toBe(true);
  });

  it('gives each reserve block the share of it under the exit range, 0 with a note outside the elevations', () => {
    const c = new Comparison('exit_fraction', 1e-6);
    const areas = new Comparison('block_area_plane_m2');
    const byKey = new Map(blockRows.map((b) => [key(b.licence_id, b.block_id), b]));
    expect([...byKey.keys()].sort()).toEqual([...ref.blocks.keys()].sort());
    let excluded = 0;
    let excludedUnderExit = 0;
    for (const [k, want] of ref.blocks) {
      const row = byKey.get(k)!;
      areas.check(k, num(row, 'block_area_plane_m2'), want.area);
      const [bt, bb] = want.block;
      const [lt, lb] = want.licence;
      // independent of classify.ts: the block's elevation interval misses the licence's
      const outside = Math.max(bt, bb) <= Math.min(lt, lb) || Math.min(bt, bb) >= Math.max(lt, lb);
      if (outside) {
        excluded++;
        if (want.under > SLIVER_M2) excludedUnderExit++;
        expect(num(row, 'exit_fraction'), k).toBe(0);
        expect(row.note, k).toMatch(/\S/);
      } else {
        // a fraction is a ratio of areas: the absolute floor scales with the block's area
        c.check(k, num(row, 'exit_fraction'), want.under / want.area, ABS_M2 / want.area);
      }
    }
    console.log(`${areas.summary()}\n${c.summary()}`);
    expect([...areas.failures, ...c.failures]).toEqual([]);
    expect(excluded).toBeGreaterThan(0);
    console.log(`blocks: ${ref.blocks.size}, excluded by elevation ${excluded} (${excludedUnderExit} of them under an exit range)`);
  });

  describe('the traps, by licence id from county.json', () => {
    const trap = (name: string): { row: Row; want: RefLicence; id: string } => {
      const id = traps.get(name);
      if (!id) throw new Error(`county.json lists no "${name}" trap`);
      return { id, row: rows.get(id)!, want: ref.licences.get(id)! };
    };

    it('touch: contact along a shared boundary with zero area is "touch"', () => {
      const { row, want } = trap('touch');
      expect(want.touches).toBe(true);
      expect(want.exit).toBe(0);
      expect(row.status, `exit_area_plane_m2 ${row.exit_area_plane_m2} m² where PostGIS has 0`).toBe('touch');
    });

    it('sliver: a 2 mm overlap along a reserve is "sliver", with PostGIS also below 1 m²', () => {
      const { row, want } = trap('sliver');
      expect(want.exit).toBeGreaterThan(0);
      expect(want.exit).toBeLessThan(SLIVER_M2);
      expect(row.status).toBe('sliver');
    });

    it('inside: wholly inside a red-line patch is "whole", exit = licence area, nothing remains', () => {
      const { row, want } = trap('inside');
      expect(row.status).toBe('whole');
      expect(Math.abs(num(row, 'exit_area_plane_m2') - want.area)).toBeLessThanOrEqual(REL * want.area);
      expect(num(row, 'remaining_parts')).toBe(0);
    });

    it('bowtie: repaired with a warning, area = PostGIS MakeValid area (not the shoelace)', () => {
      const { row, want } = trap('bowtie');
      expect(row.warnings).toMatch(/invalid.*MakeValid/);
      expect(Math.abs(num(row, 'licence_area_plane_m2') - want.area)).toBeLessThanOrEqual(REL * want.area);
      expect(Math.abs(want.area - Math.abs(want.rawArea))).toBeGreaterThan(1000);
    });

    it('hole: the hole (wound like its exterior) is not licence area', () => {
      const { row, want } = trap('hole');
      expect(want.holes).toBe(1);
      const holeArea = want.shellArea - want.area;
      expect(holeArea).toBeGreaterThan(1000);
      expect(Math.abs(num(row, 'licence_area_plane_m2') - want.area)).toBeLessThanOrEqual(REL * want.area);
      expect(Math.abs(num(row, 'exit_area_plane_m2') - want.exit)).toBeLessThanOrEqual(REL * want.exit);
    });

    it('multipart: both parts are counted', () => {
      const { row, want } = trap('multipart');
      expect(want.polygons).toBe(2);
      expect(Math.abs(num(row, 'licence_area_plane_m2') - want.area)).toBeLessThanOrEqual(REL * want.area);
      expect(num(row, 'remaining_parts')).toBe(want.parts);
    });

    it('repeated_collinear: redundant vertices change nothing', () => {
      const { row, want } = trap('repeated_collinear');
      expect(Math.abs(num(row, 'licence_area_plane_m2') - want.area)).toBeLessThanOrEqual(REL * want.area);
      expect(Math.abs(num(row, 'exit_area_plane_m2') - want.exit)).toBeLessThanOrEqual(REL * want.exit);
    });

    it('double_zone: red line over a reserve is counted once (the union, not the sum)', () => {
      const { id, row, want } = trap('double_zone');
      const exit = num(row, 'exit_area_plane_m2');
      const perZone = zoneRows.filter((z) => z.licence_id === id);
      expect(new Set(perZone.map((z) => z.zone_type))).toEqual(new Set(['redline', 'nature_reserve']));
      const sum = perZone.reduce((a, z) => a + num(z, 'overlap_area_plane_m2'), 0);
      expect(sum - want.exit).toBeGreaterThan(1000);
      expect(Math.abs(exit - want.exit)).toBeLessThanOrEqual(REL * want.exit);
      expect(exit).toBeLessThanOrEqual(num(row, 'licence_area_plane_m2'));
    });
  });
});
