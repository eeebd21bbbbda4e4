import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { planeArea } from '../../server/geo/area.ts';
import { InputError } from '../../server/errors.ts';
import { readLayer, type Layer } from '../../server/io/layer.ts';
import { resolveLayerCrs } from '../../server/io/layer-crs.ts';
import { signedArea2 } from '../../server/io/rings.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * GeoPackage, File Geodatabase (folder and zipped), KML/KMZ, DXF and FlatGeobuf, each written by
 * GDAL's ogr2ogr from one GeoJSON, read back through readLayer: same features, attributes (GBK
 * names intact), areas and CRS whatever the container.
 */
const tmp = tempDir('redline-gdal-');
afterAll(tmp.remove);
const at = (name: string): string => join(tmp.path, name);

const MINE = '燕岭县北台沟铁矿';
const SOURCE = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature', properties: { licence_id: 'C001', name: MINE, elev_top: 1200 },
      // 1 km square with a 200 m right-triangle hole: 1,000,000 − 20,000 m²
      geometry: { type: 'Polygon', coordinates: [
        [[39500000, 4400000], [39501000, 4400000], [39501000, 4401000], [39500000, 4401000], [39500000, 4400000]],
        [[39500200, 4400200], [39500400, 4400200], [39500400, 4400400], [39500200, 4400200]],
      ] },
    },
    {
      type: 'Feature', properties: { licence_id: 'C002', name: '二号井', elev_top: null },
      geometry: { type: 'MultiPolygon', coordinates: [
        [[[39502000, 4400000], [39503000, 4400000], [39503000, 4401000], [39502000, 4400000]]],
        [[[39504000, 4400000], [39505000, 4400000], [39505000, 4401000], [39504000, 4400000]]],
      ] },
    },
  ],
};
const AREAS: Record<string, number> = { C001: 980_000, C002: 1_000_000 };
writeFileSync(at('src.geojson'), JSON.stringify(SOURCE));

function ogr2ogr(args: string[]): void {
  execFileSync('ogr2ogr', args, { stdio: 'pipe' });
}
const write = (driver: string, name: string, extra: string[] = []): string => {
  ogr2ogr(['-f', driver, at(name), at('src.geojson'), '-a_srs', 'EPSG:4527', '-nln', 'licences', '-nlt', 'MULTIPOLYGON', ...extra]);
  return at(name);
};

function byId(layer: Layer): Map<string, Layer['features'][number]> {
  return new Map(layer.features.map((f) => [String(f.attributes.licence_id), f]));
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('formats read through GDAL', () => {
  const cases: [string, () => string, Layer['format']][] = [
    ['GeoPackage', () => write('GPKG', 'a.gpkg'), 'geopackage'],
    ['File Geodatabase folder', () => write('OpenFileGDB', 'a.gdb'), 'filegdb'],
    ['FlatGeobuf', () => write('FlatGeobuf', 'a.fgb'), 'flatgeobuf'],
  ];
  it.each(cases)('%s: features, attributes, areas, orientation and CRS', async (_label, make, format) => {
    const layer = await readLayer(make());
    expect(layer).toMatchObject({ format, kind: 'polygon', name: 'licences', crsHint: 4527, encoding: { name: 'utf-8', how: 'format' } });
    expect(layer.fields).toEqual(['licence_id', 'name', 'elev_top']);
    expect(layer.bbox).toEqual([39500000, 4400000, 39505000, 4401000]);
    const f = byId(layer);
    expect(f.get('C001')?.attributes).toEqual({ licence_id: 'C001', name: MINE, elev_top: 1200 });
    expect(f.get('C002')?.attributes.elev_top).toBeNull();
    for (const [id, area] of Object.entries(AREAS)) expect(planeArea(f.get(id)?.geometry ?? [])).toBeCloseTo(area, 6);
    const c001 = f.get('C001')?.geometry ?? [];
    // the layer convention whatever GDAL wrote: exterior clockwise, hole counter-clockwise
    expect(signedArea2(c001[0][0])).toBeLessThan(0);
    expect(signedArea2(c001[0][1])).toBeGreaterThan(0);
    expect(resolveLayerCrs(layer, null, '--licence-crs')).toMatchObject({ epsg: 4527, source: 'prj', swapped: false });
    expect(layer.files.length).toBeGreaterThan(0);
    expect(layer.files.every((s) => /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
  });

  it('a zipped geodatabase, also nested in a folder, reads like the folder', async () => {
    write('OpenFileGDB', 'z.gdb');
    mkdirSync(at('nested/deeper'), { recursive: true });
    cpSync(at('z.gdb'), at('nested/deeper/z.gdb'), { recursive: true });
    execFileSync('zip', ['-qr', 'gdb.zip', 'z.gdb'], { cwd: tmp.path });
    execFileSync('zip', ['-qr', 'nested.zip', 'nested'], { cwd: tmp.path });
    for (const zip of ['gdb.zip', 'nested.zip']) {
      const layer = await readLayer(at(zip));
      expect(layer).toMatchObject({ format: 'filegdb', source: at(zip), features: expect.any(Array) });
      expect([...byId(layer).keys()].sort()).toEqual(['C001', 'C002']);
      expect(layer.files).toHaveLength(1);
    }
    cpSync(at('z.gdb'), at('nested/other.gdb'), { recursive: true });
    execFileSync('zip', ['-qr', 'two.zip', 'nested'], { cwd: tmp.path });
    expect((await inputError(readLayer(at('two.zip')))).reason).toMatch(/holds 2 geodatabases/);
  });

  it('a GeoPackage with several layers lists them; --layer picks one', async () => {
    const gpkg = write('GPKG', 'multi.gpkg');
    ogr2ogr(['-f', 'GPKG', gpkg, at('src.geojson'), '-a_srs', 'EPSG:4527', '-nln', 'zones', '-nlt', 'MULTIPOLYGON', '-update']);
    const err = await inputError(readLayer(gpkg));
    expect(err.message).toBe(`${gpkg}: holds 2 layers, pick one with --layer NAME: licences (2 Multi Polygon), zones (2 Multi Polygon)`);
    expect((await readLayer(gpkg, { layer: 'ZONES' })).name).toBe('zones');
    expect((await inputError(readLayer(gpkg, { layer: 'roads' }))).reason).toMatch(/^no layer "roads"; it holds: licences/);
  });

  it('KML and KMZ: lon/lat polygons with their names, CRS from the format', async () => {
    for (const [driver, name] of [['KML', 'a.kml'], ['LIBKML', 'a.kmz']]) {
      ogr2ogr(['-f', driver, at(name), at('src.geojson'), '-s_srs', 'EPSG:4527', '-t_srs', 'EPSG:4326']);
      const layer = await readLayer(at(name));
      expect(layer).toMatchObject({ format: 'kml', kind: 'polygon', crsHint: 4326 });
      expect(layer.features.map((f) => f.attributes.Name ?? f.attributes.name)).toEqual([MINE, '二号井']);
      const [minX, minY] = layer.bbox ?? [0, 0];
      expect(minX).toBeCloseTo(117, 6); // zone 39's central meridian: x = 500 km there
      expect(minY).toBeGreaterThan(39.7);
      expect(layer.features[1].geometry).toHaveLength(2);
    }
  });

  it('DXF: hatches and closed polylines are polygons, open lines and points are left out with a note', async () => {
    const lines = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[39500000, 4400000], [39501000, 4400000], [39501000, 4401000], [39500000, 4401000], [39500000, 4400000]] } },
        { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[39502000, 4400000], [39503000, 4400000], [39503000, 4401000]] } },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [39500500, 4400500] } },
      ],
    };
    writeFileSync(at('lines.geojson'), JSON.stringify(lines));
    ogr2ogr(['-f', 'DXF', at('lines.dxf'), at('lines.geojson')]);
    const layer = await readLayer(at('lines.dxf'));
    expect(layer).toMatchObject({ format: 'dxf', kind: 'polygon', crsHint: null, prj: null });
    expect(layer.features).toHaveLength(1);
    expect(planeArea(layer.features[0].geometry ?? [])).toBe(1_000_000);
    expect(layer.features[0].repairs).toEqual(['closed polyline read as a polygon']);
    expect(layer.notes).toEqual([
      '1 Line String feature(s) left out, not polygons: #1',
      '1 Point feature(s) left out, not polygons: #2',
    ]);
    // hatches: GDAL's DXF writer turns polygons into HATCH entities
    ogr2ogr(['-f', 'DXF', at('hatch.dxf'), at('src.geojson')]);
    const hatches = await readLayer(at('hatch.dxf'));
    expect(hatches.features.map((f) => planeArea(f.geometry ?? [])).reduce((a, b) => a + b, 0)).toBeCloseTo(1_980_000, 6);
  });

  it('curved edges (a geodatabase or GeoPackage arc) become chords within 1e-6 of the true area', async () => {
    writeFileSync(at('arc.csv'), 'WKT,name\n"CURVEPOLYGON(CIRCULARSTRING(39500000 4400000,39500500 4400500,39501000 4400000,39500500 4399500,39500000 4400000))",圆\n');
    ogr2ogr(['-f', 'GPKG', at('arc.gpkg'), at('arc.csv'), '-a_srs', 'EPSG:4527', '-nlt', 'CURVEPOLYGON', '-oo', 'GEOM_POSSIBLE_NAMES=WKT']);
    const layer = await readLayer(at('arc.gpkg'));
    expect(layer.features[0].attributes.name).toBe('圆');
    const area = planeArea(layer.features[0].geometry ?? []);
    expect(Math.abs(area / (Math.PI * 500 ** 2) - 1)).toBeLessThan(1e-6);
    expect(layer.notes).toEqual(['arcs (curved edges) approximated by chords every 0.1° of arc']);
  });

  it('bad GDAL sources: clear errors naming the file', async () => {
    writeFileSync(at('junk.gpkg'), 'not a geopackage at all');
    expect((await inputError(readLayer(at('junk.gpkg')))).reason).toMatch(/^not a readable GeoPackage file/);
    expect((await inputError(readLayer(at('missing.kml')))).reason).toBe('file not found');
    writeFileSync(at('file.gdb'), 'x');
    expect((await inputError(readLayer(at('file.gdb')))).reason).toMatch(/File Geodatabase is a folder/);
    writeFileSync(at('empty.fgb'), '');
    expect((await inputError(readLayer(at('empty.fgb')))).reason).toBe('the file is empty (0 bytes)');
    // a damaged geodatabase in a zip is named by the zip, never by the temporary folder it was opened from
    mkdirSync(at('broken.gdb'), { recursive: true });
    writeFileSync(join(at('broken.gdb'), 'a00000001.gdbtable'), 'not a table');
    execFileSync('zip', ['-qr', 'broken-gdb.zip', 'broken.gdb'], { cwd: tmp.path });
    const zipped = await inputError(readLayer(at('broken-gdb.zip')));
    expect(zipped.message).toBe(`${at('broken-gdb.zip')}: not a readable File Geodatabase file: damaged, cut off, or another format`);
  });
});

describe('CSV with a WKT column', () => {
  it('GBK or UTF-8, written by GDAL: geometry, typed attributes, ids with leading zeros kept as text', async () => {
    ogr2ogr(['-f', 'CSV', at('wkt-utf8.csv'), at('src.geojson'), '-lco', 'GEOMETRY=AS_WKT']);
    const utf8 = await readLayer(at('wkt-utf8.csv'));
    expect(utf8).toMatchObject({ format: 'csv-wkt', kind: 'polygon', crsHint: null, fields: ['licence_id', 'name', 'elev_top'] });
    expect(utf8.features.map((f) => [f.attributes.name, f.attributes.elev_top])).toEqual([[MINE, 1200], ['二号井', null]]);
    expect(utf8.features.map((f) => planeArea(f.geometry ?? []))).toEqual([980_000, 1_000_000]);
    // the same table saved by Excel on Chinese Windows: GBK, CRLF, an id column of "0012"
    const gbk = iconv.encode(`WKT,编号,名称\r\n"POLYGON ((39500000 4400000,39500000 4401000,39501000 4401000,39500000 4400000))",0012,${MINE}\r\n`, 'gbk');
    writeFileSync(at('wkt-gbk.csv'), gbk);
    const layer = await readLayer(at('wkt-gbk.csv'));
    expect(layer.encoding).toEqual({ name: 'gb18030', how: 'detected' });
    expect(layer.features[0].attributes).toEqual({ 编号: '0012', 名称: MINE });
    // 22-digit licence numbers are more digits than a double holds: they stay text, distinct
    writeFileSync(at('wkt-ids.csv'), 'WKT,许可证号\n"POLYGON ((0 0,1 0,1 1,0 0))",3301062010011120056789\n"POLYGON ((0 0,1 0,1 1,0 0))",3301062010011120056790\n');
    expect((await readLayer(at('wkt-ids.csv'))).features.map((f) => f.attributes.许可证号)).toEqual(['3301062010011120056789', '3301062010011120056790']);
    expect(signedArea2(layer.features[0].geometry![0][0])).toBeLessThan(0);
  });

  it('bad rows are named by line', async () => {
    writeFileSync(at('bad1.csv'), 'WKT,id\n"POLYGON ((0 0,1 0,1 1,0 0))",a\n"POLYGON ((0 0,1 0",b\n');
    expect((await inputError(readLayer(at('bad1.csv')))).message).toBe(`${at('bad1.csv')}: feature #1: line 3: not WKT: POLYGON ((0 0,1 0`);
    writeFileSync(at('bad2.csv'), 'WKT,id\n"POINT (1 2)",a\n');
    expect((await inputError(readLayer(at('bad2.csv')))).reason).toBe('line 2: POINT is not a polygon; redline reads polygon layers');
    writeFileSync(at('bad3.csv'), 'WKT,id\n"POLYGON ((0 0,1 0,1 1,0 0))",a,extra\n');
    expect((await inputError(readLayer(at('bad3.csv')))).reason).toBe('line 2 has 3 fields, the header 2');
  });
});
