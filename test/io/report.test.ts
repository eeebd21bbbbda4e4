import { execFileSync } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crsFromEpsg } from '../../server/geo/crs.ts';
import { toLonLat } from '../../server/geo/projection.ts';
import { InputError } from '../../server/errors.ts';
import { readLayer } from '../../server/io/layer.ts';
import { describeLayerCrs } from '../../server/io/layer-crs.ts';
import { inspectLayer } from '../../server/io/report.ts';
import { square, tempDir } from '../helpers/gdal-fixtures.ts';

// CGCS2000 3° zone 39 (EPSG:4527, central meridian 117°E): eastings carry the zone number.
const E = 39_500_000;
const N = 4_480_000;

type Geometry = { type: string; coordinates: unknown } | null;
interface Feature { properties: Record<string, string | number | null>; geometry: Geometry }

const dir = tempDir('redline-report-');
afterAll(() => dir.remove());

/** A layer written by ogr2ogr from GeoJSON features (null shapes allowed), as a bureau's tool would. */
function ogr(name: string, features: Feature[], args: string[], ext = 'shp'): string {
  const src = join(dir.path, `${name}.src.geojson`);
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }));
  const out = join(dir.path, `${name}.${ext}`);
  const driver = ext === 'shp' ? ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=CP936'] : ['-f', 'GeoJSON'];
  execFileSync('ogr2ogr', [...driver, ...args, out, src], { stdio: 'pipe' });
  unlinkSync(src);
  return out;
}
const lic = (id: string | null, name: string, geometry: Geometry): Feature => ({ properties: { 许可证号: id, 矿山名称: name }, geometry });
const ring = (...xy: number[]): number[][] => Array.from({ length: xy.length / 2 }, (_, i) => [xy[2 * i], xy[2 * i + 1]]);

describe('inspectLayer on real files', () => {
  it('a clean licence layer: exact counts and extent, no findings', async () => {
    const shp = ogr('clean', [
      lic('C1', '甲金矿', square(E, N, 1000)),
      lic('C2', '乙铁矿', { type: 'Polygon', coordinates: [(square(E + 2000, N, 1000).coordinates as number[][][])[0], ring(E + 2200, N + 200, E + 2200, N + 400, E + 2400, N + 400, E + 2400, N + 200, E + 2200, N + 200)] }),
      lic('C3', '丙铜矿', { type: 'MultiPolygon', coordinates: [square(E + 4000, N, 500).coordinates, square(E + 4000, N + 1000, 500).coordinates] }),
    ], ['-a_srs', 'EPSG:4527']);
    const r = inspectLayer(await readLayer(shp));
    expect(r).toMatchObject({
      layer: 'clean', format: 'shapefile', geometry_type: 'polygon',
      feature_count: 3, multipart_count: 1, vertex_count: 25, geometry_checked: true,
      crs: { status: 'found', source: 'prj', epsg: 4527, swapped: false, problem: null },
      encoding: { name: 'gbk', how: 'cpg' },
      invalid_geometries: [], empty_shapes: [], id_field: '许可证号', duplicate_ids: [], missing_ids: [], repairs: [],
      verdict: 'ok', notes: [],
    });
    expect(r.bbox.file).toEqual([E, N, E + 4500, N + 1500]);
    // the extent of the exteriors' corners in lon/lat (~117.0°E, ~40.45°N); not the corners of the
    // box: the top at N + 1500 only exists 4 km east of the central meridian, where it is further south
    const corners = [[E, N, 1000], [E + 2000, N, 1000], [E + 4000, N, 500], [E + 4000, N + 1000, 500]]
      .flatMap(([x, y, s]) => [x, y, x + s, y, x + s, y + s, x, y + s]);
    const ll = toLonLat(crsFromEpsg(4527))(new Float64Array(corners));
    const lon = ll.filter((_, i) => i % 2 === 0), lat = ll.filter((_, i) => i % 2 === 1);
    expect(r.bbox.lonlat).toEqual([Math.min(...lon), Math.min(...lat), Math.max(...lon), Math.max(...lat)]);
    expect(r.bbox.lonlat?.[0]).toBeCloseTo(117, 6);
    expect(r.bbox.lonlat?.[1]).toBeGreaterThan(40.4);
    expect(r.bbox.lonlat?.[3]).toBeLessThan(40.5);
    expect(r.bbox).toMatchObject({ lonlat_from: 'found', lonlat_note: null });
    // JSON-able as it is: what the service will send
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('a bow tie, a spike, a null shape, a duplicated and a missing id', async () => {
    const shp = ogr('problems', [
      lic('C-OK', '好矿', square(E, N, 100)),
      lic('C-BOWTIE', '辛萤石矿', { type: 'Polygon', coordinates: [ring(E + 1500, N + 30_000, E + 2500, N + 31_000, E + 2500, N + 30_000, E + 1500, N + 31_000, E + 1500, N + 30_000)] }),
      lic('C-SPIKE', '尖矿', { type: 'Polygon', coordinates: [ring(E, N + 2000, E, N + 3000, E + 500, N + 3000, E + 500, N + 3800, E + 500, N + 3000, E + 1000, N + 3000, E + 1000, N + 2000, E, N + 2000)] }),
      lic('C-DUP', '空矿', null),
      lic('C-DUP', '重号矿', square(E + 5000, N, 100)),
      lic(null, '无号矿', square(E + 6000, N, 100)),
    ], ['-a_srs', 'EPSG:4527']);
    const r = inspectLayer(await readLayer(shp));
    expect(r.invalid_geometries.map((g) => [g.index, g.id, g.findings.map((f) => [f.kind, ...f.at])])).toEqual([
      [1, 'C-BOWTIE', [['self-intersection', E + 2000, N + 30_500]]],
      [2, 'C-SPIKE', [['spike', E + 500, N + 3800]]],
    ]);
    expect(r.invalid_geometries[0].findings[0].reason).toBe('the exterior crosses itself here');
    expect(r.empty_shapes).toEqual([3]);
    expect(r.duplicate_ids).toEqual([{ id: 'C-DUP', features: [3, 4] }]);
    expect(r.missing_ids).toEqual([5]);
    expect(r.feature_count).toBe(6);
    expect(r.verdict).toBe('errors');
    expect(r.notes).toEqual([
      { level: 'error', message: '2 features with invalid geometry' },
      { level: 'error', message: '1 id used by more than one feature (许可证号)' },
      { level: 'warning', message: '1 feature without a shape (null or empty)' },
      { level: 'warning', message: '1 feature without an id (许可证号)' },
    ]);
  });

  it('GeoJSON with an unclosed ring and a repeated vertex (from a CSV with WKT): the repairs', async () => {
    const csv = join(dir.path, 'wkt.csv');
    writeFileSync(csv, [
      '编号,名称,WKT',
      'A1,甲,"POLYGON((117 40,117 40.01,117.01 40.01,117.01 40))"',
      'A2,乙,',
      'A3,丙,"POLYGON((117.02 40,117.02 40.01,117.02 40.01,117.03 40.01,117.03 40,117.02 40))"',
    ].join('\n'));
    const gj = join(dir.path, 'wkt.geojson');
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-a_srs', 'EPSG:4490', gj, csv, '-oo', 'GEOM_POSSIBLE_NAMES=WKT', '-oo', 'KEEP_GEOM_COLUMNS=NO'], { stdio: 'pipe' });
    const r = inspectLayer(await readLayer(gj));
    expect(r).toMatchObject({
      format: 'geojson', feature_count: 3, id_field: '编号',
      crs: { status: 'found', source: 'format', epsg: 4490 },
      invalid_geometries: [], empty_shapes: [1], verdict: 'warnings',
    });
    expect(r.repairs).toEqual([
      { index: 0, id: 'A1', repairs: ['ring 0: ring not closed: closed by repeating its first vertex'] },
      { index: 2, id: 'A3', repairs: ['ring 0: 1 repeated vertices removed'] },
    ]);
    expect(r.bbox.file).toEqual([117, 40, 117.03, 40.01]);
    expect(r.bbox.lonlat).toEqual([117, 40, 117.03, 40.01]);
    expect(r.notes.map((n) => n.message)).toEqual(['1 feature without a shape (null or empty)', '2 features repaired on reading']);
  });

  it('a GK layer without .prj or .cpg: the CRS suggested with the reason, the encoding detected', async () => {
    const shp = ogr('noprj', [lic('N1', '无坐标系矿', square(E + 1000, N, 1000))], ['-a_srs', 'EPSG:4527']);
    unlinkSync(shp.replace(/shp$/, 'prj'));
    unlinkSync(shp.replace(/shp$/, 'cpg'));
    const layer = await readLayer(shp);
    const r = inspectLayer(layer);
    expect(r.crs).toMatchObject({ status: 'suggested', epsg: 4527, swapped: false, confirm: '--crs EPSG:4527' });
    if (r.crs.status !== 'suggested') throw new Error('unreachable');
    expect(r.crs.reason).toMatch(/^no \.prj; x runs from 39501000 to 39502000: 8-digit eastings whose first two digits, 39, are the number of a 3-degree Gauss-Kruger zone/);
    expect(r.encoding?.how).toBe('detected');
    expect(layer.features[0].attributes['矿山名称']).toBe('无坐标系矿');
    expect(r.bbox.lonlat_from).toBe('suggested');
    expect(r.bbox.lonlat_note).toBe('from the suggested EPSG:4527, not confirmed');
    expect(r.verdict).toBe('warnings');
    expect(r.notes).toEqual([{ level: 'warning', message: 'no CRS declared: the coordinates suggest EPSG:4527; confirm with --crs EPSG:4527' }]);
    // confirmed with the flag, the same layer is clean
    const confirmed = inspectLayer(layer, { crs: crsFromEpsg(4527) });
    expect(confirmed.crs).toMatchObject({ status: 'found', source: 'flag', epsg: 4527 });
    expect(confirmed.verdict).toBe('ok');
    expect(confirmed.bbox.lonlat).toEqual(r.bbox.lonlat);
  });

  it('a point layer: counts and extent, no polygon checks', async () => {
    const shp = ogr('points', [
      { properties: { 编号: 'P1' }, geometry: { type: 'Point', coordinates: [E, N] } },
      { properties: { 编号: 'P2' }, geometry: { type: 'Point', coordinates: [E + 100, N + 50] } },
    ], ['-a_srs', 'EPSG:4527']);
    const r = inspectLayer(await readLayer(shp));
    expect(r).toMatchObject({ geometry_type: 'point', feature_count: 2, geometry_checked: false, vertex_count: 0, empty_shapes: [], invalid_geometries: [], verdict: 'warnings' });
    expect(r.bbox.file).toEqual([E, N, E + 100, N + 50]);
    expect(r.notes.map((n) => n.message)).toEqual(['a point layer: redline screens polygons, so only the counts and the extent are checked']);
  });

  it('--id-field picks the field, and must name one the layer has', async () => {
    const shp = ogr('ids', [
      { properties: { 证号: 'X', 备注: 'a' }, geometry: square(E, N, 10) },
      { properties: { 证号: 'X', 备注: 'b' }, geometry: square(E + 20, N, 10) },
    ], ['-a_srs', 'EPSG:4527']);
    const layer = await readLayer(shp);
    const none = inspectLayer(layer);
    expect(none.id_field).toBeNull();
    expect(none.notes.map((n) => n.message)[0]).toMatch(/^no id field \(licence_id, LIC_ID, 许可证号, XKZH, zone_id, BSM, 编号, block_id, 块段号\): duplicates not checked/);
    expect(inspectLayer(layer, { idField: '证号' }).duplicate_ids).toEqual([{ id: 'X', features: [0, 1] }]);
    expect(() => inspectLayer(layer, { idField: 'nope' })).toThrow(InputError);
    expect(() => inspectLayer(layer, { idField: 'nope' })).toThrow(`${shp}: --id-field nope: no such field (fields: 证号, 备注)`);
  });
});

describe('describeLayerCrs: never throws, says why', () => {
  it('6-digit eastings without .prj: unknown', async () => {
    const shp = ogr('sixdigit', [lic('U1', '甲', square(500_000, N, 100))], ['-a_srs', 'EPSG:4548']);
    unlinkSync(shp.replace(/shp$/, 'prj'));
    const d = describeLayerCrs(await readLayer(shp), null);
    expect(d).toEqual({
      status: 'unknown',
      reason: 'no .prj, and the coordinates (x 500000…500100, y 4480000…4480100) do not tell the CRS ' +
        '(eastings without a zone number fit every zone alike); pass --crs EPSG:n',
    });
  });

  it('a flag contradicting the .prj, and coordinates swapped against it', async () => {
    const layer = await readLayer(ogr('lic4527', [lic('F1', '甲', square(E, N, 100))], ['-a_srs', 'EPSG:4527']));
    const d = describeLayerCrs(layer, crsFromEpsg(4490), '--licence-crs');
    expect(d).toMatchObject({ status: 'found', source: 'flag', epsg: 4490 });
    if (d.status !== 'found') throw new Error('unreachable');
    expect(d.problem).toMatch(/^its \.prj says .*zone 39 but --licence-crs says CGCS2000/);

    const swapped = await readLayer(ogr('swapped', [lic('S1', '乙', { type: 'Polygon', coordinates: [ring(N, E, N, E + 100, N + 100, E + 100, N + 100, E, N, E)] })], ['-a_srs', 'EPSG:4527']));
    expect(describeLayerCrs(swapped, null)).toMatchObject({ status: 'found', source: 'prj', epsg: 4527, swapped: true, problem: null });
    const r = inspectLayer(swapped);
    expect(r.bbox.lonlat?.[0]).toBeCloseTo(117, 6);
    expect(r.notes.map((n) => n.message)).toEqual(['x and y are swapped in the file (northing first); redline swaps them back']);
  });

  it('GeoJSON holding Gauss-Krüger coordinates without a "crs": not lon/lat, and what it probably is', async () => {
    const gj = ogr('gk', [lic('G1', '甲', square(E, N, 100))], [], 'geojson');
    const d = describeLayerCrs(await readLayer(gj), null);
    expect(d).toMatchObject({ status: 'found', source: 'format', epsg: 4326 });
    if (d.status !== 'found') throw new Error('unreachable');
    expect(d.problem).toMatch(/are not longitude\/latitude in China .*; the coordinates suggest EPSG:4527 .*: confirm with --crs EPSG:4527$/);
    const r = inspectLayer(await readLayer(gj), { crs: crsFromEpsg(4527) });
    expect(r.crs).toMatchObject({ status: 'found', source: 'flag', problem: null });
  });
});

describe('inspectLayer on a CAD drawing', () => {
  it('says what the DXF reader left out, before the other notes', async () => {
    const src = join(dir.path, 'cad.src.geojson');
    const line = (coordinates: number[][]): Feature => ({ properties: {}, geometry: { type: 'LineString', coordinates } });
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
      line(ring(E, N, E + 1000, N, E + 1000, N + 1000, E, N + 1000, E, N)), // closed: the licence boundary
      line(ring(E + 2000, N, E + 3000, N)), // an open line: a road, not an area
    ].map((f) => ({ type: 'Feature', ...f })) }));
    const dxf = join(dir.path, 'cad.dxf');
    execFileSync('ogr2ogr', ['-f', 'DXF', dxf, src], { stdio: 'pipe' });
    const r = inspectLayer(await readLayer(dxf), { crs: crsFromEpsg(4527) });
    expect(r).toMatchObject({ format: 'dxf', feature_count: 1, verdict: 'warnings' });
    expect(r.notes.slice(0, 2)).toEqual([
      { level: 'warning', message: '1 Line String feature(s) left out, not polygons: #1' },
      { level: 'warning', message: '1 feature repaired on reading' },
    ]);
  });
});
