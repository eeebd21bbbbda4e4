import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, runToEnd, SAMPLE, sampleZip, startService, upload, withApp, type Service } from './helpers.ts';

/**
 * Uploads the way they go wrong in a bureau: a shapefile without .prj (a CRS to confirm before
 * screening), broken and multi-layer files (422 with the importer's one line, nothing stored),
 * a shapefile sent as its parts; and the small endpoints (features, settings, health, OpenAPI).
 */

const BROKEN = join(import.meta.dirname, '..', 'fixtures', 'broken');
type Body = Record<string, any>;

let svc: Service;
let zips: string;
const uploadsLeft = (): string[] => readdirSync(join(svc.dir, 'data', 'uploads'));
const datasetCount = async (): Promise<number> => (await call<{ items: unknown[] }>(svc.base, 'GET', '/api/datasets')).body.items.length;

beforeAll(async () => {
  svc = await startService();
  zips = join(svc.dir, 'zips');
});
afterAll(async () => svc?.stop());

describe('a licence layer without .prj', () => {
  it('is stored as needs_crs with the suggestion, refused by a run (409), confirmed, then screened like the one with .prj', async () => {
    const noPrj = await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, 'licences', { prj: false, name: 'licences-noprj.zip' })]);
    expect(noPrj.status, JSON.stringify(noPrj.body)).toBe(201);
    expect(noPrj.body.status).toBe('needs_crs');
    expect(noPrj.body.report.crs).toMatchObject({ status: 'suggested', epsg: 4527, confirm: 'crs EPSG:4527' });
    const id = noPrj.body.id as string;
    expect((await call<Body>(svc.base, 'GET', `/api/datasets/${id}`)).body).toMatchObject({
      kind: 'licences', status: 'needs_crs', crs: { epsg: 4527, status: 'suggested' },
    });
    const zones = (await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, 'redline')])).body.id as string;

    const refused = await call<Body>(svc.base, 'POST', '/api/runs', { licences: id, zones: [zones] });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('crs_unconfirmed');
    expect(refused.body.message).toContain(id);

    // lon/lat does not fit 8-digit eastings: the CLI's check, as a 422
    const wrong = await call<Body>(svc.base, 'POST', `/api/datasets/${id}/confirm`, { crs: 'EPSG:4490' });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'unreadable_file', message: expect.stringContaining('not longitude/latitude') });
    expect((await call(svc.base, 'POST', `/api/datasets/${id}/confirm`, { crs: 'Gauss zone 39' })).status).toBe(400);

    const ok = await call<Body>(svc.base, 'POST', `/api/datasets/${id}/confirm`, { crs: 'EPSG:4527' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id, status: 'ready', crs: { epsg: 4527, status: 'found' } });

    const withPrj = (await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, 'licences')])).body.id as string;
    const a = await runToEnd(svc.base, { licences: id, zones: [zones] });
    const b = await runToEnd(svc.base, { licences: withPrj, zones: [zones] });
    expect(a.events.at(-1)?.event).toBe('done');
    const rows = async (run: string): Promise<Body[]> => (await call<{ items: Body[] }>(svc.base, 'GET', `/api/runs/${run}/results?limit=100`)).body.items;
    expect(await rows(a.id)).toEqual(await rows(b.id));
  });

  it('is ready at once when the upload names its CRS', async () => {
    const r = await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, 'licences', { prj: false, name: 'given.zip' })], { crs: 'EPSG:4527', kind: 'licences' });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('ready');
    expect(r.body.report.crs).toMatchObject({ status: 'found', source: 'flag', epsg: 4527 });
  });
});

describe('a file that cannot be read', () => {
  it('is a 422 with the importer\'s message naming the file, and nothing is stored', async () => {
    const before = await datasetCount();
    const r = await upload<Body>(svc.base, '/api/datasets', [join(BROKEN, 'geojson', 'truncated.geojson')]);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ code: 'unreadable_file', message: 'truncated.geojson: not valid JSON: it ends in the middle (truncated?)' });
    const shp = await upload<Body>(svc.base, '/api/datasets', [join(BROKEN, 'zip', 'no-shx.zip')]);
    expect(shp.status).toBe(422);
    expect(shp.body.message).toBe('no-shx.zip/d/mines.shp: the index file mines.shx is missing (a shapefile needs .shp, .shx and .dbf)');
    const points = await upload<Body>(svc.base, '/api/datasets', [join(BROKEN, 'geojson', 'points.geojson')], { kind: 'zones' });
    expect(points.status).toBe(422);
    expect(points.body.message).toBe('points.geojson: holds point geometries; redline needs polygons here');
    expect(await datasetCount()).toBe(before);
    expect(uploadsLeft()).toEqual([]);
  });

  it('is a 422 listing the layers when a multi-layer source comes without `layer`; with it, it imports', async () => {
    const two = join(BROKEN, 'zip', 'two.zip');
    const r = await upload<Body>(svc.base, '/api/datasets', [two]);
    expect(r.status).toBe(422);
    expect(r.body.message).toBe('two.zip: the zip holds 2 shapefiles, pick one with the "layer" field: 红线/zones.shp, 矿权/mines.shp');
    const gpkg = await upload<Body>(svc.base, '/api/datasets', [join(BROKEN, 'gdal', 'two-layers.gpkg')]);
    expect(gpkg.status).toBe(422);
    expect(gpkg.body.message).toContain('licences (3 Polygon), zones (1 Polygon)');
    const picked = await upload<Body>(svc.base, '/api/datasets', [two], { layer: '矿权/mines.shp' });
    expect(picked.status, JSON.stringify(picked.body)).toBe(201);
    expect(picked.body.report).toMatchObject({ layer: 'mines', feature_count: 3 });
  });

  it('is a 400 for a bad form field', async () => {
    const zip = sampleZip(zips, 'redline');
    expect((await upload<Body>(svc.base, '/api/datasets', [zip], { kind: 'roads' })).status).toBe(400);
    expect((await upload<Body>(svc.base, '/api/datasets', [zip], { crs: 'EPSG:1' })).body.code).toBe('bad_request');
    expect((await upload<Body>(svc.base, '/api/datasets', [], { kind: 'zones' })).status).toBe(400);
    expect(uploadsLeft()).toEqual([]);
  });
});

describe('a shapefile sent as its parts', () => {
  it('imports from the .shp with its .shx, .dbf and .prj, kind and zone type from the form', async () => {
    const parts = ['.shp', '.shx', '.dbf', '.prj'].map((e) => join(SAMPLE, `nature_reserve${e}`));
    const r = await upload<Body>(svc.base, '/api/datasets', parts, { kind: 'zones', division: '130899' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const ds = (await call<Body>(svc.base, 'GET', `/api/datasets/${r.body.id}`)).body;
    expect(ds).toMatchObject({ name: 'nature_reserve.shp', kind: 'zones', feature_count: 3, division_code: '130899', status: 'ready' });
    expect(uploadsLeft()).toEqual([]);
  });
});

describe('features as GeoJSON', () => {
  it('are in lon/lat with their attributes and feature_index', async () => {
    const id = (await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, 'reserve_blocks')])).body.id as string;
    const r = await call<Body>(svc.base, 'GET', `/api/datasets/${id}/features`);
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('FeatureCollection');
    expect(r.body.features).toHaveLength(224);
    const f = r.body.features[5];
    expect(f.properties.feature_index).toBe(5);
    expect(typeof f.properties['许可证号']).toBe('string');
    const [lon, lat] = f.geometry.coordinates[0][0][0] as number[];
    expect(lon).toBeGreaterThan(116.9);
    expect(lat).toBeLessThan(40.8);
  });
});

describe('settings', () => {
  it('has defaults, takes changes (checked), and gives new uploads its division code', async () => {
    expect((await call(svc.base, 'GET', '/api/settings')).body).toEqual({ basemap_url: null, division_code: '000000', language: 'zh' });
    const put = await call(svc.base, 'PUT', '/api/settings', { division_code: '130899', basemap_url: 'https://tiles.example/{z}/{x}/{y}.png' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ basemap_url: 'https://tiles.example/{z}/{x}/{y}.png', division_code: '130899', language: 'zh' });
    expect((await call(svc.base, 'PUT', '/api/settings', { division_code: '13' })).status).toBe(400);
    expect((await call(svc.base, 'PUT', '/api/settings', { theme: 'dark' })).status).toBe(400);
    const r = await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, 'redline', { name: 'redline-2.zip' })]);
    expect((await call<Body>(svc.base, 'GET', `/api/datasets/${r.body.id}`)).body.division_code).toBe('130899');
  });

  it('refuses a JSON body over 1 MB with 413', async () => {
    const r = await call(svc.base, 'PUT', '/api/settings', { basemap_url: `https://x/${'a'.repeat(1_100_000)}` });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'too_large' });
  });
});

describe('upload limit', () => {
  it('refuses a file over REDLINE_MAX_UPLOAD_MB with 413 and keeps nothing', async () => {
    await withApp(() => ({ maxUploadMb: 0.01 }), async ({ base, dir, store }) => {
      const r = await upload<Body>(base, '/api/datasets', [sampleZip(dir, 'redline')]);
      expect(r.status).toBe(413);
      expect(r.body.code).toBe('too_large');
      expect(readdirSync(join(dir, 'uploads'))).toEqual([]);
      expect(await store.listDatasets()).toEqual([]);
    });
  });
});

describe('the web app', () => {
  it('is served at / with index.html for the app\'s own routes, beside the API', async () => {
    await withApp((dir) => {
      const web = join(dir, 'dist');
      mkdirSync(join(web, 'assets'), { recursive: true });
      writeFileSync(join(web, 'index.html'), '<!doctype html><title>redline</title>');
      writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
      const outlines = join(dir, 'outlines.geojson');
      writeFileSync(outlines, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"燕岭县"},"geometry":null}]}');
      return { webDist: web, outlines };
    }, async ({ base }) => {
      for (const path of ['/', '/runs/run_1']) {
        const r = await fetch(base + path);
        expect(r.status, path).toBe(200);
        expect(await r.text()).toContain('<title>redline</title>');
      }
      expect(await (await fetch(`${base}/assets/app.js`)).text()).toBe('console.log(1)');
      expect((await call(base, 'GET', '/api/nope')).body).toMatchObject({ code: 'not_found' });
      expect((await call<Body>(base, 'GET', '/api/basemap/outlines.geojson')).body.features[0].properties.name).toBe('燕岭县');
    });
  });
});

describe('health and the OpenAPI document', () => {
  it('says the service is up, with its version', async () => {
    const r = await call(svc.base, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('documents every route the app registers', async () => {
    const doc = (await call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(svc.base, 'GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const stack = (svc.server.app.router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack;
    const routes = stack.flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => [m, l.route!.path] as const) : []));
    expect(routes.length).toBeGreaterThan(20);
    for (const [method, path] of routes) {
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[openApiPath]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented.sort()).toEqual(routes.map(([m, p]) => `${m} ${p.replace(/:(\w+)/g, '{$1}')}`).sort());
  });

  it('serves an empty outline collection without an outlines file', async () => {
    const r = await call(svc.base, 'GET', '/api/basemap/outlines.geojson');
    expect(r.body).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
