import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { licenceTypeOf } from '../../server/http/results.ts';
import { readCsv, runCli } from '../helpers/gdal-fixtures.ts';
import { call, runToEnd, SAMPLE, sampleZip, startService, upload, USER, type Service } from './helpers.ts';

/**
 * Compensation through the service against `redline compensate` on the same inputs: the sample
 * county screened against the red line only (hainan-2023 counts nothing else), the same finance
 * CSV; every figure of compensation.csv and every licence's trace must be the CLI's.
 */

const HEADER = 'licence_id,licence_type,exit_kind,approval_level,certificate_area_km2,paid_price_yuan,price_basis,basis_reserves_t,reserve_quantity,exploration_investment_yuan,fiscal_share,facilities_yuan,relocation_yuan,appraised_investment_yuan,restoration,restoration_cost_yuan,established_date,licence_valid,consolidation_compensated,court_ordered,enterprise_amount_yuan';
const MINE = 'C1300002008112320041924';
const ROWS = [
  `${MINE},mining,partial,province,0.9438,12345678.90,reserves,2400000,ore,,,3210000.00,450000.00,,accepted,,2012-05-01,yes,,,`,
  'T13120100502506221,exploration,partial,province,,3600000.00,area,,,8000000.00,0.35,,,,not_done,400000.00,2015-03-01,yes,,,',
  'C1300002007032120024543,mining,whole,city_county,,9876543.21,reserves,3000000,ore,,,1800000.00,,,not_done,40000000.00,2018-01-01,yes,,,',
  'C1300002010012119998571,mining,partial,city_county,,100.00,reserves,3000000,ore,,,0,,,accepted,,2018-01-01,yes,,,',
];

type Body = Record<string, any>;
let svc: Service;
let redOnly: string;
let both: string;
let reservesOnly: string;
let cliRows: Record<string, string>[];
let cliJson: Body;
const finance = (): string => join(svc.dir, 'hainan.csv');
/** The service names its screening files after the run (run_1/screening.csv); the CLI after the folder's files. */
const unRun = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/run_\d+\//g, ''));

beforeAll(async () => {
  svc = await startService();
  const zips = join(svc.dir, 'zips');
  const id = async (stem: string): Promise<string> => (await upload<Body>(svc.base, '/api/datasets', [sampleZip(zips, stem)])).body.id as string;
  const [lic, red, nr, blocks] = [await id('licences'), await id('redline'), await id('nature_reserve'), await id('reserve_blocks')];
  redOnly = (await runToEnd(svc.base, { licences: lic, zones: [red], reserves: blocks })).id;
  both = (await runToEnd(svc.base, { licences: lic, zones: [red, nr], reserves: blocks })).id;
  reservesOnly = (await runToEnd(svc.base, { licences: lic, zones: [nr] })).id;
  writeFileSync(finance(), [HEADER, ...ROWS].join('\r\n') + '\r\n');
  const out = join(svc.dir, 'cli');
  const s = runCli(['screen', '--licences', join(SAMPLE, 'licences.shp'), '--zones', join(SAMPLE, 'redline.shp'),
    '--reserves', join(SAMPLE, 'reserve_blocks.shp'), '--out', out]);
  expect(s.code, s.stderr).toBe(0);
  const c = runCli(['compensate', '--policy', 'hainan-2023', '--screening', out, '--finance', finance(), '--out', out]);
  expect(c.code, c.stderr).toBe(0);
  cliRows = readCsv(readFileSync(join(out, 'compensation.csv'), 'utf8'));
  cliJson = JSON.parse(readFileSync(join(out, 'compensation.json'), 'utf8')) as Body;
});
afterAll(async () => svc?.stop());

describe('compensation of a red-line-only run under hainan-2023', () => {
  it('takes the finance table as a CSV upload', async () => {
    const r = await upload<Body>(svc.base, `/api/runs/${redOnly}/finance`, [finance()]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rows).toBe(4);
  });

  it('gives the figures of redline compensate, row by row', async () => {
    const r = await call<Body>(svc.base, 'POST', `/api/runs/${redOnly}/compensation`, { policy: 'hainan-2023' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.policy).toBe('hainan-2023');
    expect(r.body.items).toHaveLength(4);
    expect(unRun(r.body.items)).toEqual(cliRows);
    expect(r.body.items.filter((i: Body) => i.eligible === 'yes')).toHaveLength(3);
    expect(unRun(r.body.warnings)).toEqual(cliJson.warnings);
  });

  it('puts each licence\'s full trace in its case, as compensation.json has it', async () => {
    const c = await call<Body>(svc.base, 'GET', `/api/runs/${redOnly}/cases/${MINE}`);
    expect(c.status).toBe(200);
    expect(c.body.compensation.policy).toBe('hainan-2023');
    const cliLicence = (cliJson.licences as Body[]).find((l) => l.licence_id === MINE);
    expect(unRun(c.body.compensation.result)).toEqual(cliLicence);
    expect(c.body.finance).toMatchObject({ licence_id: MINE, paid_price_yuan: '12345678.90' });
  });

  it('edits one licence\'s finance row: checked cell by cell, audited in the case', async () => {
    const path = `/api/runs/${redOnly}/cases/${MINE}/finance`;
    const cells = Object.fromEntries(HEADER.split(',').map((h, i) => [h, ROWS[0].split(',')[i]]));
    const bad = await call<Body>(svc.base, 'PUT', path, { ...cells, paid_price_yuan: '12,34x' });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(new RegExp(`row 2 \\(licence ${MINE}\\): column paid_price_yuan`));
    expect((await call(svc.base, 'PUT', path, { colour: 'red' })).status).toBe(400);
    // money as a JSON number would lose digits in the double: refused, with the reason
    const float = await call<Body>(svc.base, 'PUT', path, { ...cells, paid_price_yuan: 12345678901234567.89 });
    expect(float.status).toBe(400);
    expect(float.body.message).toMatch(/paid_price_yuan: give the amount as text .*not a JSON number/);
    const ok = await call<Body>(svc.base, 'PUT', path, { ...cells, paid_price_yuan: '22345678.90' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ licence_id: MINE, paid_price_yuan: '22345678.90' });
    const audit = await call<{ items: Body[] }>(svc.base, 'GET', `/api/runs/${redOnly}/cases/${MINE}/audit`);
    const edits = audit.body.items.filter((a) => a.action === 'finance.save');
    // the upload (no row before) and the edit
    expect(edits).toHaveLength(2);
    expect(edits[1]).toMatchObject({ by: USER, before: { paid_price_yuan: '12345678.90' }, after: { paid_price_yuan: '22345678.90' } });
    const recomputed = await call<Body>(svc.base, 'POST', `/api/runs/${redOnly}/compensation`, { policy: 'hainan-2023' });
    const mine = (recomputed.body.items as Body[]).find((i) => i.licence_id === MINE) as Body;
    expect(Number(mine.price_refund_yuan)).toBeGreaterThan(Number(cliRows.find((r) => r.licence_id === MINE)?.price_refund_yuan));
  });

  it('refuses a finance table with a bad cell (422 naming row, licence and column) and keeps the one it had', async () => {
    const broken = join(svc.dir, 'broken.csv');
    writeFileSync(broken, [HEADER, ROWS[0], ROWS[1].replace('exploration,partial', 'exploration,halfway')].join('\r\n'));
    const r = await upload<Body>(svc.base, `/api/runs/${redOnly}/finance`, [broken]);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      code: 'unreadable_file',
      message: 'broken.csv: row 3 (licence T13120100502506221): column exit_kind is "halfway"; expected whole or partial',
    });
    const c = await call<Body>(svc.base, 'GET', `/api/runs/${redOnly}/cases/T13120100502506221`);
    expect(c.body.finance.exit_kind).toBe('partial');
  });
});

describe('compensation refusals', () => {
  it('is a 409 zone_types for a run that screened the nature reserves too', async () => {
    const r = await call<Body>(svc.base, 'POST', `/api/runs/${both}/compensation`, { policy: 'hainan-2023' });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('zone_types');
    expect(r.body.message).toContain('nature_reserve');
  });

  it('is a 409 without a finance table, a 400 for an unknown policy', async () => {
    const r = await call<Body>(svc.base, 'POST', `/api/runs/${reservesOnly}/compensation`, { policy: 'bayannur-2020' });
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('no finance table');
    expect((await call(svc.base, 'POST', `/api/runs/${both}/compensation`, { policy: 'atlantis' })).status).toBe(400);
  });
});

describe('licence types', () => {
  it('come from the licence number (C mining, T exploration), else from the finance table', () => {
    const finance = new Map([['XK-7', 'enterprise' as const]]);
    expect(licenceTypeOf('C1300002008112320041924', finance)).toBe('mining');
    expect(licenceTypeOf('T13120100502506221', finance)).toBe('exploration');
    expect(licenceTypeOf('XK-7', finance)).toBe('enterprise');
    expect(licenceTypeOf('XK-8', finance)).toBeNull();
  });
});
