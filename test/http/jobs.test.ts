import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, startRun, startServer } from '../../server/http/serve.ts';
import { openStore } from '../../server/store/sqlite-store.ts';
import { tempDir } from '../helpers/gdal-fixtures.ts';
import { datasetInput, licenceLayer, zoneLayer } from '../store/helpers.ts';
import { call, readEvents, runToEnd, SAMPLE, startService, upload, type Service } from './helpers.ts';

/**
 * Runs as jobs: they live in the store, so a restart recovers them (a run left running is failed,
 * a queued one is screened), an event stream gives the current state at once, a county large
 * enough for worker processes streams its progress, and an input the screening refuses fails the
 * run with the importer's reason. Also the plain functions `redline serve` uses on a first start.
 */

type Body = Record<string, any>;

describe('after a restart', () => {
  const tmp = tempDir('redline-http-restart-');
  afterAll(() => tmp.remove());

  it('a run left running is failed, a queued one is screened; importFile and startRun work without HTTP', async () => {
    const dataDir = join(tmp.path, 'data');
    mkdirSync(dataDir, { recursive: true });
    const store = await openStore(join(dataDir, 'redline.gpkg'));
    const lic = await importFile(store, join(SAMPLE, 'licences.shp'));
    const red = await importFile(store, join(SAMPLE, 'redline.shp'), { division: '130899' });
    expect([lic.dataset.kind, lic.status, lic.dataset.name]).toEqual(['licences', 'ready', 'licences.shp']);
    expect([red.dataset.kind, red.status, red.dataset.divisionCode]).toEqual(['zones', 'ready', '130899']);
    const input = { licences: lic.dataset.id, zones: [red.dataset.id], reserves: null, options: { sliver_m2: 1 } };
    const queued = await store.createRun(input, 'test');
    const running = await store.createRun(input, 'test');
    await store.startRun(running.id);
    await store.close();

    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, handleSignals: false });
    try {
      expect(await server.ready).toEqual({ failed: [running.id], requeued: [queued.id] });
      expect((await server.jobs.waitFor(queued.id)).status).toBe('done');
      const base = `http://127.0.0.1:${server.port}`;
      const failed = await call<Body>(base, 'GET', `/api/runs/run_${running.id}`);
      expect(failed.body).toMatchObject({ status: 'failed', error: expect.stringContaining('interrupted'), counts: null });
      const events = await readEvents(base, `run_${running.id}`);
      expect(events.map((e) => e.event)).toEqual(['failed']);

      const again = await startRun(server.jobs, { licences: `ds_${lic.dataset.id}`, zones: [red.dataset.id] });
      expect((await server.jobs.waitFor(again.id)).status).toBe('done');
      const rows = async (id: number): Promise<unknown> => (await call<Body>(base, 'GET', `/api/runs/run_${id}/results?limit=100`)).body.items;
      expect(await rows(again.id)).toEqual(await rows(queued.id));
    } finally {
      await server.close();
    }
  });
});

describe('a running service', () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(async () => svc?.stop());

  it('streams the state of a queued run at once', async () => {
    const store = svc.server.store;
    const lic = await store.createDataset(datasetInput('licences', licenceLayer(3)), 'test');
    const zones = await store.createDataset(datasetInput('zones', zoneLayer()), 'test');
    // created behind the jobs' back, so it stays queued while we look
    const run = await store.createRun({ licences: lic.id, zones: [zones.id], reserves: null, options: {} }, 'test');
    const events = await readEvents(svc.base, `run_${run.id}`, 1);
    expect(events).toEqual([{ event: 'progress', data: { done: 0, total: 0 } }]);
    expect((await call<Body>(svc.base, 'GET', `/api/runs/run_${run.id}`)).body).toMatchObject({ status: 'queued', counts: null });
    await store.failRun(run.id, 'test over');
  });

  it('screens a county of 300 licences in worker processes, with progress on the stream', async () => {
    const store = svc.server.store;
    const lic = await store.createDataset(datasetInput('licences', licenceLayer(300)), 'test');
    const zones = await store.createDataset(datasetInput('zones', zoneLayer()), 'test');
    const { id, events } = await runToEnd(svc.base, { licences: `ds_${lic.id}`, zones: [`ds_${zones.id}`] });
    const last = events[events.length - 1];
    expect(last.event).toBe('done');
    const counts = last.data.counts as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(300);
    const progress = events.slice(0, -1);
    // 300 licences in worker processes report in batches: some progress before the end
    expect(progress.length).toBeGreaterThan(0);
    let previous = 0;
    for (const e of progress) {
      expect(e.event).toBe('progress');
      const { done, total } = e.data as { done: number; total: number };
      expect(done).toBeGreaterThanOrEqual(previous);
      expect(done).toBeLessThanOrEqual(Math.max(total, 0));
      previous = done;
    }
    expect(progress.at(-1)?.data).toMatchObject({ done: 300, total: 300 });
    const page = await call<Body>(svc.base, 'GET', `/api/runs/${id}/results?limit=1&status=whole`);
    expect(page.body.total).toBe(counts.whole);
  });

  it('fails a run whose licences the screening refuses, with the reason naming file and feature', async () => {
    const file = join(svc.dir, 'nullshape.geojson');
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { licence_id: 'C-EMPTY' }, geometry: null },
        { type: 'Feature', properties: { licence_id: 'C-OK' }, geometry: { type: 'Polygon', coordinates: [[[117.2, 40.4], [117.21, 40.4], [117.21, 40.41], [117.2, 40.41], [117.2, 40.4]]] } },
      ],
    }));
    const lic = await upload<Body>(svc.base, '/api/datasets', [file], { kind: 'licences' });
    expect(lic.body.status).toBe('ready');
    const zones = await upload<Body>(svc.base, '/api/datasets', [join(SAMPLE, 'redline.shp'), join(SAMPLE, 'redline.shx'), join(SAMPLE, 'redline.dbf'), join(SAMPLE, 'redline.prj')]);
    const { events } = await runToEnd(svc.base, { licences: lic.body.id, zones: [zones.body.id] });
    const last = events[events.length - 1];
    expect(last.event).toBe('failed');
    expect(last.data).toMatchObject({ status: 'failed', error: 'nullshape.geojson: feature #0 (C-EMPTY): the licence has no geometry (null shape)' });
  });
});
