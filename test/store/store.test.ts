import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crsFromEpsg } from '../../server/geo/crs.ts';
import { toLonLat } from '../../server/geo/projection.ts';
import { readLayer } from '../../server/io/layer.ts';
import { inspectLayer } from '../../server/io/report.ts';
import { screen } from '../../server/screening/screen.ts';
import type { LayerInput } from '../../server/screening/types.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import { StoreError, type Dataset, type Store } from '../../server/store/store.ts';
import { SAMPLE_DIR } from '../helpers/county.ts';
import { GK39, datasetInput, licenceLayer, screeningResult, tempDir, zoneLayer } from './helpers.ts';

const tmp = tempDir('roundtrip');
afterAll(() => tmp.cleanup());

describe('datasets', () => {
  let store: SqliteStore;
  const path = join(tmp.dir, 'datasets.gpkg');
  beforeAll(() => {
    store = SqliteStore.open(path);
  });
  afterAll(() => store.close());

  it('gives back every feature as imported: the same doubles, attributes with Chinese, CRS and report', async () => {
    const layer = licenceLayer(500);
    layer.features[7] = { ...layer.features[7], repairs: ['ring 0: 1 repeated vertices removed'] };
    layer.features[9] = { ...layer.features[9], geometry: null };
    const input = datasetInput('licences', layer);
    const d = await store.createDataset(input, '张三');
    expect(d).toMatchObject({ kind: 'licences', name: 'licences', divisionCode: '330110', featureCount: 500, createdBy: '张三', crs: { epsg: GK39, confirmed: true, swapped: false } });
    expect(d.report).toEqual(JSON.parse(JSON.stringify(input.report)));
    const { features: _f, ...meta } = layer;
    expect(d.layer).toEqual(meta);
    const back = await store.features(d.id);
    expect(back).toHaveLength(500);
    back.forEach((f, i) => {
      const orig = layer.features[i];
      expect(f.index).toBe(orig.index);
      expect(f.attributes).toEqual(orig.attributes);
      expect(f.geometry).toEqual(orig.geometry);
      expect(f.points).toBeUndefined();
      expect(f.repairs).toEqual(orig.repairs);
    });
    expect(back[3].attributes.矿山名称).toBe('余杭区第3号采石场');
    // the lon/lat box is the transformed coordinates' box
    const t = toLonLat(crsFromEpsg(GK39));
    const ll = t(layer.features[0].geometry?.[0][0] as Float64Array);
    expect(d.bboxLonLat?.[0]).toBeLessThanOrEqual(Math.min(ll[0], ll[2], ll[4]));
    expect(d.bboxLonLat?.[0]).toBeGreaterThan(116.5);
  });

  it('fills the key columns from the default field names, zones named as the screening names them', async () => {
    const d = await store.createDataset(datasetInput('zones', zoneLayer()), '李四');
    const db = new Database(path, { readonly: true });
    try {
      const row = db.prepare('SELECT zone_id, zone_name, zone_type, division_code FROM zones WHERE dataset_id = ?').get(d.id);
      expect(row).toEqual({ zone_id: 'HX-001', zone_name: '西溪湿地红线', zone_type: 'redline', division_code: '330110' });
      const lic = db.prepare("SELECT licence_id, name FROM licences WHERE feature_index = 3").get();
      expect(lic).toEqual({ licence_id: 'C33010620000003', name: '余杭区第3号采石场' });
    } finally {
      db.close();
    }
    expect((await store.features(d.id))[0].geometry?.[0]).toHaveLength(2);
  });

  it('keeps a suggested CRS unconfirmed, without lon/lat until confirmed, then recomputes it', async () => {
    const unknown = await store.createDataset(datasetInput('licences', licenceLayer(3, 'no-prj'), null, false), 'w');
    expect(unknown.crs).toEqual({ epsg: null, confirmed: false, swapped: false });
    expect(unknown.bboxLonLat).toBeNull();
    const confirmed = await store.confirmCrs(unknown.id, { epsg: GK39 }, '王五');
    expect(confirmed.crs).toEqual({ epsg: GK39, confirmed: true, swapped: false });
    expect(confirmed.bboxLonLat?.[0]).toBeGreaterThan(116.5);
    const audit = await store.audit({ entity: `dataset:${unknown.id}` });
    expect(audit.items.map((a) => a.action)).toEqual(['dataset.create', 'dataset.confirm_crs']);
    expect(audit.items[1]).toMatchObject({ actor: '王五', before: { crs: { epsg: null, confirmed: false } }, after: { crs: { epsg: GK39, confirmed: true } } });
  });

  it('swaps northing-first coordinates for the lon/lat layer only: the source stays as in the file', async () => {
    const layer = licenceLayer(2, 'swapped');
    layer.features = layer.features.map((f) => ({ ...f, geometry: f.geometry && f.geometry.map((p) => p.map((r) => r.map((_, i) => r[i % 2 === 0 ? i + 1 : i - 1]))) }));
    const d = await store.createDataset({ ...datasetInput('licences', layer), crs: { epsg: GK39, confirmed: true, swapped: true } }, 'w');
    expect(d.bboxLonLat?.[0]).toBeGreaterThan(116.5);
    expect(d.bboxLonLat?.[1]).toBeGreaterThan(40);
    expect((await store.features(d.id))[1].geometry).toEqual(layer.features[1].geometry);
  });

  it('stores facility points losslessly', async () => {
    const layer = { ...licenceLayer(2, 'facilities'), kind: 'point' as const };
    const points = [Float64Array.from([39_500_000.5, 4_470_000.25]), null];
    layer.features = layer.features.map((f, i) => ({
      ...f, geometry: null, attributes: { licence_id: 'C1', 名称: '选矿厂' }, ...(points[i] ? { points: points[i] } : {}),
    }));
    const d = await store.createDataset(datasetInput('facilities', layer), 'w');
    const back = await store.features(d.id);
    expect(back[0].points).toEqual(points[0]);
    expect(back[1].points).toBeUndefined();
    expect(back[0].geometry).toBeNull();
  });

  it('refuses what it cannot store, and the failed call leaves nothing', async () => {
    const before = (await store.listDatasets()).length;
    const bad = async (p: Promise<unknown>, code: StoreError['code'], text: RegExp): Promise<void> => {
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(code);
      expect((err as StoreError).message).toMatch(text);
    };
    await bad(store.createDataset({ ...datasetInput('licences', licenceLayer(2)), divisionCode: '3301' }, 'w'), 'invalid', /division code/);
    await bad(store.createDataset(datasetInput('licences', licenceLayer(2), 9999), 'w'), 'invalid', /EPSG:9999/);
    await bad(store.createDataset(datasetInput('licences', licenceLayer(2)), ' '), 'invalid', /who made the change/);
    await bad(store.confirmCrs(12345, { epsg: GK39 }, 'w'), 'not_found', /no dataset 12345/);
    expect(await store.listDatasets()).toHaveLength(before);
    expect((await store.listDatasets({ division: '3301' })).length).toBe(before);
    expect(await store.listDatasets({ division: '4401' })).toEqual([]);
  });
});

describe('runs and results', () => {
  let store: Store;
  let licences: Dataset;
  let zones: Dataset;
  beforeAll(async () => {
    store = SqliteStore.open(join(tmp.dir, 'runs.gpkg'));
    licences = await store.createDataset(datasetInput('licences', licenceLayer(10)), 'a');
    zones = await store.createDataset(datasetInput('zones', zoneLayer()), 'a');
  });
  afterAll(() => store.close());

  it('gives back a saved screening result exactly', async () => {
    const run = await store.createRun({ licences: licences.id, zones: [zones.id], reserves: null, options: { sliverM2: 1 } }, '张三');
    expect(run).toMatchObject({ status: 'queued', divisionCode: '330110', zones: [zones.id], createdBy: '张三' });
    await store.startRun(run.id);
    await store.runProgress(run.id, 3, 40);
    expect((await store.getRun(run.id))?.progress).toEqual({ done: 3, total: 40 });
    const result = screeningResult(40);
    const done = await store.finishRun(run.id, result);
    expect(done).toMatchObject({ status: 'done', progress: { done: 40, total: 40 }, summary: { counts: { none: 8, touch: 8, sliver: 8, partial: 8, whole: 8 }, warnings: ['a run warning'] } });
    expect(await store.result(run.id)).toEqual(result);
    const exits = await store.exitRanges(run.id);
    expect(exits).toHaveLength(16);
    expect(exits[0]).toEqual({ licenceId: 'C0003', name: '第3号矿', status: 'partial', exitAreaEllipsoidal: 300.25, exitRatio: 3 / 39, geometry: result.licences[3].exitRangeLonLat });
    await expect(store.finishRun(run.id, result)).rejects.toThrow(/is done, not running/);
  });

  it('refuses a run on a dataset whose CRS is only suggested, or of the wrong kind', async () => {
    const suggested = await store.createDataset(datasetInput('licences', licenceLayer(2), GK39, false), 'a');
    await expect(store.createRun({ licences: suggested.id, zones: [zones.id], reserves: null, options: null }, 'a')).rejects.toThrow(/only suggested; confirm it first/);
    await expect(store.createRun({ licences: zones.id, zones: [zones.id], reserves: null, options: null }, 'a')).rejects.toThrow(/holds zones, not licences/);
  });

  it('stores a real screening of the sample county read back from the store', async () => {
    const ids: Record<string, number> = {};
    for (const [name, kind] of [['licences', 'licences'], ['redline', 'zones'], ['nature_reserve', 'zones'], ['reserve_blocks', 'reserves']] as const) {
      const layer = await readLayer(join(SAMPLE_DIR, `${name}.shp`));
      const report = inspectLayer(layer);
      const epsg = report.crs.status === 'found' ? report.crs.epsg : null;
      ids[name] = (await store.createDataset({ kind, name, divisionCode: '110228', layer, crs: { epsg, confirmed: true, swapped: false }, report }, 'a')).id;
    }
    const input = async (id: number): Promise<LayerInput> => {
      const d = (await store.getDataset(id)) as Dataset;
      return { source: d.layer.source, name: d.layer.name, crs: crsFromEpsg(d.crs.epsg as number), fields: d.layer.fields, features: await store.features(id) };
    };
    const fromFile = async (name: string): Promise<LayerInput> => {
      const layer = await readLayer(join(SAMPLE_DIR, `${name}.shp`));
      const epsg = inspectLayer(layer).crs;
      return { source: layer.source, name: layer.name, crs: crsFromEpsg(epsg.status === 'found' ? (epsg.epsg as number) : 0), fields: layer.fields, features: layer.features };
    };
    const run = await store.createRun({ licences: ids.licences, zones: [ids.redline, ids.nature_reserve], reserves: ids.reserve_blocks, options: {} }, 'a');
    await store.startRun(run.id);
    const result = await screen({ licences: await input(ids.licences), zones: [await input(ids.redline), await input(ids.nature_reserve)], reserves: await input(ids.reserve_blocks), workers: 0 });
    // the store's copy screens exactly like the files
    const direct = await screen({ licences: await fromFile('licences'), zones: [await fromFile('redline'), await fromFile('nature_reserve')], reserves: await fromFile('reserve_blocks'), workers: 0 });
    expect(result.licences.map((l) => [l.licenceId, l.exitAreaEllipsoidal])).toEqual(direct.licences.map((l) => [l.licenceId, l.exitAreaEllipsoidal]));
    await store.finishRun(run.id, result);
    const back = await store.result(run.id);
    expect(back).toEqual({ ...result, licences: result.licences.map((l) => ({ ...l, exitRangeJson: null, remainingRangeJson: null })) });
    expect((await store.exitRanges(run.id)).length).toBe(result.licences.filter((l) => l.exitRangeLonLat.length > 0).length);
  });
});
