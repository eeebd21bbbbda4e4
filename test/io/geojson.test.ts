import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../server/errors.ts';
import { readLayer } from '../../server/io/layer.ts';
import { signedArea2 } from '../../server/io/rings.ts';
import { NAMES, geojson, makeTempDir, square } from './fixtures.ts';
import type { Position, SourceFeature } from './fixtures.ts';

const tmp = makeTempDir('geojson');
afterAll(tmp.cleanup);

const features: SourceFeature[] = [
  { properties: { code: 'K-1', 名称: NAMES.mine, 面积: 1.5 }, geometry: { type: 'Polygon', coordinates: [square(116, 39, 1), square(116.2, 39.2, 0.2)] } },
  { properties: { code: 'K-2', 名称: NAMES.redline, 面积: null }, geometry: null },
  {
    properties: { code: 'K-3', 名称: NAMES.reserve, 面积: 3 },
    geometry: { type: 'MultiPolygon', coordinates: [[square(118, 30, 1)], [square(120, 30, 1)]] },
  },
];
/** GDAL's RFC 7946 writer: lon/lat, exteriors counter-clockwise, ids from the "code" field. */
const rfc = (name: string, f: SourceFeature[] = features): string => geojson(tmp.dir, name, f, ['-lco', 'RFC7946=YES', '-lco', 'ID_FIELD=code']);

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

/** Derives a damaged copy of a real file by a text replacement (which must apply). */
function derive(path: string, name: string, edit: (text: string) => string): string {
  const text = readFileSync(path, 'utf8');
  const out = edit(text);
  expect(out).not.toBe(text);
  const target = join(tmp.dir, name);
  writeFileSync(target, out);
  return target;
}

describe('GeoJSON written by ogr2ogr', () => {
  it('reads a FeatureCollection: polygons, holes, multipolygons, null geometry, properties', async () => {
    const path = rfc('basic');
    const layer = await readLayer(path);
    expect(layer).toMatchObject({ source: path, name: 'basic', kind: 'polygon', crsHint: 4326, prj: null });
    expect(layer.encoding).toEqual({ name: 'utf-8', how: 'format' });
    expect(layer.fields).toEqual(['名称', '面积']);
    expect(layer.features.map((f) => f.attributes)).toEqual([
      { 名称: NAMES.mine, 面积: 1.5 },
      { 名称: NAMES.redline, 面积: null },
      { 名称: NAMES.reserve, 面积: 3 },
    ]);
    expect(layer.features[1].geometry).toBeNull();
    expect(layer.features[0].geometry?.map((p) => p.length)).toEqual([2]);
    expect(layer.features[2].geometry?.map((p) => p.length)).toEqual([1, 1]);
    expect(layer.bbox).toEqual([116, 30, 121, 40]);
    expect(layer.files).toHaveLength(1);
    expect(layer.files[0]).toMatchObject({ path, bytes: readFileSync(path).length });
  });

  it('rewinds RFC 7946 rings to the project convention: exterior clockwise, holes counter-clockwise', async () => {
    const g = (await readLayer(rfc('wind'))).features[0].geometry;
    expect(g?.[0].map((r) => Math.sign(signedArea2(r)))).toEqual([-1, 1]);
  });

  it('the legacy "crs" member gives the EPSG code (EPSG:4490, Gauss-Krüger EPSG:4527)', async () => {
    const cgcs = geojson(tmp.dir, 'cgcs', features, ['-a_srs', 'EPSG:4490', '-lco', 'RFC7946=NO']);
    expect(readFileSync(cgcs, 'utf8')).toContain('urn:ogc:def:crs:EPSG::4490');
    expect((await readLayer(cgcs)).crsHint).toBe(4490);
    const gk = geojson(tmp.dir, 'gk', [{ properties: {}, geometry: { type: 'Polygon', coordinates: [square(39_500_000, 3_000_000, 100)] } }], ['-a_srs', 'EPSG:4527']);
    expect((await readLayer(gk)).crsHint).toBe(4527);
    const unknown = derive(cgcs, 'odd-crs.geojson', (t) => t.replace('urn:ogc:def:crs:EPSG::4490', 'my-local-grid'));
    expect((await readLayer(unknown)).crsHint).toBeNull();
  });

  it('a single Feature, a bare geometry, and the .json extension', async () => {
    const fc = JSON.parse(readFileSync(rfc('parts'), 'utf8')) as { features: Array<{ geometry: unknown }> };
    const feature = join(tmp.dir, 'feature.json');
    writeFileSync(feature, JSON.stringify(fc.features[0]));
    const f = await readLayer(feature);
    expect(f.name).toBe('feature');
    expect(f.features.map((x) => x.attributes)).toEqual([{ 名称: NAMES.mine, 面积: 1.5 }]);
    const geometry = join(tmp.dir, 'geometry.geojson');
    writeFileSync(geometry, JSON.stringify(fc.features[2].geometry));
    const g = await readLayer(geometry);
    expect(g.fields).toEqual([]);
    expect(g.features[0].geometry).toHaveLength(2);
  });

  it('GBK-encoded GeoJSON (saved by Chinese desktop tools) is detected', async () => {
    const utf8 = readFileSync(rfc('to-gbk'), 'utf8');
    const path = join(tmp.dir, 'gbk.geojson');
    writeFileSync(path, iconv.encode(utf8, 'gbk'));
    const layer = await readLayer(path);
    expect(layer.encoding).toEqual({ name: 'gb18030', how: 'detected' });
    expect(layer.features.map((f) => f.attributes.名称)).toEqual([NAMES.mine, NAMES.redline, NAMES.reserve]);
    expect((await readLayer(path, { encoding: 'GBK' })).encoding).toEqual({ name: 'gbk', how: 'option' });
  });

  it('point and line layers are reported by kind', async () => {
    const pts = rfc('pts', [{ properties: { code: 'P' }, geometry: { type: 'Point', coordinates: [116, 39] } }]);
    expect((await readLayer(pts)).kind).toBe('point');
    const lines = rfc('lines', [{ properties: { code: 'L' }, geometry: { type: 'LineString', coordinates: [[116, 39], [117, 40]] } }]);
    expect((await readLayer(lines)).kind).toBe('line');
  });
});

describe('GeoJSON input errors name the file, the feature (index and id) and the reason', () => {
  it('truncated JSON', async () => {
    const path = rfc('cut');
    writeFileSync(path, readFileSync(path).subarray(0, 300));
    expect((await inputError(readLayer(path))).message).toBe(`${path}: not valid JSON: it ends in the middle (truncated?)`);
  });

  it('a JSON syntax error, with line and column', async () => {
    const path = derive(rfc('syntax'), 'syntax-broken.geojson', (t) => t.replace('"name": "syntax.src",', '"name": "syntax.src"'));
    expect((await inputError(readLayer(path))).message).toBe(`${path}: not valid JSON (line 4, column 1): Expected ',' or '}' after property value`);
  });

  it('JSON that is not GeoJSON', async () => {
    const path = derive(rfc('nottype'), 'nottype-broken.geojson', (t) => t.replace('"type": "FeatureCollection"', '"type": "Collection"'));
    expect((await inputError(readLayer(path))).message).toBe(`${path}: not GeoJSON: unknown type "Collection"`);
    const arr = derive(rfc('arr'), 'array.geojson', (t) => `[${t}]`);
    expect((await inputError(readLayer(arr))).message).toMatch(/not GeoJSON: expected an object with a "type"/);
  });

  it('empty file, and a file of blanks', async () => {
    const path = join(tmp.dir, 'empty.geojson');
    writeFileSync(path, '');
    expect((await inputError(readLayer(path))).message).toBe(`${path}: the file is empty (0 bytes)`);
    writeFileSync(path, '\n  \n');
    expect((await inputError(readLayer(path))).message).toBe(`${path}: the file is empty (no JSON in it)`);
  });

  it('a ring with fewer than 4 points', async () => {
    const bad: Position[] = [[116, 39], [117, 39], [116, 39]];
    const path = rfc('short', [features[0], { properties: { code: 'K-9' }, geometry: { type: 'Polygon', coordinates: [bad] } }]);
    const e = await inputError(readLayer(path));
    expect(e.feature).toEqual({ index: 1, id: 'K-9' });
    expect(e.message).toBe(`${path}: feature #1 (K-9): ring 0: a ring needs at least 4 points (3 distinct vertices) but has 3`);
  });

  it('infinite coordinates (1e999) and non-numeric positions', async () => {
    const src = rfc('inf');
    const inf = derive(src, 'inf-broken.geojson', (t) => t.replace('[ 121.0, 31.0 ]', '[ 121.0, 1e999 ]'));
    expect((await inputError(readLayer(inf))).message).toBe(`${inf}: feature #2 (K-3): polygon 1, ring 0: vertex 2 has a non-finite coordinate (121, Infinity)`);
    const str = derive(src, 'str-broken.geojson', (t) => t.replace('[ 117.0, 39.0 ]', '[ "117.0", 39.0 ]'));
    expect((await inputError(readLayer(str))).message).toBe(`${str}: feature #0 (K-1): ring 0, position 1 is not [x, y] numbers: ["117.0",39]`);
  });

  it('mixed geometry kinds, and GeometryCollection', async () => {
    const mixed = rfc('mixed', [features[0], { properties: { code: 'L-1' }, geometry: { type: 'LineString', coordinates: [[116, 39], [117, 40]] } }]);
    expect((await inputError(readLayer(mixed))).message).toBe(`${mixed}: feature #1 (L-1): mixes geometry kinds: LineString here, polygon from feature #0 on`);
    const gc = derive(rfc('gc'), 'gc-broken.geojson', (t) =>
      t.replace(/"geometry": (\{ "type": "Polygon".*?\] \] \] \})/, '"geometry": { "type": "GeometryCollection", "geometries": [ $1 ] }'));
    expect((await inputError(readLayer(gc))).message).toBe(`${gc}: feature #0 (K-1): GeometryCollection is not supported`);
  });

  it('an unsupported file type', async () => {
    const path = join(tmp.dir, 'mines.mif');
    writeFileSync(path, 'Version 300');
    expect((await inputError(readLayer(path))).message).toMatch(`${path}: unsupported file type ".mif": expected .shp, .zip`);
  });
});
