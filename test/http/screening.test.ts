import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv, runCli } from '../helpers/gdal-fixtures.ts';
import { call, readEvents, runToEnd, SAMPLE, sampleZip, startService, upload, USER, type Service, type SseEvent } from './helpers.ts';
import { decodeTile, positions, tileOf } from './mvt.ts';

/**
 * The sample county through the service, as the web app drives it: zipped shapefiles uploaded,
 * a run followed over server-sent events, and its results checked against `redline screen` on
 * the same files.
 */

type Row = Record<string, unknown> & { licence_id: string; status: string; zone_ids: string[]; warnings: string[] };
interface Page { total: number; counts: Record<string, number>; items: Row[] }

const MINE = 'C1300002008112320041924'; // partial in both zone types, 12 reserve blocks
const NUMBERS = ['licence_area_plane_m2', 'licence_area_ellipsoidal_m2', 'exit_area_plane_m2', 'exit_area_ellipsoidal_m2', 'exit_ratio'];

let svc: Service;
const ids: Record<string, string> = {};
let run: { id: string; events: SseEvent[] };
let cli: Record<string, string>[];
const cliOut = (): string => join(svc.dir, 'cli');

beforeAll(async () => {
  svc = await startService();
  for (const stem of ['licences', 'redline', 'nature_reserve', 'reserve_blocks']) {
    const r = await upload<{ id: string; status: string }>(svc.base, '/api/datasets', [sampleZip(join(svc.dir, 'zips'), stem)]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids[stem] = r.body.id;
  }
  run = await runToEnd(svc.base, { licences: ids.licences, zones: [ids.redline, ids.nature_reserve], reserves: ids.reserve_blocks });
  const r = runCli(['screen', '--licences', join(SAMPLE, 'licences.shp'), '--zones', join(SAMPLE, 'redline.shp'),
    '--zones', join(SAMPLE, 'nature_reserve.shp'), '--reserves', join(SAMPLE, 'reserve_blocks.shp'), '--remaining', '--out', cliOut()]);
  expect(r.code, r.stderr).toBe(0);
  cli = readCsv(readFileSync(join(cliOut(), 'screening.csv'), 'utf8'));
});

afterAll(async () => svc?.stop());

describe('datasets uploaded as zipped shapefiles', () => {
  it('are imported with the validation report, kinds from the file names, and who uploaded them', async () => {
    const r = await call<{ items: Record<string, unknown>[] }>(svc.base, 'GET', '/api/datasets');
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.body.items.map((d) => [d.name as string, d]));
    expect(Object.keys(byName).sort()).toEqual(['licences.zip', 'nature_reserve.zip', 'redline.zip', 'reserve_blocks.zip']);
    expect(byName['licences.zip']).toMatchObject({
      id: ids.licences, kind: 'licences', format: 'shapefile', feature_count: 60, status: 'ready', division_code: '000000', created_by: USER,
      crs: { epsg: 4527, status: 'found' },
    });
    expect(byName['redline.zip']).toMatchObject({ kind: 'zones', crs: { epsg: 4490, status: 'found' } });
    expect(byName['reserve_blocks.zip']).toMatchObject({ kind: 'reserves', feature_count: 224 });
    const report = (byName['licences.zip'] as { report: Record<string, unknown> }).report;
    // the report of `redline inspect --json`: the bow tie is the one invalid licence
    expect(report).toMatchObject({ feature_count: 60, verdict: 'errors', encoding: { how: 'detected' }, crs: { status: 'found', epsg: 4527 } });
    expect((report.invalid_geometries as { id: string }[]).map((g) => g.id)).toEqual(['C1300002019012120034940']);
    expect(report.source).toBe('licences.zip');
  });
});

describe('a run', () => {
  it('is followed over server-sent events to done, with the Run', () => {
    const last = run.events[run.events.length - 1];
    expect(last.event).toBe('done');
    for (const e of run.events.slice(0, -1)) expect(e.event).toBe('progress');
    expect(last.data).toMatchObject({
      id: run.id, status: 'done', progress: { done: 60, total: 60 }, error: null, licences: ids.licences,
      zones: [ids.redline, ids.nature_reserve], reserves: ids.reserve_blocks, zone_types: ['nature_reserve', 'redline'],
    });
    expect(last.data.counts).toEqual({ whole: 8, partial: 28, sliver: 1, touch: 1, none: 22 });
  });

  it('gives the current state at once to a stream opened later (a reloaded page)', async () => {
    const again = await readEvents(svc.base, run.id);
    expect(again.map((e) => e.event)).toEqual(['done']);
    expect(again[0].data).toEqual(run.events[run.events.length - 1].data);
    const listed = await call<{ items: { id: string; status: string }[] }>(svc.base, 'GET', '/api/runs');
    expect(listed.body.items.find((r) => r.id === run.id)?.status).toBe('done');
  });

  it('gives the same results as redline screen on the same files: statuses, areas, zones, in file order', async () => {
    const r = await call<Page>(svc.base, 'GET', `/api/runs/${run.id}/results?limit=10000`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(60);
    expect(r.body.items.map((x) => x.licence_id)).toEqual(cli.map((c) => c.licence_id));
    r.body.items.forEach((row, i) => {
      const c = cli[i];
      expect(Object.keys(row).sort()).toEqual([
        'decision', 'exit_area_ellipsoidal_m2', 'exit_area_plane_m2', 'exit_ratio', 'licence_area_ellipsoidal_m2', 'licence_area_plane_m2',
        'licence_id', 'licence_type', 'name', 'remaining_parts', 'status', 'warnings', 'zone_ids',
      ]);
      expect(row.status, row.licence_id).toBe(c.status);
      expect(row.name).toBe(c.name);
      for (const col of NUMBERS) {
        const want = Number(c[col]);
        expect(Math.abs((row[col] as number) - want), `${row.licence_id} ${col}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      }
      expect(row.remaining_parts).toBe(Number(c.remaining_parts));
      expect(row.zone_ids.join(';')).toBe(c.zone_ids);
      expect(row.warnings.join(' | ')).toBe(c.warnings);
      expect(row.licence_type).toBe(row.licence_id.startsWith('C') ? 'mining' : 'exploration');
    });
  });

  it('filters, counts, sorts and pages its results', async () => {
    const get = async (q: string): Promise<Page> => {
      const r = await call<Page>(svc.base, 'GET', `/api/runs/${run.id}/results?${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    const all = (await get('limit=10000')).items;
    const exits = await get('status=partial,whole&limit=100');
    expect(exits.total).toBe(36);
    expect(exits.items.every((x) => x.status === 'partial' || x.status === 'whole')).toBe(true);
    // counts ignore the status filter, so the buttons can show what each would give
    expect(exits.counts).toEqual({ whole: 8, partial: 28, sliver: 1, touch: 1, none: 22 });
    const ratio = await get('min_ratio=0.5&max_ratio=0.9&limit=100');
    expect(ratio.total).toBe(all.filter((x) => (x.exit_ratio as number) >= 0.5 && (x.exit_ratio as number) <= 0.9).length);
    expect(ratio.total).toBeGreaterThan(0);
    const zone = all.find((x) => x.zone_ids.length > 0)?.zone_ids[0] as string;
    const inZone = await get(`zone=${encodeURIComponent(zone)}&limit=100`);
    expect(inZone.items.map((x) => x.licence_id)).toEqual(all.filter((x) => x.zone_ids.includes(zone)).map((x) => x.licence_id));
    expect((await get('licence_type=exploration')).total).toBe(15);
    const mining = await get('licence_type=mining&status=whole');
    expect(mining.counts.whole + mining.counts.partial + mining.counts.none + mining.counts.sliver + mining.counts.touch).toBe(45);
    expect(mining.items.length).toBe(mining.counts.whole);
    expect(mining.items.every((x) => x.status === 'whole' && x.licence_type === 'mining')).toBe(true);
    const iron = await get(`q=${encodeURIComponent('铁矿')}&limit=100`);
    expect(iron.total).toBe(all.filter((x) => (x.name as string).includes('铁矿')).length);
    expect(iron.total).toBeGreaterThan(0);
    expect(iron.items.every((x) => (x.name as string).includes('铁矿'))).toBe(true);
    expect((await get(`q=${MINE.slice(0, 12)}`)).items.some((x) => x.licence_id === MINE)).toBe(true);
    const sorted = (await get('sort=exit_area_plane_m2&order=desc&limit=10000')).items.map((x) => x.exit_area_plane_m2 as number);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    const page = await get('sort=licence_id&limit=7&offset=7');
    const ordered = [...all].sort((a, b) => a.licence_id.localeCompare(b.licence_id, 'zh'));
    expect(page.total).toBe(60);
    expect(page.items.map((x) => x.licence_id)).toEqual(ordered.slice(7, 14).map((x) => x.licence_id));
    const bad = await call(svc.base, 'GET', `/api/runs/${run.id}/results?status=exited`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'bad_request' });
    expect((await call(svc.base, 'GET', `/api/runs/${run.id}/results?limit=0`)).status).toBe(400);
  });
});

describe('a case', () => {
  it('has the row, the zones and reserve blocks of the CLI files, and the geometry in lon/lat', async () => {
    const r = await call<Record<string, any>>(svc.base, 'GET', `/api/runs/${run.id}/cases/${MINE}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const c = r.body;
    expect(c.licence).toMatchObject({ licence_id: MINE, status: 'partial', licence_type: 'mining', decision: null });
    const zones = readCsv(readFileSync(join(cliOut(), 'zone_overlaps.csv'), 'utf8')).filter((z) => z.licence_id === MINE);
    expect(c.zones.map((z: Record<string, unknown>) => z.zone_id)).toEqual(zones.map((z) => z.zone_id));
    expect(c.zones.map((z: Record<string, unknown>) => z.overlap_area_plane_m2)).toEqual(zones.map((z) => Number(z.overlap_area_plane_m2)));
    const blocks = readCsv(readFileSync(join(cliOut(), 'reserves.csv'), 'utf8')).filter((b) => b.licence_id === MINE);
    expect(c.blocks).toHaveLength(12);
    expect(c.blocks.map((b: Record<string, unknown>) => [b.block_id, b.exit_fraction])).toEqual(blocks.map((b) => [b.block_id, Number(b.exit_fraction)]));
    for (const key of ['licence', 'exit_range', 'remaining_range']) expect(c.geometry[key].type).toBe('MultiPolygon');
    const [minLon, minLat, maxLon, maxLat] = c.bbox as number[];
    expect(minLon).toBeGreaterThan(116.9);
    expect(maxLon).toBeLessThan(117.7);
    expect(minLat).toBeGreaterThan(40.2);
    expect(maxLat).toBeLessThan(40.8);
    for (const [lon, lat] of positions(c.geometry.exit_range.coordinates)) {
      expect(lon).toBeGreaterThanOrEqual(minLon - 1e-9);
      expect(lat).toBeLessThanOrEqual(maxLat + 1e-9);
    }
    expect(c.finance).toBeNull();
    expect(c.compensation).toBeNull();
  });

  it('records a decision in the audit log, with before, after and who', async () => {
    const path = `/api/runs/${run.id}/cases/${MINE}`;
    const first = await call(svc.base, 'PUT', `${path}/decision`, { exit_kind: 'partial', reviewed: false, note: '待核实' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ exit_kind: 'partial', reviewed: false, note: '待核实', by: USER });
    const second = await call(svc.base, 'PUT', `${path}/decision`, { exit_kind: 'whole', reviewed: true, note: '整体退出', by: 'ignored: the header names the user' });
    expect(second.body).toMatchObject({ exit_kind: 'whole', reviewed: true, by: USER });
    const audit = await call<{ items: Record<string, any>[] }>(svc.base, 'GET', `${path}/audit`);
    expect(audit.body.items.map((a) => a.action)).toEqual(['case.open', 'case.decide', 'case.decide']);
    const last = audit.body.items[2];
    expect(last.by).toBe(USER);
    expect(last.before).toMatchObject({ exitKind: 'partial', reviewed: false, note: '待核实', decidedBy: USER });
    expect(last.after).toMatchObject({ exitKind: 'whole', reviewed: true, note: '整体退出' });
    const row = (await call<Page>(svc.base, 'GET', `/api/runs/${run.id}/results?q=${MINE}`)).body.items[0];
    expect(row.decision).toMatchObject({ exit_kind: 'whole', reviewed: true, by: USER });
    const c = await call<Record<string, any>>(svc.base, 'GET', path);
    expect(c.body.decision).toMatchObject({ exit_kind: 'whole' });
    expect(c.body.audit).toHaveLength(3);
    expect((await call(svc.base, 'PUT', `${path}/decision`, { exit_kind: 'most' })).status).toBe(400);
  });
});

describe('map layers', () => {
  it('gives the exit ranges and remaining parts as the CLI writes them', async () => {
    const cliFeatures = (name: string): number => (JSON.parse(readFileSync(join(cliOut(), name), 'utf8')) as { features: unknown[] }).features.length;
    const exits = await call<{ features: { properties: Record<string, unknown> }[] }>(svc.base, 'GET', `/api/runs/${run.id}/layers/exit_ranges.geojson`);
    expect(exits.status).toBe(200);
    expect(exits.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(exits.body.features).toHaveLength(cliFeatures('overlaps.geojson'));
    expect(Object.keys(exits.body.features[0].properties)).toEqual(expect.arrayContaining(['licence_id', 'status', 'exit_area_plane_m2']));
    const remaining = await call<{ features: unknown[] }>(svc.base, 'GET', `/api/runs/${run.id}/layers/remaining_parts.geojson`);
    expect(remaining.body.features).toHaveLength(cliFeatures('remaining.geojson'));
  });

  it('serves vector tiles that decode back to the features, and 204 where there are none', async () => {
    const tj = await call<Record<string, any>>(svc.base, 'GET', `/api/tiles/${ids.redline}.json`);
    expect(tj.body).toMatchObject({ minzoom: 0, maxzoom: 18, tiles: [`/api/tiles/${ids.redline}/{z}/{x}/{y}.pbf`] });
    const [w, s, e, n] = tj.body.bounds as number[];
    const z = 10;
    const { x, y } = tileOf((w + e) / 2, (s + n) / 2, z);
    const res = await fetch(`${svc.base}/api/tiles/${ids.redline}/${z}/${x}/${y}.pbf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const layers = decodeTile(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(layers)).toEqual(['features']);
    const layer = layers.features;
    expect(layer.version).toBe(2);
    expect(layer.length).toBeGreaterThan(0);
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      expect(f.type).toBe(3);
      expect(typeof f.properties.feature_index).toBe('number');
      expect(f.properties.zone_type).toBe('redline');
      expect(typeof f.properties.zone_id).toBe('string');
      for (const [lon, lat] of positions(f.toGeoJSON(x, y, z).geometry.coordinates)) {
        // within the layer's extent, give or take the tile buffer
        expect(lon).toBeGreaterThan(w - 0.05);
        expect(lat).toBeLessThan(n + 0.05);
      }
    }
    const far = tileOf(10, 10, z);
    expect((await fetch(`${svc.base}/api/tiles/${ids.redline}/${z}/${far.x}/${far.y}.pbf`)).status).toBe(204);
    expect((await fetch(`${svc.base}/api/tiles/${ids.redline}/3/9/1.pbf`)).status).toBe(400);
    const runTile = await fetch(`${svc.base}/api/runs/${run.id}/tiles/exit_ranges/8/${tileOf(117.3, 40.5, 8).x}/${tileOf(117.3, 40.5, 8).y}.pbf`);
    expect(runTile.status).toBe(200);
    const exitLayer = decodeTile(new Uint8Array(await runTile.arrayBuffer())).features;
    expect(exitLayer.length).toBeGreaterThan(0);
    expect(typeof exitLayer.feature(0).properties.licence_id).toBe('string');
  });
});

describe('errors', () => {
  it('are 404 with code not_found for what does not exist', async () => {
    for (const path of [
      '/api/datasets/ds_999', '/api/runs/run_999', '/api/runs/ds_1', '/api/runs/xyz/results', `/api/runs/${run.id}/cases/NO-SUCH-LICENCE`,
      `/api/runs/${run.id}/layers/roads.geojson`, '/api/tiles/ds_999/1/1/1.pbf', '/api/nothing-here', `/api/runs/run_999/events`,
    ]) {
      const r = await call(svc.base, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).toMatchObject({ code: 'not_found', message: expect.any(String) });
    }
    const r = await call(svc.base, 'POST', '/api/runs', { licences: 'ds_999', zones: [ids.redline] });
    expect(r.status).toBe(404);
  });

  it('are 400 for a run with datasets of the wrong kind', async () => {
    const r = await call(svc.base, 'POST', '/api/runs', { licences: ids.licences, zones: [ids.reserve_blocks] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'bad_request', message: expect.stringContaining('holds reserves, not zones') });
  });
});
