import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec, roundYuan, sum, type Decimal } from '../../server/compensation/money.ts';
import { readCsv, runCli, tempDir } from '../helpers/gdal-fixtures.ts';

/**
 * `redline compensate` as a bureau runs it: real screenings of the sample county made by
 * `redline screen` against the profile's zones only, finance tables written here in UTF-8, GBK
 * and XLSX (by ogr2ogr), facility layers in GeoJSON and as a GBK point shapefile. Expected figures
 * are recomputed here from the screening's own CSVs.
 */
const SAMPLE = join(import.meta.dirname, '..', '..', 'data', 'sample');
const dir = tempDir('redline-compensate-');
afterAll(dir.remove);
const at = (...p: string[]): string => join(dir.path, ...p);

const HEADER = 'licence_id,licence_type,exit_kind,approval_level,certificate_area_km2,paid_price_yuan,price_basis,basis_reserves_t,reserve_quantity,exploration_investment_yuan,fiscal_share,facilities_yuan,relocation_yuan,appraised_investment_yuan,restoration,restoration_cost_yuan,established_date,licence_valid,consolidation_compensated,court_ordered,enterprise_amount_yuan';

const MINE = 'C1300002008112320041924'; // partial in both zone types, 12 reserve blocks
const HAINAN_ROWS = [
  `${MINE},mining,partial,province,0.9438,12345678.90,reserves,2400000,ore,,,3210000.00,450000.00,,accepted,,2012-05-01,yes,,,`,
  'T13120100502506221,exploration,partial,province,,3600000.00,area,,,8000000.00,0.35,,,,not_done,400000.00,2015-03-01,yes,,,',
  'C1300002007032120024543,mining,whole,city_county,,9876543.21,reserves,3000000,ore,,,1800000.00,,,not_done,40000000.00,2018-01-01,yes,,,',
  'C1300002010012119998571,mining,partial,city_county,,100.00,reserves,3000000,ore,,,0,,,accepted,,2018-01-01,yes,,,',
];
const BAYANNUR_ROWS = [
  `${MINE},采矿权,部分退出,市县,,7500000.00,,5200000,矿石量,,,,,2600000.00,未治理,900000.00,2010-06-01,是,否,,`,
  'T13120100502506221,探矿权,整体退出,省级,,1234567.89,,,,,,,,2000000.00,已验收,,2011-01-01,是,否,,',
  'T13120120701265341,探矿权,部分退出,省级,0.65,2000000.00,,,,,,,,0,已验收,,2011-01-01,是,否,,',
  'C1300002008091220000577,采矿权,部分退出,市县,,1.00,,1,矿石量,,,,,0,已验收,,2011-01-01,是,否,,',
  'C1300002009091219993626,采矿权,部分退出,市县,,1.00,,1,矿石量,,,,,0,已验收,,2018-03-01,是,否,,',
];

function screen(out: string, zones: string[]): void {
  const r = runCli(['screen', '--licences', join(SAMPLE, 'licences.shp'), ...zones.flatMap((z) => ['--zones', join(SAMPLE, z)]),
    '--reserves', join(SAMPLE, 'reserve_blocks.shp'), '--workers', '0', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
}

const rowsOf = (path: string): Record<string, Record<string, string>> =>
  Object.fromEntries(readCsv(readFileSync(path, 'utf8')).map((r) => [r.licence_id, r]));

/** Figures of the screening, as decimals from the CSV text. */
function screenedFigures(out: string, id: string): { area: Decimal; exitArea: Decimal; exitOre: Decimal; ore: Decimal } {
  const s = rowsOf(join(out, 'screening.csv'))[id];
  const blocks = readCsv(readFileSync(join(out, 'reserves.csv'), 'utf8')).filter((b) => b.licence_id === id && !b.note.startsWith('excluded'));
  return {
    area: new Dec(s.licence_area_plane_m2),
    exitArea: new Dec(s.exit_area_plane_m2),
    exitOre: sum(blocks.map((b) => new Dec(b.exit_ore_t))),
    ore: sum(blocks.map((b) => new Dec(b.ore_t))),
  };
}

const r2 = (x: Decimal): string => roundYuan(x).toFixed(2);

beforeAll(() => {
  screen(at('hainan'), ['redline.shp']);
  screen(at('bayannur'), ['nature_reserve.shp']);
  screen(at('both'), ['redline.shp', 'nature_reserve.shp']);
  writeFileSync(at('hainan.csv'), [HEADER, ...HAINAN_ROWS].join('\r\n') + '\r\n');
  writeFileSync(at('bayannur-gbk.csv'), iconv.encode([HEADER, ...BAYANNUR_ROWS].join('\r\n') + '\r\n', 'gbk'));
});

describe('redline compensate --policy hainan-2023', () => {
  it('writes compensation.csv (BOM, contract columns, two decimals) with the figures of the rules', () => {
    const r = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('hainan'), '--finance', at('hainan.csv'), '--out', at('h-out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/compensation \(hainan-2023\) for 4 licence\(s\), 3 eligible/);
    const text = readFileSync(at('h-out', 'compensation.csv'), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(
      'licence_id,eligible,reasons,price_refund_yuan,investment_yuan,facilities_yuan,gross_yuan,restoration_deduction_yuan,' +
      'payable_yuan,owed_by_holder_yuan,central_yuan,province_yuan,city_county_yuan,warnings',
    );
    const rows = rowsOf(at('h-out', 'compensation.csv'));
    for (const row of Object.values(rows)) {
      for (const [k, v] of Object.entries(row)) if (k.endsWith('_yuan') && v !== '') expect(v, k).toMatch(/^\d+\.\d{2}$/);
    }

    const mine = screenedFigures(at('hainan'), MINE);
    const price = r2(new Dec('12345678.90').times(mine.exitOre).div('2400000'));
    expect(rows[MINE]).toMatchObject({ eligible: 'yes', price_refund_yuan: price, facilities_yuan: '3660000.00' });
    expect(rows[MINE].payable_yuan).toBe(new Dec(price).plus('3660000').toFixed(2));

    const t = screenedFigures(at('hainan'), 'T13120100502506221');
    const ratio = t.exitArea.div(t.area);
    const tPrice = r2(new Dec('3600000').times(ratio));
    const tInv = r2(new Dec('8000000').times(ratio).times('0.65'));
    expect(rows.T13120100502506221).toMatchObject({ price_refund_yuan: tPrice, investment_yuan: tInv, restoration_deduction_yuan: '400000.00' });
    expect(rows.T13120100502506221.payable_yuan).toBe(new Dec(tPrice).plus(tInv).minus('400000').toFixed(2));

    const w = screenedFigures(at('hainan'), 'C1300002007032120024543');
    const wPrice = r2(new Dec('9876543.21').times(w.ore).div('3000000'));
    expect(rows.C1300002007032120024543).toMatchObject({ price_refund_yuan: wPrice, payable_yuan: '0.00', city_county_yuan: '1800000.00' });
    expect(rows.C1300002007032120024543.owed_by_holder_yuan).toBe(new Dec('40000000').minus(wPrice).minus('1800000').toFixed(2));

    const none = rows.C1300002010012119998571;
    expect(none.eligible).toBe('no');
    expect(none.reasons).toMatch(/does not lie in the ecological protection red line/);
    expect([none.price_refund_yuan, none.gross_yuan, none.payable_yuan]).toEqual(['', '', '']);

    const json = JSON.parse(readFileSync(at('h-out', 'compensation.json'), 'utf8'));
    expect(json.profile.id).toBe('hainan-2023');
    expect(json.inputs.finance.encoding).toEqual({ name: 'utf-8', how: 'detected' });
    const item = json.licences[0].line_items[0];
    expect(item).toMatchObject({ item: 'price_refund', clause: '琼自然资规〔2023〕7号 三（二）', result_yuan: price });
    expect(item.inputs.map((i: { name: string; source: string }) => [i.name, i.source.split(',')[0]])).toEqual([
      ['P', 'hainan.csv row 2'], ['Q_exit', 'reserves.csv'], ['Q_basis', 'hainan.csv row 2'], ['Q_exit / Q_basis', 'computed'],
    ]);
  });

  it('reads the same table from XLSX (numeric and date cells, written by ogr2ogr) to the same figures', () => {
    execFileSync('ogr2ogr', ['-f', 'XLSX', '-oo', 'AUTODETECT_TYPE=YES', at('hainan.xlsx'), at('hainan.csv')], { stdio: 'pipe' });
    const r = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('hainan'), '--finance', at('hainan.xlsx'), '--out', at('x-out')]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(at('x-out', 'compensation.json'), 'utf8'));
    expect(json.inputs.finance.format).toBe('xlsx');
    // the sheet holds 12345678.9 as a number: it must come back as that text, not a float's digits
    expect(json.licences[0].line_items[0].inputs[0].value).toBe('12345678.90');
    expect(readFileSync(at('x-out', 'compensation.csv'), 'utf8')).toBe(readFileSync(at('h-out', 'compensation.csv'), 'utf8'));
    // GDAL stores 9876543.21 as 9876543.210000001: the shortest text of that double is used, and recorded
    expect(json.inputs.finance.normalised_number_cells).toContainEqual({ row: 4, column: 'paid_price_yuan', stored: '9876543.210000001', used: '9876543.21' });

    // a sheet of text cells only: no type change reveals the header row, which must still be found
    execFileSync('ogr2ogr', ['-f', 'XLSX', at('hainan-text.xlsx'), at('hainan.csv')], { stdio: 'pipe' });
    const t = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('hainan'), '--finance', at('hainan-text.xlsx'), '--out', at('xt-out')]);
    expect(t.code, t.stderr).toBe(0);
    expect(readFileSync(at('xt-out', 'compensation.csv'), 'utf8')).toBe(readFileSync(at('h-out', 'compensation.csv'), 'utf8'));
  });

  it('selects facilities of a point layer by the exit range (GeoJSON in lon/lat, GBK shapefile in EPSG:4527)', () => {
    const gdal = createRequire(import.meta.url)('gdal-async') as typeof import('gdal-async');
    const ranges = JSON.parse(readFileSync(at('hainan', 'overlaps.geojson'), 'utf8'));
    const range = gdal.Geometry.fromGeoJson(ranges.features.find((f: { properties: { licence_id: string } }) => f.properties.licence_id === MINE).geometry);
    const ring = (range as unknown as { toObject(): { coordinates: number[][][][] } }).toObject().coordinates[0][0];
    // a point GEOS says is inside the exit range: found among chords between its vertices
    let inside: [number, number] | null = null;
    for (let k = 2; k < ring.length && !inside; k++) {
      const p = [(ring[0][0] + ring[k][0]) / 2, (ring[0][1] + ring[k][1]) / 2] as [number, number];
      if (range.contains(new gdal.Point(p[0], p[1]))) inside = p;
    }
    expect(inside).not.toBeNull();
    const [x, y] = inside!;
    const features = [
      { properties: { 许可证号: MINE, 净值: 1000000.25, 是否搬迁: '否' }, geometry: { type: 'Point', coordinates: [x, y] } },
      { properties: { 许可证号: MINE, 净值: 77, 是否搬迁: '是' }, geometry: { type: 'Point', coordinates: [x, y] } },
      { properties: { 许可证号: MINE, 净值: 500, 是否搬迁: '否' }, geometry: { type: 'Point', coordinates: [x + 0.5, y] } },
    ];
    writeFileSync(at('facilities.geojson'), JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }));
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-s_srs', 'EPSG:4490', '-t_srs', 'EPSG:4527', '-lco', 'ENCODING=CP936', at('facilities.shp'), at('facilities.geojson')], { stdio: 'pipe' });
    rmSync(at('facilities.cpg'));
    // the same points as a GeoPackage: read like the others (the readers carry points)
    execFileSync('ogr2ogr', ['-f', 'GPKG', at('facilities.gpkg'), at('facilities.geojson')], { stdio: 'pipe' });
    for (const layer of ['facilities.geojson', 'facilities.shp', 'facilities.gpkg']) {
      const out = at(`f-out-${layer}`);
      const r = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('hainan'), '--finance', at('hainan.csv'), '--facilities', at(layer), '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(rowsOf(join(out, 'compensation.csv'))[MINE].facilities_yuan).toBe('1450000.25');
      const json = JSON.parse(readFileSync(join(out, 'compensation.json'), 'utf8'));
      const trace = json.licences[0].facilities.map((f: { index: number; counted: boolean; why: string }) => [f.index, f.counted, f.why]);
      expect(trace).toEqual([
        [0, true, 'inside the exit range'],
        [1, false, 'relocated for reuse: excluded (需搬迁再利用的除外)'],
        [2, false, 'outside the exit range: not counted'],
      ]);
      expect(json.licences[0].warnings.join()).toMatch(/facilities_yuan of the finance table is not used/);
    }
  });

  it('refuses a screening against other zone types than the profile\'s', () => {
    const r = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('both'), '--finance', at('hainan.csv'), '--out', at('z-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^redline: run.json: the screening ran against nature_reserve and redline zones, but hainan-2023 counts only the ecological protection red line \(生态保护红线\): screen again with only the redline layer\(s\) as --zones/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing value a rule needs stops the run naming the licence and the column', () => {
    const rows = [HEADER, HAINAN_ROWS[0].replace(',2400000,', ',,')];
    writeFileSync(at('missing.csv'), rows.join('\n') + '\n');
    const r = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('hainan'), '--finance', at('missing.csv'), '--out', at('m-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`redline: missing.csv: row 2 (licence ${MINE}): column basis_reserves_t is empty; the price refund by reserves needs it`);
  });

  it('without run.json it warns and goes on', () => {
    cpSync(at('hainan'), at('no-run'), { recursive: true });
    rmSync(at('no-run', 'run.json'));
    const r = runCli(['compensate', '--policy', 'hainan-2023', '--screening', at('no-run'), '--finance', at('hainan.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: no run.json in the screening folder: the zone types screened cannot be checked/);
    // --out defaults to the screening folder
    expect(rowsOf(at('no-run', 'compensation.csv'))[MINE].eligible).toBe('yes');
  });

  it('an unknown profile is a usage error', () => {
    const r = runCli(['compensate', '--policy', 'guangxi', '--screening', at('hainan'), '--finance', at('hainan.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown profile "guangxi"; profiles are hainan-2023, bayannur-2020/);
  });
});

describe('redline compensate --policy bayannur-2020', () => {
  it('reads a GBK finance table with Chinese values and applies the Bayannur rules', () => {
    const r = runCli(['compensate', '--policy', 'bayannur-2020', '--screening', at('bayannur'), '--finance', at('bayannur-gbk.csv'), '--out', at('b-out')]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(at('b-out', 'compensation.json'), 'utf8'));
    expect(json.inputs.finance.encoding.name).toBe('gb18030');
    const rows = rowsOf(at('b-out', 'compensation.csv'));

    const mine = screenedFigures(at('bayannur'), MINE);
    const price = r2(new Dec('7500000').times(mine.exitOre).div('5200000'));
    expect(rows[MINE]).toMatchObject({ eligible: 'yes', price_refund_yuan: price, investment_yuan: '2600000.00', restoration_deduction_yuan: '900000.00' });
    expect(rows[MINE].payable_yuan).toBe(new Dec(price).plus('2600000').minus('900000').toFixed(2));

    // cancelled exploration right: the full price
    expect(rows.T13120100502506221).toMatchObject({ price_refund_yuan: '1234567.89', payable_yuan: '3234567.89' });

    const t = screenedFigures(at('bayannur'), 'T13120120701265341');
    expect(rows.T13120120701265341.price_refund_yuan).toBe(r2(new Dec('2000000').times(t.exitArea).div('650000')));

    expect(rows.C1300002008091220000577.eligible).toBe('no');
    expect(rows.C1300002008091220000577.reasons).toMatch(/sliver/);
    expect(rows.C1300002009091219993626.reasons).toMatch(/established 2018-03-01, not before the cut-off 2016-07-14/);
  });
});
