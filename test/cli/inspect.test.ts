import { execFileSync } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, square, tempDir, writeShapefile, type FixtureFeature } from '../helpers/gdal-fixtures.ts';

// CGCS2000 3° zone 39 (EPSG:4527): eastings carry the zone number.
const E = 39_500_000;
const N = 4_480_000;

const lic = (id: string, name: string, geometry: FixtureFeature['geometry']): FixtureFeature => ({ properties: { 许可证号: id, 矿山名称: name }, geometry });
const BOWTIE: FixtureFeature['geometry'] = {
  type: 'Polygon',
  coordinates: [[[E + 1500, N + 30_000], [E + 2500, N + 31_000], [E + 2500, N + 30_000], [E + 1500, N + 31_000], [E + 1500, N + 30_000]]],
};

const dir = tempDir('redline-inspect-');
afterAll(() => dir.remove());

describe('redline inspect (CLI, real files written by GDAL)', () => {
  it('a clean layer: the report, exit code 0', () => {
    const shp = writeShapefile(dir.path, 'clean', [lic('C1', '甲金矿', square(E, N, 1000)), lic('C2', '乙铁矿', square(E + 2000, N, 500))], { srs: 'EPSG:4527' });
    const r = runCli(['inspect', shp]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      `${shp} — shapefile, layer clean`,
      '  features    2 polygons, 0 multi-part, 10 vertices',
      '  CRS         EPSG:4527 CGCS2000 / 3-degree Gauss-Kruger zone 39 (from the .prj)',
      '  encoding    gbk (declared by the .cpg file)',
      '  extent      x 39500000 … 39502500, y 4480000 … 4481000 (in the file)',
      expect.stringMatching(/^ {14}lon 117 … 117\.02\d+, lat 40\.45\d+ … 40\.46\d+ \(CGCS2000, EPSG:4490\)$/),
      '  id field    许可证号: 2 distinct ids in 2 features',
    ]);
    expect(r.stdout).toContain('\ninvalid geometries: none\nempty or null shapes: none\nduplicate ids: none\nrepairs applied: none\n\nverdict: ok\n');
  });

  it('a bow tie and duplicate ids: one line per finding, long lists capped, exit code 1', () => {
    const features = Array.from({ length: 50 }, (_, i) => lic(`D${i % 25}`, `矿${i}`, square(E + i * 2000, N, 1000)));
    features.push(lic('C-BOWTIE', '辛萤石矿', BOWTIE));
    const shp = writeShapefile(dir.path, 'dups', features, { srs: 'EPSG:4527' });
    const r = runCli(['inspect', shp]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\ninvalid geometries: 1 feature\n  #50 C-BOWTIE  self-intersection at 39502000, 4510500: the exterior crosses itself here\n');
    expect(r.stdout).toContain('\nduplicate ids: 25 ids\n  D0: features #0, #25\n  D1: features #1, #26\n');
    expect(r.stdout).toContain('\n  D19: features #19, #44\n  … and 5 more\nrepairs applied: none\n');
    expect(r.stdout).toContain('\nverdict: errors\n  error    1 feature with invalid geometry\n  error    25 ids used by more than one feature (许可证号)\n');
  });

  it('a layer without .prj or .cpg: the suggested CRS and why; the flag confirms it', () => {
    const shp = writeShapefile(dir.path, 'noprj', [lic('N1', '无坐标系矿', square(E + 1000, N, 1000))], { srs: 'EPSG:4527', prj: false, cpg: false });
    const r = runCli(['inspect', shp]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  CRS         not declared; suggested: EPSG:4527 CGCS2000 / 3-degree Gauss-Kruger zone 39 — confirm with --crs EPSG:4527\n');
    expect(r.stdout).toMatch(/\n {14}why: no \.prj; x runs from 39501000 to 39502000: 8-digit eastings whose first two digits, 39, are the number of a 3-degree Gauss-Kruger zone/);
    expect(r.stdout).toContain('\n  encoding    gb18030 (detected from the bytes: nothing declared it)\n');
    expect(r.stdout).toContain('\nverdict: ok, with warnings\n  warning  no CRS declared: the coordinates suggest EPSG:4527; confirm with --crs EPSG:4527\n');
    const confirmed = runCli(['inspect', shp, '--crs', 'EPSG:4527']);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('\n  CRS         EPSG:4527 CGCS2000 / 3-degree Gauss-Kruger zone 39 (given with --crs)\n');
    expect(confirmed.stdout).toContain('\nverdict: ok\n');
  });

  it('GeoJSON with an unclosed ring and a null shape: the repair and the empty shape listed', () => {
    const csv = join(dir.path, 'wkt.csv');
    writeFileSync(csv, '编号,名称,WKT\nA1,甲,"POLYGON((117 40,117 40.01,117.01 40.01,117.01 40))"\nA2,乙,\n');
    const gj = join(dir.path, 'wkt.geojson');
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-a_srs', 'EPSG:4490', gj, csv, '-oo', 'GEOM_POSSIBLE_NAMES=WKT', '-oo', 'KEEP_GEOM_COLUMNS=NO'], { stdio: 'pipe' });
    const r = runCli(['inspect', gj]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  CRS         EPSG:4490 CGCS2000 (implied by the format)\n');
    expect(r.stdout).toContain('\nempty or null shapes: 1: #1\n');
    expect(r.stdout).toContain('\nrepairs applied: 1 feature\n  #0 A1  ring 0: ring not closed: closed by repeating its first vertex\n');
  });

  it('--json: the report as the service will send it', () => {
    const shp = writeShapefile(dir.path, 'json', [lic('J1', '甲', square(E, N, 100)), lic('J2', '乙', BOWTIE)], { srs: 'EPSG:4527' });
    const r = runCli(['inspect', shp, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual([
      'source', 'layer', 'format', 'geometry_type', 'feature_count', 'multipart_count', 'vertex_count', 'fields',
      'crs', 'encoding', 'bbox', 'geometry_checked', 'invalid_geometries', 'empty_shapes', 'id_field',
      'duplicate_ids', 'missing_ids', 'repairs', 'verdict', 'notes',
    ]);
    expect(report).toMatchObject({
      layer: 'json', format: 'shapefile', feature_count: 2, fields: ['许可证号', '矿山名称'],
      crs: { status: 'found', source: 'prj', epsg: 4527 },
      bbox: { file: [E, N, E + 2500, N + 31_000], lonlat_from: 'found' },
      invalid_geometries: [{ index: 1, id: 'J2', findings: [{ kind: 'self-intersection', at: [E + 2000, N + 30_500], polygon: 0, ring: 0 }], truncated: false }],
      verdict: 'errors',
    });
  });

  it('--layer picks a shapefile in a zip, --encoding overrides, --id-field names the field', () => {
    const sub = join(dir.path, 'zipped');
    execFileSync('mkdir', ['-p', sub]);
    writeShapefile(sub, 'a', [lic('Z1', '甲', square(E, N, 100))], { srs: 'EPSG:4527' });
    writeShapefile(sub, 'b', [{ properties: { 证号: 'Q', 名: '乙' }, geometry: square(E, N, 100) }, { properties: { 证号: 'Q', 名: '丙' }, geometry: square(E + 200, N, 100) }], { srs: 'EPSG:4527' });
    const zip = join(dir.path, 'two.zip');
    execFileSync('zip', ['-q', zip, 'a.shp', 'a.shx', 'a.dbf', 'a.prj', 'a.cpg', 'b.shp', 'b.shx', 'b.dbf', 'b.prj', 'b.cpg'], { cwd: sub });
    const both = runCli(['inspect', zip]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^redline: .*two\.zip: the zip holds 2 shapefiles/);
    const b = runCli(['inspect', zip, '--layer', 'b', '--encoding', 'GBK', '--id-field', '证号']);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain(`${zip} — shapefile, layer b\n`);
    expect(b.stdout).toContain('\n  encoding    gbk (given with --encoding)\n');
    expect(b.stdout).toContain('\nduplicate ids: 1 id\n  Q: features #0, #1\n');
  });

  it('what cannot be read ends in one line and exit code 2', () => {
    const shp = writeShapefile(dir.path, 'nodbf', [lic('C1', '甲', square(E, N, 100))], { srs: 'EPSG:4527' });
    unlinkSync(join(dir.path, 'nodbf.dbf'));
    const r = runCli(['inspect', shp]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`redline: ${shp}: the attribute table nodbf.dbf is missing (a shapefile needs .shp, .shx and .dbf)\n`);

    const ok = writeShapefile(dir.path, 'ok', [lic('C1', '甲', square(E, N, 100))], { srs: 'EPSG:4527' });
    const field = runCli(['inspect', ok, '--id-field', '编号']);
    expect([field.code, field.stderr]).toEqual([2, `redline: ${ok}: --id-field 编号: no such field (fields: 许可证号, 矿山名称)\n`]);
    const crs = runCli(['inspect', ok, '--crs', 'zone39']);
    expect(crs.code).toBe(2);
    expect(crs.stderr).toMatch(/^redline: --crs: "zone39" is not a CRS redline understands/);
  });
});
