/**
 * The sample county's outline (data/sample/county_outline.geojson): the offline basemap of the
 * web app draws it under the data layers, so a new user sees where the county is without any
 * tile server. Synthetic like the rest of the sample: an irregular ring around every layer of
 * the county, deterministic (fixed seed).
 *   node --import tsx scripts/make-outline.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fractalRing } from './lib/fractal.ts';
import { Rng } from './lib/prng.ts';
import { closeRing, toGeometry } from './lib/rings.ts';
import { readLayer } from '../server/io/layer.ts';
import { resolveLayerCrs } from '../server/io/layer-crs.ts';
import { toLonLat } from '../server/geo/projection.ts';
import { multiPolygonBBox } from '../server/geo/bbox.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = path.join(root, 'data', 'sample');
const county = JSON.parse(fs.readFileSync(path.join(sample, 'county.json'), 'utf8')) as { county: { name: string; code: string } };

/** Lon/lat extent of every sample layer. */
async function extent(): Promise<[number, number, number, number]> {
  let box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const name of ['licences', 'redline', 'nature_reserve', 'reserve_blocks']) {
    const layer = await readLayer(path.join(sample, `${name}.shp`));
    const t = toLonLat(resolveLayerCrs(layer, null, '--crs').crs);
    for (const f of layer.features) {
      if (!f.geometry) continue;
      const [a, b, c, d] = multiPolygonBBox(f.geometry.map((p) => p.map((r) => t(r))));
      box = [Math.min(box[0], a), Math.min(box[1], b), Math.max(box[2], c), Math.max(box[3], d)];
    }
  }
  return box;
}

const [minX, minY, maxX, maxY] = await extent();
const cx = (minX + maxX) / 2;
const cy = (minY + maxY) / 2;
const ring = fractalRing(new Rng(20241123), 600, 0.12);
// Grow the unit ring until it holds the whole extent with a margin (the boundary is the county's).
let scale = 0.3;
let lonlat: number[] = [];
const corners = toGeometry([[closeRing([minX, minY, maxX, minY, maxX, maxY, minX, maxY])]]);
for (;; scale *= 1.03) {
  lonlat = ring.map((v, i) => (i % 2 === 0 ? cx + v * scale * (maxX - minX) : cy + v * scale * (maxY - minY)));
  if (toGeometry([[closeRing(lonlat)]]).contains(corners.buffer(0.01, 8))) break;
}
const coordinates = [[...Array.from({ length: lonlat.length / 2 }, (_, i) => [lonlat[2 * i], lonlat[2 * i + 1]]), [lonlat[0], lonlat[1]]]
  .map(([x, y]) => [Number(x.toFixed(6)), Number(y.toFixed(6))])];
const out = {
  type: 'FeatureCollection',
  name: 'county_outline',
  crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } },
  features: [{ type: 'Feature', properties: { name: county.county.name, division_code: county.county.code }, geometry: { type: 'Polygon', coordinates } }],
};
fs.writeFileSync(path.join(sample, 'county_outline.geojson'), JSON.stringify(out) + '\n');
console.log(`county_outline.geojson: ${lonlat.length / 2} vertices, scale ${scale.toFixed(2)}`);
