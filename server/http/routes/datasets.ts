/**
 * Datasets: upload (import with the validation report), list, one, confirm the CRS, features.
 */
import { join } from 'node:path';
import type { Express } from 'express';
import type { FeatureCollection } from 'geojson';
import { parseCrsArg } from '../../geo/crs.ts';
import type { ZoneType } from '../../screening/fields.ts';
import type { DatasetKind } from '../../store/store.ts';
import { actor, datasetOr404, param, type Context } from '../context.ts';
import { ApiError, badRequest } from '../errors.ts';
import { featureOf, lonLatFeatures } from '../geojson.ts';
import { datasetId } from '../ids.ts';
import { confirmDataset, DATASET_KINDS, importFile, type ImportResult } from '../import.ts';
import { settingsOf } from './settings.ts';
import { mainFile, receiveUpload } from '../uploads.ts';
import { datasetView } from '../views.ts';

/** Above this many features the GeoJSON endpoint refuses (413): the map uses tiles. */
export const MAX_GEOJSON_FEATURES = 5000;

const DIVISION = /^\d{6}(\d{3}(\d{3})?)?$/;

function checkCrs(text: string, field: string): void {
  try {
    parseCrsArg(text);
  } catch (err) {
    throw badRequest(`${field}: ${(err as Error).message}`);
  }
}

export function datasetRoutes(app: Express, ctx: Context): void {
  app.post('/api/datasets', async (req, res) => {
    const upload = await receiveUpload(req, res, ctx.uploadDir, ctx.maxUploadBytes);
    let imported: ImportResult;
    // the upload is removed before the answer goes out: whoever reads the answer finds nothing left
    try {
      const f = upload.fields;
      const kind = f.kind === undefined || f.kind === '' ? undefined : f.kind;
      if (kind !== undefined && !(DATASET_KINDS as readonly string[]).includes(kind)) {
        throw badRequest(`kind=${kind}: expected ${DATASET_KINDS.join(', ')}`);
      }
      if (f.crs) checkCrs(f.crs, 'crs');
      const zoneType = f.zone_type === undefined || f.zone_type === '' ? null : f.zone_type;
      if (zoneType !== null && zoneType !== 'redline' && zoneType !== 'nature_reserve') {
        throw badRequest(`zone_type=${zoneType}: expected redline or nature_reserve`);
      }
      const division = f.division || (await settingsOf(ctx.store)).division_code;
      if (!DIVISION.test(division)) throw badRequest(`division=${division}: an administrative division code has 6 digits (e.g. 130899)`);
      const file = mainFile(upload.files);
      imported = await importFile(ctx.store, join(upload.dir, file.filename), {
        ...(kind ? { kind: kind as DatasetKind } : {}),
        ...(f.crs ? { crs: f.crs } : {}),
        ...(f.layer ? { layer: f.layer } : {}),
        ...(f.encoding ? { encoding: f.encoding } : {}),
        zoneType: zoneType as ZoneType | null,
        division,
        by: actor(req),
      });
    } finally {
      await upload.remove();
    }
    res.status(201).json({ id: datasetId(imported.dataset.id), status: imported.status, report: imported.report });
  });

  app.get('/api/datasets', async (req, res) => {
    const kind = typeof req.query.kind === 'string' && req.query.kind !== '' ? req.query.kind : undefined;
    if (kind !== undefined && !(DATASET_KINDS as readonly string[]).includes(kind)) throw badRequest(`kind=${kind}: expected ${DATASET_KINDS.join(', ')}`);
    const division = typeof req.query.division === 'string' && req.query.division !== '' ? req.query.division : undefined;
    if (division !== undefined && !/^\d{1,12}$/.test(division)) throw badRequest(`division=${division}: expected digits (a prefix of a division code)`);
    const summaries = await ctx.store.listDatasets({ ...(kind ? { kind: kind as DatasetKind } : {}), ...(division ? { division } : {}) });
    const items = [];
    for (const s of summaries) {
      const ds = await ctx.store.getDataset(s.id);
      if (ds) items.push(datasetView(ds));
    }
    res.json({ items });
  });

  app.get('/api/datasets/:id', async (req, res) => {
    res.json(datasetView(await datasetOr404(ctx, param(req, 'id'))));
  });

  app.post('/api/datasets/:id/confirm', async (req, res) => {
    const ds = await datasetOr404(ctx, param(req, 'id'));
    const crs: unknown = (req.body as { crs?: unknown } | undefined)?.crs;
    if (typeof crs !== 'string' || crs.trim() === '') throw badRequest('give the CRS as JSON { "crs": "EPSG:4527" }');
    checkCrs(crs, 'crs');
    const updated = await confirmDataset(ctx.store, ds.id, crs, actor(req));
    // the lon/lat of every feature changed with the CRS
    ctx.tiles.invalidate(`ds:${ds.id}:`);
    res.json(datasetView(updated));
  });

  app.get('/api/datasets/:id/features', async (req, res) => {
    const ds = await datasetOr404(ctx, param(req, 'id'));
    if (ds.featureCount > MAX_GEOJSON_FEATURES) {
      throw new ApiError(413, 'too_large', `${datasetId(ds.id)} has ${ds.featureCount} features, more than ${MAX_GEOJSON_FEATURES}: use its vector tiles (/api/tiles/${datasetId(ds.id)}.json)`);
    }
    const features = (await lonLatFeatures(ctx.store, ds)).map((f) => featureOf(f, { ...f.source.attributes, feature_index: f.index }));
    const fc: FeatureCollection = { type: 'FeatureCollection', features: features as FeatureCollection['features'] };
    res.type('application/geo+json').send(JSON.stringify(fc));
  });
}
