import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  writeCornerKeyed, writeCornerString, writeCornerTableCsv, writeParcelExchange, type WritableFeature,
} from '../../server/io/boundary-text/index.ts';
import { readLayer } from '../../server/io/layer.ts';
import { resolveLayerCrs } from '../../server/io/layer-crs.ts';
import { readCsv, runCli, tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * The sample county's licences as they arrive from the registration system and from Excel —
 * corner-point strings, a parcel-exchange file, a corner-point table in CSV and in XLSX — screen
 * exactly like the shapefile they were written from.
 */
const SAMPLE = join(import.meta.dirname, '..', '..', 'data', 'sample');
const dir = tempDir('redline-text-');
afterAll(dir.remove);
const at = (name: string): string => join(dir.path, name);
const zones = ['--zones', join(SAMPLE, 'redline.shp'), '--zones', join(SAMPLE, 'nature_reserve.shp')];

/**
 * The sample's licences have digitised curves with coordinates to the micrometre; written to the
 * registry's millimetres (the writers' default) a long boundary moves the area by tenths of a m².
 * The round trip here keeps nine decimals, so the comparison is about reading, not rounding.
 */
const DECIMALS = { decimals: 9 };

type Rows = Map<string, Record<string, string>>;
function screen(args: string[], out: string): Rows {
  const r = runCli(['screen', ...args, ...zones, '--out', at(out)]);
  expect(r.stderr).toContain('screened 60 licences');
  return new Map(readCsv(readFileSync(join(at(out), 'screening.csv'), 'utf8')).map((row) => [row.licence_id, row]));
}

let reference: Rows;
let licences: WritableFeature[];

beforeAll(async () => {
  const layer = await readLayer(join(SAMPLE, 'licences.shp'));
  licences = layer.features.map((f) => ({ geometry: f.geometry, attributes: { licence_id: f.attributes.许可证号, name: f.attributes.矿山名称 } }));
  reference = screen(['--licences', join(SAMPLE, 'licences.shp')], 'shp');
});

function sameAsShapefile(rows: Rows): void {
  expect([...rows.keys()].sort()).toEqual([...reference.keys()].sort());
  for (const [id, a] of reference) {
    const b = rows.get(id)!;
    expect(b.status, id).toBe(a.status);
    // written to the nanometre (DECIMALS), the areas agree to 1e-10 relative
    for (const col of ['licence_area_plane_m2', 'exit_area_plane_m2', 'exit_area_ellipsoidal_m2']) {
      expect(Math.abs(Number(b[col]) - Number(a[col])), `${id} ${col}`).toBeLessThanOrEqual(1e-10 * Number(a.licence_area_plane_m2));
    }
  }
}

describe('redline screen on boundary-point files', () => {
  it('corner-point strings (licence_id=string lines), GBK, CRS confirmed by the flag', () => {
    writeFileSync(at('strings.txt'), writeCornerString(licences, { ids: true, ...DECIMALS }));
    const r = runCli(['screen', '--licences', at('strings.txt'), ...zones, '--out', at('nocrs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Confirm with --licence-crs EPSG:4527');
    sameAsShapefile(screen(['--licences', at('strings.txt'), '--licence-crs', 'EPSG:4527'], 'strings'));
  });

  it('a parcel-exchange file: the CRS comes from its header, ids from 编号', async () => {
    writeFileSync(at('parcels.txt'), writeParcelExchange(licences, { epsg: 4527, ...DECIMALS }));
    const layer = await readLayer(at('parcels.txt'));
    expect(layer).toMatchObject({ format: 'parcel-exchange', crsHint: 4527 });
    expect(resolveLayerCrs(layer, null, '--licence-crs')).toMatchObject({ epsg: 4527, source: 'format' });
    sameAsShapefile(screen(['--licences', at('parcels.txt'), '--map', 'licence_id=编号'], 'parcels'));
  });

  it('a corner-point table, as CSV and as an Excel workbook', () => {
    writeFileSync(at('corners.csv'), writeCornerTableCsv(licences, DECIMALS));
    sameAsShapefile(screen(['--licences', at('corners.csv'), '--licence-crs', 'EPSG:4527'], 'csv'));
    // the same table saved from Excel: ogr2ogr writes the .xlsx (from a UTF-8 CSV: GDAL reads CSVs as UTF-8)
    writeFileSync(at('corners-utf8.csv'), writeCornerTableCsv(licences, { ...DECIMALS, encoding: 'utf-8' }));
    execFileSync('ogr2ogr', ['-f', 'XLSX', at('corners.xlsx'), at('corners-utf8.csv'), '-oo', 'AUTODETECT_TYPE=YES'], { stdio: 'pipe' });
    sameAsShapefile(screen(['--licences', at('corners.xlsx'), '--licence-crs', 'EPSG:4527'], 'xlsx'));
  });

  it('one licence per keyed file: the id is the file name, elevations kept', async () => {
    const one = licences[0];
    const id = String(one.attributes.licence_id);
    writeFileSync(at(`${id}.txt`), writeCornerKeyed({ ...one, attributes: { ...one.attributes, elev_top: 1310, elev_bottom: 970 } }, DECIMALS));
    const layer = await readLayer(at(`${id}.txt`));
    expect(layer).toMatchObject({ format: 'corner-keyed', crsHint: null });
    expect(layer.features).toHaveLength(1);
    expect(layer.features[0].attributes).toMatchObject({ licence_id: id, elev_top: 1310, elev_bottom: 970 });
    expect(layer.features[0].geometry).toEqual(licences[0].geometry);
  });
});
