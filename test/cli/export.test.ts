import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planeArea } from '../../server/geo/area.ts';
import { readLayer } from '../../server/io/layer.ts';
import { readCsv, runCli, tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * `redline export` on a real screening of the sample county; every file read back by GDAL
 * (ogr2ogr to GeoJSON), the way QGIS or ArcGIS would open it.
 */
const SAMPLE = join(import.meta.dirname, '..', '..', 'data', 'sample');
const dir = tempDir('redline-export-');
afterAll(dir.remove);
const at = (...p: string[]): string => join(dir.path, ...p);

interface GdalFeature { properties: Record<string, string | number | null>; geometry: { type: string; coordinates: number[][][][] } | null }
/** What GDAL reads from a file: its features as GeoJSON, and the layer's SRS as EPSG. */
function gdalRead(path: string, layer?: string, oo: string[] = []): { features: GdalFeature[]; epsg: string } {
  const json = execFileSync('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', path, ...oo, ...(layer ? [layer] : [])], { maxBuffer: 1 << 28 }).toString('utf8');
  const info = execFileSync('ogrinfo', ['-so', path, ...(layer ? [layer] : ['-al']), ...oo]).toString('utf8');
  const epsg = /ID\["EPSG",(\d+)\]\]\s*$/m.exec(info.split('Layer SRS WKT:')[1] ?? '')?.[1] ?? /AUTHORITY\["EPSG","(\d+)"\]\]\s*$/m.exec(info)?.[1] ?? '';
  return { features: (JSON.parse(json) as { features: GdalFeature[] }).features, epsg };
}

let screening: Record<string, string>[] = [];
let reserves: Record<string, string>[] = [];
const out = at('screening');

beforeAll(() => {
  for (const f of ['licences', 'redline', 'nature_reserve', 'reserve_blocks']) {
    for (const ext of ['shp', 'shx', 'dbf', 'prj']) cpSync(join(SAMPLE, `${f}.${ext}`), at('in', `${f}.${ext}`));
  }
  const r = runCli(['screen', '--licences', at('in', 'licences.shp'), '--zones', at('in', 'redline.shp'),
    '--zones', at('in', 'nature_reserve.shp'), '--reserves', at('in', 'reserve_blocks.shp'), '--remaining', '--out', out]);
  expect(r.code).toBe(0);
  screening = readCsv(readFileSync(join(out, 'screening.csv'), 'utf8'));
  reserves = readCsv(readFileSync(join(out, 'reserves.csv'), 'utf8'));
});

describe('redline export --screening', () => {
  it('licences to a GBK shapefile: input fields, screening columns under their DBF names, .cpg and .prj', () => {
    const r = runCli(['export', '--screening', out, '--layer', 'licences', '--to', at('shp', 'licences.shp')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: field licence_area_plane_m2 is lic_pl_m2 in the shapefile');
    expect(readFileSync(at('shp', 'licences.cpg'), 'utf8').trim()).toBe('CP936');
    const { features, epsg } = gdalRead(at('shp', 'licences.shp'));
    expect(epsg).toBe('4527');
    expect(features).toHaveLength(screening.length);
    features.forEach((f, i) => {
      const row = screening[i];
      // the sample's own fields (GBK, no .cpg on input) come out intact, beside the results
      expect(f.properties.许可证号).toBe(row.licence_id);
      expect(f.properties.矿山名称).toBe(row.name);
      expect(f.properties.status).toBe(row.status);
      expect(f.properties.exit_pl_m2).toBeCloseTo(Number(row.exit_area_plane_m2), 6);
      expect(f.properties.rem_parts).toBe(Number(row.remaining_parts));
    });
  });

  it('exit ranges and remaining parts in CGCS2000 lon/lat: GeoJSON, and a UTF-8 shapefile', () => {
    expect(runCli(['export', '--screening', out, '--layer', 'exit_ranges', '--to', at('x', 'exit.geojson')]).code).toBe(0);
    expect(runCli(['export', '--screening', out, '--layer', 'remaining_parts', '--to', at('x', 'remaining.shp'), '--encoding', 'UTF-8']).code).toBe(0);
    const exits = gdalRead(at('x', 'exit.geojson'));
    expect(exits.epsg).toBe('4490');
    const exiting = screening.filter((s) => Number(s.exit_area_plane_m2) > 0);
    expect(exits.features.map((f) => f.properties.licence_id).sort()).toEqual(exiting.map((s) => s.licence_id).sort());
    const rem = gdalRead(at('x', 'remaining.shp'));
    expect(readFileSync(at('x', 'remaining.cpg'), 'utf8').trim()).toBe('UTF-8');
    const partial = screening.filter((s) => s.status === 'partial');
    expect(rem.features.map((f) => [f.properties.licence_id, f.properties.name, f.properties.rem_parts]).sort())
      .toEqual(partial.map((s) => [s.licence_id, s.name, Number(s.remaining_parts)]).sort());
  });

  it('remaining + exit = the licence: areas of the exported layers add up in the licence plane', async () => {
    expect(runCli(['export', '--screening', out, '--layer', 'all', '--to', at('all.gpkg')]).code).toBe(0);
    const project = (layer: string): void => {
      // GDAL reprojects to the licences' zone; areas then compare with the screening's plane areas
      const json = execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4527', '/vsistdout/', at('all.gpkg'), layer], { maxBuffer: 1 << 28 }).toString('utf8');
      writeFileSync(at(`${layer}.geojson`), json);
    };
    project('exit_ranges');
    project('remaining_parts');
    const exit = await readLayer(at('exit_ranges.geojson'));
    const rem = await readLayer(at('remaining_parts.geojson'));
    const area = (l: typeof exit): Map<string, number> => new Map(l.features.map((f) => [String(f.attributes.licence_id), planeArea(f.geometry ?? [])]));
    const [e, m] = [area(exit), area(rem)];
    expect(m.size).toBe(screening.filter((x) => x.status === 'partial').length);
    for (const s of screening.filter((x) => x.status === 'partial')) {
      const sum = (e.get(s.licence_id) ?? 0) + (m.get(s.licence_id) ?? 0);
      expect(Math.abs(sum / Number(s.licence_area_plane_m2) - 1), s.licence_id).toBeLessThan(1e-6);
    }
    const layers = execFileSync('ogrinfo', ['-q', at('all.gpkg')]).toString('utf8');
    for (const l of ['licences', 'zones', 'exit_ranges', 'remaining_parts', 'reserve_blocks']) expect(layers).toContain(`: ${l} (Multi Polygon)`);
  });

  it('reserve blocks carry their exit shares; zones from both files in one layer', () => {
    expect(runCli(['export', '--screening', out, '--layer', 'reserve_blocks', '--to', at('r', 'blocks.gpkg')]).code).toBe(0);
    const blocks = gdalRead(at('r', 'blocks.gpkg'));
    const share = new Map(reserves.map((r) => [`${r.licence_id}/${r.block_id}`, Number(r.exit_fraction)]));
    const exported = blocks.features.filter((f) => f.properties.exit_fraction !== null);
    expect(exported).toHaveLength(reserves.length);
    for (const f of exported) expect(f.properties.exit_fraction).toBeCloseTo(share.get(`${f.properties.licence_id}/${f.properties.块段号}`) ?? NaN, 12);
    expect(runCli(['export', '--screening', out, '--layer', 'zones', '--to', at('r', 'zones.geojson')]).code).toBe(0);
    const zones = gdalRead(at('r', 'zones.geojson'));
    const sources = new Set(zones.features.map((f) => f.properties.zone_source));
    expect(sources).toEqual(new Set(['redline', 'nature_reserve']));
  });

  it('refuses to overwrite, to export an input changed since the screening, and unknown layers', () => {
    const target = at('shp', 'licences.shp');
    const again = runCli(['export', '--screening', out, '--layer', 'licences', '--to', target]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`redline: ${target} exists; choose another name or replace it with --overwrite`);
    expect(runCli(['export', '--screening', out, '--layer', 'licences', '--to', target, '--overwrite']).code).toBe(0);
    const dbf = at('in', 'licences.dbf');
    const bytes = readFileSync(dbf);
    bytes[bytes.length - 2] ^= 1; // one changed byte in the last record
    writeFileSync(dbf, bytes);
    const changed = runCli(['export', '--screening', out, '--layer', 'licences', '--to', at('changed.gpkg')]);
    expect(changed.code).toBe(2);
    expect(changed.stderr.trim()).toBe(`redline: ${dbf}: changed since the screening (its SHA-256 differs from run.json); screen again before exporting`);
    expect(existsSync(at('changed.gpkg'))).toBe(false);
    const unknown = runCli(['export', '--screening', out, '--layer', 'parcels', '--to', at('p.gpkg')]);
    expect(unknown.stderr).toContain('unknown --layer "parcels"');
    // a screening without --remaining has no remaining parts to export, and says how to get them
    const plain = at('plain');
    expect(runCli(['screen', '--licences', join(SAMPLE, 'licences.shp'), '--zones', join(SAMPLE, 'redline.shp'), '--out', plain]).code).toBe(0);
    expect(existsSync(join(plain, 'remaining.geojson'))).toBe(false);
    const none = runCli(['export', '--screening', plain, '--layer', 'remaining_parts', '--to', at('r.gpkg')]);
    expect(none.stderr.trim()).toBe(`redline: ${join(plain, 'remaining.geojson')}: not written: the screening was run without --remaining; screen again with --remaining`);
  });
});

describe('redline export --input', () => {
  it('converts any layer redline reads, e.g. a GBK shapefile without .cpg to a GeoPackage', () => {
    const r = runCli(['export', '--input', join(SAMPLE, 'licences.shp'), '--to', at('conv', 'licences.gpkg')]);
    expect(r.code).toBe(0);
    const { features, epsg } = gdalRead(at('conv', 'licences.gpkg'));
    expect(epsg).toBe('4527');
    expect(features.map((f) => f.properties.矿山名称)).toEqual(screening.map((s) => s.name));
  });
});

describe('redline export to boundary-point files', () => {
  it('exit ranges as a parcel-exchange file in the licences\' zone, remaining parts as a corner-point table', async () => {
    const lonlat = runCli(['export', '--screening', out, '--layer', 'exit_ranges', '--to', at('t', 'exit.txt'), '--text-format', 'parcel-exchange']);
    expect(lonlat.code).toBe(2);
    expect(lonlat.stderr).toContain('boundary-point files hold Gauss-Krüger coordinates, and this layer is in CGCS2000');
    expect(runCli(['export', '--screening', out, '--layer', 'exit_ranges', '--to-crs', 'EPSG:4527', '--to', at('t', 'exit.txt'), '--text-format', 'parcel-exchange']).code).toBe(0);
    const parcels = await readLayer(at('t', 'exit.txt'));
    expect(parcels).toMatchObject({ format: 'parcel-exchange', crsHint: 4527 });
    const exiting = new Map(screening.filter((r) => Number(r.exit_area_plane_m2) > 0).map((r) => [r.licence_id, Number(r.exit_area_plane_m2)]));
    expect(parcels.features).toHaveLength(exiting.size);
    for (const f of parcels.features) {
      // lon/lat → zone 39 → millimetres: the exit area comes back to a few mm² per metre of boundary
      const area = planeArea(f.geometry ?? []);
      const want = exiting.get(String(f.attributes.编号)) ?? NaN;
      expect(Math.abs(area - want), String(f.attributes.编号)).toBeLessThan(1e-4 * Math.max(1, want) + 0.5);
    }
    expect(runCli(['export', '--screening', out, '--layer', 'remaining_parts', '--to-crs', 'EPSG:4527', '--to', at('t', 'remaining.csv'), '--encoding', 'UTF-8']).code).toBe(0);
    const table = await readLayer(at('t', 'remaining.csv'));
    expect(table).toMatchObject({ format: 'corner-table', encoding: { name: 'utf-8' } });
    expect(table.features.map((f) => f.attributes.licence_id).sort()).toEqual(screening.filter((r) => r.status === 'partial').map((r) => r.licence_id).sort());
    const many = runCli(['export', '--screening', out, '--layer', 'exit_ranges', '--to-crs', 'EPSG:4527', '--to', at('t', 'one.txt'), '--text-format', 'corner-keyed']);
    expect(many.stderr).toContain('the corner-keyed form holds one licence per file and this layer has');
  });
});
