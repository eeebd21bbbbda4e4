import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv, runCli, tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * The sample county converted by GDAL into the containers bureaus also receive — licences and
 * reserve blocks as two layers of one GeoPackage, the red line and the nature reserves as two
 * layers of one zipped File Geodatabase — screens exactly like the original shapefiles.
 */
const SAMPLE = join(import.meta.dirname, '..', '..', 'data', 'sample');
const dir = tempDir('redline-formats-');
afterAll(dir.remove);

function convert(target: string, driver: string, shp: string, layer: string, update: boolean): void {
  execFileSync('ogr2ogr', [
    '-f', driver, target, join(SAMPLE, `${shp}.shp`), '-nln', layer, '-nlt', 'MULTIPOLYGON',
    // the sample's licence DBF is GBK without a .cpg: tell GDAL, as a user of ogr2ogr would
    '-oo', 'ENCODING=CP936', ...(update ? ['-update'] : []),
  ], { stdio: 'pipe' });
}

/**
 * A geodatabase stores coordinates on a grid (1e-9° here, about 0.1 mm), so an exit area moves
 * by (boundary length inside the licence) × (a fraction of 0.1 mm): a few hundredths of a m² at
 * most on these licences, never the metres a wrong reading would give.
 */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 0.05 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));

type Rows = Map<string, Record<string, string>>;
const rowsOf = (out: string, file: string, key: (r: Record<string, string>) => string): Rows =>
  new Map(readCsv(readFileSync(join(out, file), 'utf8')).map((r) => [key(r), r]));

describe('redline screen on GeoPackage and zipped File Geodatabase inputs', () => {
  let shp: { screening: Rows; reserves: Rows };
  let gdal: { screening: Rows; reserves: Rows; run: { inputs: { licences: { format: string; layer: string }; zones: { format: string; layer: string }[] }; zone_types: string[] } };

  beforeAll(() => {
    const gpkg = join(dir.path, 'county.gpkg');
    convert(gpkg, 'GPKG', 'licences', 'licences', false);
    convert(gpkg, 'GPKG', 'reserve_blocks', 'reserve_blocks', true);
    const gdb = join(dir.path, 'zones.gdb');
    convert(gdb, 'OpenFileGDB', 'redline', 'redline', false);
    convert(gdb, 'OpenFileGDB', 'nature_reserve', 'nature_reserve', true);
    execFileSync('zip', ['-qr', 'zones.zip', 'zones.gdb'], { cwd: dir.path });

    const outShp = join(dir.path, 'out-shp');
    const a = runCli(['screen', '--licences', join(SAMPLE, 'licences.shp'), '--zones', join(SAMPLE, 'redline.shp'),
      '--zones', join(SAMPLE, 'nature_reserve.shp'), '--reserves', join(SAMPLE, 'reserve_blocks.shp'), '--out', outShp]);
    expect(a.stderr).toContain('screened 60 licences');
    const outGdal = join(dir.path, 'out-gdal');
    const zip = join(dir.path, 'zones.zip');
    const b = runCli(['screen', '--licences', gpkg, '--licence-layer', 'licences', '--zones', zip, '--zones', zip,
      '--zone-layer', 'redline', '--zone-layer', 'nature_reserve', '--reserves', gpkg, '--reserve-layer', 'reserve_blocks', '--out', outGdal]);
    expect(b.stderr).toContain('screened 60 licences');
    expect(b.code).toBe(0);
    const byLicence = (r: Record<string, string>): string => r.licence_id;
    const byBlock = (r: Record<string, string>): string => `${r.licence_id}/${r.block_id}`;
    shp = { screening: rowsOf(outShp, 'screening.csv', byLicence), reserves: rowsOf(outShp, 'reserves.csv', byBlock) };
    gdal = {
      screening: rowsOf(outGdal, 'screening.csv', byLicence),
      reserves: rowsOf(outGdal, 'reserves.csv', byBlock),
      run: JSON.parse(readFileSync(join(outGdal, 'run.json'), 'utf8')),
    };
  });

  it('gives the same rows: names, classes, areas and reserve shares', () => {
    expect([...gdal.screening.keys()].sort()).toEqual([...shp.screening.keys()].sort());
    for (const [id, a] of shp.screening) {
      const b = gdal.screening.get(id)!;
      // The sample's licence drawn along a zone boundary touches it; on the geodatabase's grid
      // its edge and the zone's overlap by a hair, below the sliver size: a sliver, not an exit.
      const boundary = new Set([a.status, b.status]);
      const hair = boundary.size === 2 && boundary.has('touch') && boundary.has('sliver');
      expect({ name: b.name, status: hair ? 'touch|sliver' : b.status, zone_ids: hair ? '' : b.zone_ids, parts: b.remaining_parts })
        .toEqual({ name: a.name, status: hair ? 'touch|sliver' : a.status, zone_ids: hair ? '' : a.zone_ids, parts: a.remaining_parts });
      for (const col of ['licence_area_plane_m2', 'exit_area_plane_m2', 'exit_area_ellipsoidal_m2']) {
        expect(close(Number(b[col]), Number(a[col])), `${id} ${col}: ${b[col]} vs ${a[col]}`).toBe(true);
      }
    }
    expect(gdal.reserves.size).toBe(shp.reserves.size);
    expect(shp.reserves.size).toBeGreaterThan(0);
    // the same hair of area as a share of a 2-hectare block: 1e-7
    for (const [key, a] of shp.reserves) expect(Number(gdal.reserves.get(key)?.exit_fraction)).toBeCloseTo(Number(a.exit_fraction), 6);
  });

  it('records the formats and layers in run.json, zone types from the layer names', () => {
    expect(gdal.run.inputs.licences).toMatchObject({ format: 'geopackage', layer: 'licences' });
    expect(gdal.run.inputs.zones.map((z) => [z.format, z.layer])).toEqual([['filegdb', 'redline'], ['filegdb', 'nature_reserve']]);
    expect(gdal.run.zone_types).toEqual(['nature_reserve', 'redline']);
  });

  it('asks which layer when a source holds several', () => {
    const r = runCli(['screen', '--licences', join(dir.path, 'county.gpkg'), '--zones', join(dir.path, 'zones.zip'), '--out', join(dir.path, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`redline: ${join(dir.path, 'county.gpkg')}: holds 2 layers, pick one with --licence-layer NAME: licences (60 Multi Polygon), reserve_blocks (224 Multi Polygon)`);
  });
});
