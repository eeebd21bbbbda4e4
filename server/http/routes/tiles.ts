/**
 * Map layers: a run's exit ranges and remaining parts as GeoJSON, and vector tiles of datasets
 * and of those run layers.
 */
import type { Express, Request, Response } from 'express';
import type { FeatureCollection } from 'geojson';
import { datasetOr404, doneResult, param, runOr404, type Context } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { featureOf, lonLatFeatures, lonLatTransform } from '../geojson.ts';
import { datasetId } from '../ids.ts';
import { encodeTile, keyProperties, MAX_ZOOM, RUN_LAYERS, runLayerFeatures, SOURCE_LAYER, type RunLayer, type TileIndex } from '../tiles.ts';

function runLayer(req: Request): RunLayer {
  const layer = param(req, 'layer');
  if (!(RUN_LAYERS as readonly string[]).includes(layer)) throw notFound(`no run layer "${layer}": layers are ${RUN_LAYERS.join(', ')}`);
  return layer as RunLayer;
}

function tileAddress(req: Request): { z: number; x: number; y: number } {
  const [z, x, y] = ['z', 'x', 'y'].map((k) => Number(param(req, k)));
  if (![z, x, y].every(Number.isInteger) || z < 0 || z > 24 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) {
    throw badRequest(`no tile ${param(req, 'z')}/${param(req, 'x')}/${param(req, 'y')}: z from 0 to 24, x and y from 0 to 2^z − 1`);
  }
  return { z, x, y };
}

function sendTile(res: Response, index: TileIndex, a: { z: number; x: number; y: number }): void {
  const bytes = encodeTile(index, a.z, a.x, a.y);
  // the data behind a URL changes only when a CRS is confirmed: a short cache is safe
  res.set('Cache-Control', 'private, max-age=60');
  if (!bytes) {
    res.status(204).end();
    return;
  }
  res.type('application/x-protobuf').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function tileRoutes(app: Express, ctx: Context): void {
  app.get('/api/runs/:id/layers/:layer.geojson', async (req, res) => {
    const run = await runOr404(ctx, param(req, 'id'));
    const layer = runLayer(req);
    const fc: FeatureCollection = { type: 'FeatureCollection', features: runLayerFeatures(await doneResult(ctx, run), layer) };
    res.type('application/geo+json').send(JSON.stringify(fc));
  });

  app.get('/api/tiles/:dataset.json', async (req, res) => {
    const ds = await datasetOr404(ctx, param(req, 'dataset'));
    const fields = ds.kind === 'zones' ? ['zone_id', 'zone_name', 'zone_type'] : ds.kind === 'reserves' ? ['licence_id', 'block_id'] : ds.kind === 'licences' ? ['licence_id', 'name'] : ['licence_id'];
    res.json({
      tilejson: '3.0.0',
      name: ds.name,
      bounds: ds.bboxLonLat ?? [-180, -85.0511, 180, 85.0511],
      minzoom: 0,
      maxzoom: MAX_ZOOM,
      tiles: [`/api/tiles/${datasetId(ds.id)}/{z}/{x}/{y}.pbf`],
      vector_layers: [{ id: SOURCE_LAYER, fields: Object.fromEntries(['feature_index', ...fields].map((f) => [f, f === 'feature_index' ? 'Number' : 'String'])) }],
    });
  });

  app.get('/api/tiles/:dataset/:z/:x/:y.pbf', async (req, res) => {
    const ds = await datasetOr404(ctx, param(req, 'dataset'));
    const address = tileAddress(req);
    lonLatTransform(ds); // 409 before any work when the dataset has no CRS
    const key = `ds:${ds.id}:${ds.crs.epsg}:${ds.crs.swapped}`;
    const index = await ctx.tiles.index(key, async () => {
      const props = keyProperties(ds);
      return (await lonLatFeatures(ctx.store, ds)).map((f) => featureOf(f, props(f)));
    });
    sendTile(res, index, address);
  });

  app.get('/api/runs/:id/tiles/:layer/:z/:x/:y.pbf', async (req, res) => {
    const run = await runOr404(ctx, param(req, 'id'));
    const layer = runLayer(req);
    const address = tileAddress(req);
    const result = await doneResult(ctx, run);
    const index = await ctx.tiles.index(`run:${run.id}:${layer}`, async () => runLayerFeatures(result, layer));
    sendTile(res, index, address);
  });
}
