import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv, runCli, square, tempDir, writeShapefile, type FixtureFeature } from '../helpers/gdal-fixtures.ts';

// A county in CGCS2000 3° zone 39 (EPSG:4527): eastings carry the zone number.
const E = 39_500_000;
const N = 4_480_000;

const lic = (id: string, name: string, geometry: FixtureFeature['geometry'], extra: Record<string, number | null> = {}): FixtureFeature => ({
  properties: { 许可证号: id, 矿山名称: name, ...extra },
  geometry,
});

const licences: FixtureFeature[] = [
  lic('C-PARTIAL', '甲金矿', square(E, N, 2000)),
  lic('C-WHOLE', '乙铁矿', square(E + 1200, N + 5000, 500)),
  lic('C-TOUCH', '丙铜矿', square(E + 3000, N + 5000, 500)),
  lic('C-SLIVER', '丁铅锌矿', square(E + 3000 - 0.001, N + 10_000, 500)),
  lic('C-NONE', '戊钼矿', square(E + 20_000, N, 1000)),
  lic('C-SPLIT', '己钨矿', square(E, N + 15_000, 4000, 1000)),
  lic('C-HOLE', '庚锰矿', {
    type: 'Polygon',
    coordinates: [
      [[E - 1000, N + 20_000], [E + 2000, N + 20_000], [E + 2000, N + 21_000], [E - 1000, N + 21_000], [E - 1000, N + 20_000]],
      [[E + 1200, N + 20_200], [E + 1200, N + 20_800], [E + 1800, N + 20_800], [E + 1800, N + 20_200], [E + 1200, N + 20_200]],
    ],
  }),
  lic('C-BOWTIE', '辛萤石矿', {
    type: 'Polygon',
    coordinates: [[[E + 1500, N + 30_000], [E + 2500, N + 31_000], [E + 2500, N + 30_000], [E + 1500, N + 31_000], [E + 1500, N + 30_000]]],
  }),
];

// The red line: one strip x ∈ [E+1000, E+3000]; the nature reserve overlaps it and the licences.
const redline: FixtureFeature[] = [
  { properties: { 编号: 'HX-1', 名称: '燕山水源涵养红线', 类型: '生态保护红线' }, geometry: square(E + 1000, N - 1000, 2000, 40_000) },
];
const reserve: FixtureFeature[] = [
  { properties: { 编号: 'BHQ-1', 名称: '雾灵山自然保护区', 类型: '自然保护区' }, geometry: square(E + 1500, N - 500, 2500, 3000) },
];

describe('redline screen (CLI, real shapefiles written by GDAL)', () => {
  const dir = tempDir();
  let rows: Record<string, Record<string, string>> = {};

  beforeAll(() => {
    writeShapefile(dir.path, 'licences', licences, { srs: 'EPSG:4527', cpg: false });
    writeShapefile(dir.path, 'redline', redline, { srs: 'EPSG:4527' });
    writeShapefile(dir.path, 'nature_reserve', reserve, { srs: 'EPSG:4527' });
    const r = runCli([
      'screen', '--licences', join(dir.path, 'licences.shp'),
      '--zones', join(dir.path, 'redline.shp'), '--zones', join(dir.path, 'nature_reserve.shp'),
      '--out', join(dir.path, 'out'),
    ]);
    expect(r.stderr).toContain('screened 8 licences');
    expect(r.code).toBe(0);
    const csv = readCsv(readFileSync(join(dir.path, 'out', 'screening.csv'), 'utf8'));
    rows = Object.fromEntries(csv.map((row) => [row.licence_id, row]));
  });
  afterAll(() => dir.remove());

  it('writes screening.csv with the contract columns, a BOM, and GBK names read without a .cpg', () => {
    const text = readFileSync(join(dir.path, 'out', 'screening.csv'), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(
      'licence_id,name,status,licence_area_plane_m2,licence_area_ellipsoidal_m2,exit_area_plane_m2,' +
      'exit_area_ellipsoidal_m2,exit_ratio,remaining_parts,zone_ids,warnings',
    );
    expect(rows['C-PARTIAL'].name).toBe('甲金矿');
    expect(rows['C-SLIVER'].name).toBe('丁铅锌矿');
  });

  it('classifies each licence and measures exit areas exactly, overlapping zones counted once', () => {
    const p = rows['C-PARTIAL'];
    expect(p.status).toBe('partial');
    expect(Number(p.licence_area_plane_m2)).toBeCloseTo(4_000_000, 6);
    // red line covers x ≥ E+1000, the reserve x ≥ E+1500 inside it: the union is 1000 × 2000
    expect(Number(p.exit_area_plane_m2)).toBeCloseTo(2_000_000, 6);
    expect(p.zone_ids).toBe('HX-1;BHQ-1');
    expect(Number(p.remaining_parts)).toBe(1);
    // ratio of ellipsoidal areas: the scale factor grows away from the central meridian
    expect(Number(p.exit_ratio)).toBeCloseTo(0.5, 6);
    expect(Number(p.exit_ratio)).not.toBe(0.5);

    expect(rows['C-WHOLE'].status).toBe('whole');
    expect(Number(rows['C-WHOLE'].remaining_parts)).toBe(0);
    expect(rows['C-TOUCH'].status).toBe('touch');
    expect(Number(rows['C-TOUCH'].exit_area_plane_m2)).toBe(0);
    expect(rows['C-SLIVER'].status).toBe('sliver');
    // 1 mm × 500 m, as exact as a 1 mm offset on an 8-digit easting can be
    expect(Number(rows['C-SLIVER'].exit_area_plane_m2)).toBeCloseTo(0.5, 4);
    expect(rows['C-NONE'].status).toBe('none');
    expect(rows['C-NONE'].zone_ids).toBe('');

    // a strip through the middle leaves two parts
    expect(rows['C-SPLIT'].status).toBe('partial');
    expect(Number(rows['C-SPLIT'].remaining_parts)).toBe(2);
    expect(Number(rows['C-SPLIT'].exit_area_plane_m2)).toBeCloseTo(2_000_000, 6);

    // the hole (600 × 600, inside the red line) is not part of the licence
    expect(Number(rows['C-HOLE'].licence_area_plane_m2)).toBeCloseTo(3_000_000 - 360_000, 6);
    expect(Number(rows['C-HOLE'].exit_area_plane_m2)).toBeCloseTo(1_000_000 - 360_000, 6);
  });

  it('repairs a self-intersecting licence and says so in its row', () => {
    const b = rows['C-BOWTIE'];
    expect(b.warnings).toMatch(/invalid.*repaired with MakeValid/);
    // two triangles of 250,000 m² each, never the 0 m² the shoelace gives the bow tie as drawn
    expect(Number(b.licence_area_plane_m2)).toBeCloseTo(500_000, 6);
    expect(b.status).toBe('whole');
  });

  it('gives ellipsoidal areas slightly below plane areas near the central meridian (scale factor 1)', () => {
    const p = rows['C-PARTIAL'];
    const ratio = Number(p.licence_area_ellipsoidal_m2) / Number(p.licence_area_plane_m2);
    expect(ratio).toBeLessThan(1);
    expect(ratio).toBeGreaterThan(1 - 1e-6);
  });

  it('writes the per-zone overlaps, the exit ranges in EPSG:4490, and a run record', () => {
    const zones = readCsv(readFileSync(join(dir.path, 'out', 'zone_overlaps.csv'), 'utf8'))
      .filter((z) => z.licence_id === 'C-PARTIAL');
    expect(zones.map((z) => [z.zone_id, z.zone_type, Math.round(Number(z.overlap_area_plane_m2))])).toEqual([
      ['HX-1', 'redline', 2_000_000],
      ['BHQ-1', 'nature_reserve', 1_000_000],
    ]);
    const gj = JSON.parse(readFileSync(join(dir.path, 'out', 'overlaps.geojson'), 'utf8'));
    expect(gj.crs.properties.name).toBe('urn:ogc:def:crs:EPSG::4490');
    const partial = gj.features.find((f: { properties: { licence_id: string } }) => f.properties.licence_id === 'C-PARTIAL');
    const [lon, lat] = partial.geometry.coordinates[0][0][0];
    expect(lon).toBeGreaterThan(117);
    expect(lon).toBeLessThan(117.05);
    expect(lat).toBeGreaterThan(40.4);
    expect(lat).toBeLessThan(40.5);
    expect(gj.features.some((f: { properties: { licence_id: string } }) => f.properties.licence_id === 'C-NONE')).toBe(false);

    const run = JSON.parse(readFileSync(join(dir.path, 'out', 'run.json'), 'utf8'));
    expect(run.inputs.licences.crs).toMatchObject({ epsg: 4527, source: 'prj' });
    expect(run.inputs.licences.files.map((f: { path: string }) => f.path.replace(/.*\//, '')).sort()).toEqual(
      ['licences.dbf', 'licences.prj', 'licences.shp', 'licences.shx'],
    );
    expect(run.inputs.licences.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.inputs.licences.field_mapping).toMatchObject({ licence_id: '许可证号', name: '矿山名称' });
    expect(run.inputs.licences.encoding.how).not.toBe('cpg');
    expect(run.zone_types).toEqual(['nature_reserve', 'redline']);
    expect(run.sliver_m2).toBe(1);
    expect(run.redline.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('redline screen: CRS decisions and bad input', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('refuses a layer without .prj, suggests the CRS from 8-digit eastings, and takes the confirming flag', () => {
    const shp = writeShapefile(dir.path, 'noprj', [lic('C1', '甲', square(E, N, 1000))], { srs: 'EPSG:4527', prj: false });
    const zones = writeShapefile(dir.path, 'hx', redline, { srs: 'EPSG:4527' });
    const out = join(dir.path, 'out-noprj');
    const refused = runCli(['screen', '--licences', shp, '--zones', zones, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('noprj.shp');
    expect(refused.stderr).toContain('EPSG:4527');
    expect(refused.stderr).toContain('--licence-crs');
    expect(existsSync(join(out, 'screening.csv'))).toBe(false);

    const confirmed = runCli(['screen', '--licences', shp, '--zones', zones, '--licence-crs', 'EPSG:4527', '--out', out]);
    expect(confirmed.code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.inputs.licences.crs).toMatchObject({ epsg: 4527, source: 'flag' });
  });

  it('detects X/Y swapped against the CRS, swaps back and records it', () => {
    const swapped: FixtureFeature['geometry'] = {
      type: 'Polygon',
      coordinates: [[[N, E], [N, E + 1000], [N + 1000, E + 1000], [N + 1000, E], [N, E]]],
    };
    const shp = writeShapefile(dir.path, 'swapped', [lic('S1', '甲', swapped)], { srs: 'EPSG:4527' });
    const zones = writeShapefile(dir.path, 'hx2', redline, { srs: 'EPSG:4527' });
    const out = join(dir.path, 'out-swapped');
    const r = runCli(['screen', '--licences', shp, '--zones', zones, '--out', out]);
    expect(r.code).toBe(0);
    const row = readCsv(readFileSync(join(out, 'screening.csv'), 'utf8'))[0];
    // swapped back it meets the red line's western edge: a touch, not a licence lost somewhere
    expect(row.status).toBe('touch');
    expect(Number(row.exit_area_plane_m2)).toBe(0);
    expect(Number(row.licence_area_plane_m2)).toBeCloseTo(1_000_000, 6);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.inputs.licences.crs.swapped_xy).toBe(true);
  });

  it('names the file and the reason when the .dbf is missing, in one line and without a stack', () => {
    const shp = writeShapefile(dir.path, 'nodbf', [lic('C1', '甲', square(E, N, 1000))], { srs: 'EPSG:4527' });
    unlinkSync(join(dir.path, 'nodbf.dbf'));
    const r = runCli(['screen', '--licences', shp, '--zones', shp, '--out', join(dir.path, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^redline: .*nodbf.*\.dbf/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a point layer given as licences and an unknown --map key', () => {
    const pts = writeShapefile(dir.path, 'points', [{ properties: { 许可证号: 'P1' }, geometry: { type: 'Point', coordinates: [E, N] } }], { srs: 'EPSG:4527' });
    const zones = writeShapefile(dir.path, 'hx3', redline, { srs: 'EPSG:4527' });
    const r = runCli(['screen', '--licences', pts, '--zones', zones]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/points\.shp.*point.*polygons/);
    const m = runCli(['screen', '--licences', zones, '--zones', zones, '--map', 'colour=X']);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('unknown key "colour"');
  });

  it('maps fields given with --map', () => {
    const shp = writeShapefile(dir.path, 'custom', [{ properties: { 证号: 'X-9', 矿名: '自定义矿' }, geometry: square(E + 1500, N, 100) }], { srs: 'EPSG:4527' });
    const zones = writeShapefile(dir.path, 'hx4', redline, { srs: 'EPSG:4527' });
    const out = join(dir.path, 'out-map');
    const r = runCli(['screen', '--licences', shp, '--zones', zones, '--map', 'licence_id=证号', '--map', 'name=矿名', '--out', out]);
    expect(r.code).toBe(0);
    const row = readCsv(readFileSync(join(out, 'screening.csv'), 'utf8'))[0];
    expect([row.licence_id, row.name, row.status]).toEqual(['X-9', '自定义矿', 'whole']);
  });

  it('refuses a CRS flag that contradicts a .prj, and detects longitude and latitude swapped', () => {
    const zones = writeShapefile(dir.path, 'hx5', redline, { srs: 'EPSG:4527' });
    const lic4527 = writeShapefile(dir.path, 'lic5', [lic('C1', '甲', square(E + 1500, N, 100))], { srs: 'EPSG:4527' });
    const conflict = runCli(['screen', '--licences', lic4527, '--zones', zones, '--zone-crs', 'EPSG:4490', '--out', join(dir.path, 'o5')]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/hx5\.shp: its \.prj says .*zone 39 but --zone-crs says CGCS2000/);

    // lat in x and lon in y, as survey-minded exports sometimes write them
    const swapped = writeShapefile(dir.path, 'latlon', [lic('LL', '乙', {
      type: 'Polygon',
      coordinates: [[[40.45, 117.01], [40.45, 117.03], [40.46, 117.03], [40.46, 117.01], [40.45, 117.01]]],
    })], { srs: 'EPSG:4490' });
    const out = join(dir.path, 'o6');
    const r = runCli(['screen', '--licences', swapped, '--zones', zones, '--out', out]);
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.inputs.licences.crs.swapped_xy).toBe(true);
    const row = readCsv(readFileSync(join(out, 'screening.csv'), 'utf8'))[0];
    // x 117.01–117.03°E lies 0.85–2.5 km east of 117°E: it overlaps the red line strip
    expect(row.status).toBe('partial');
  });
});
