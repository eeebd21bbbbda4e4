import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLayer } from '../../server/io/layer.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * Point layers (facilities): every reader gives the points in Feature.points, x,y pairs, in
 * file order with null shapes kept in their place, from files GDAL wrote.
 */
const dir = tempDir('redline-points-');
afterAll(dir.remove);
const at = (name: string): string => join(dir.path, name);

const SOURCE = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { 名称: '选矿厂' }, geometry: { type: 'Point', coordinates: [39500100.5, 4470100.25] } },
    { type: 'Feature', properties: { 名称: '无位置' }, geometry: null },
    { type: 'Feature', properties: { 名称: '尾矿库' }, geometry: { type: 'Point', coordinates: [39500200, 4470200] } },
  ],
};
const MULTI = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: { 名称: '两处' }, geometry: { type: 'MultiPoint', coordinates: [[39500300, 4470300], [39500400, 4470400]] } }],
};

function points(layer: Awaited<ReturnType<typeof readLayer>>): (number[] | null)[] {
  return layer.features.map((f) => (f.points ? Array.from(f.points) : null));
}

describe('point layers', () => {
  writeFileSync(at('src.geojson'), JSON.stringify(SOURCE));
  writeFileSync(at('multi.geojson'), JSON.stringify(MULTI));
  const want = [[39500100.5, 4470100.25], null, [39500200, 4470200]];

  it('GeoJSON: Point and MultiPoint', async () => {
    const layer = await readLayer(at('src.geojson'));
    expect(layer.kind).toBe('point');
    expect(points(layer)).toEqual(want);
    expect(layer.bbox).toEqual([39500100.5, 4470100.25, 39500200, 4470200]);
    expect(points(await readLayer(at('multi.geojson')))).toEqual([[39500300, 4470300, 39500400, 4470400]]);
  });

  it('a GBK shapefile (points and multipoints), with the names intact', async () => {
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=CP936', '-a_srs', 'EPSG:4527', at('fac.shp'), at('src.geojson')], { stdio: 'pipe' });
    const layer = await readLayer(at('fac.shp'));
    expect(layer.kind).toBe('point');
    expect(points(layer)).toEqual(want);
    expect(layer.features.map((f) => f.attributes.名称)).toEqual(['选矿厂', '无位置', '尾矿库']);
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', at('multi.shp'), at('multi.geojson')], { stdio: 'pipe' });
    expect(points(await readLayer(at('multi.shp')))).toEqual([[39500300, 4470300, 39500400, 4470400]]);
  });

  it('a GeoPackage through GDAL: a layer of points is a point layer, not polygons left out', async () => {
    execFileSync('ogr2ogr', ['-f', 'GPKG', '-a_srs', 'EPSG:4527', at('fac.gpkg'), at('src.geojson'), '-nln', 'facilities'], { stdio: 'pipe' });
    const layer = await readLayer(at('fac.gpkg'));
    expect(layer.kind).toBe('point');
    expect(layer.notes).toBeUndefined();
    expect(points(layer)).toEqual(want);
    expect(layer.crsHint).toBe(4527);
  });
});
