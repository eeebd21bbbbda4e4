import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompensationResult, FinanceTable, LicenceCompensation } from '../../server/compensation/types.ts';
import { Dec } from '../../server/compensation/money.ts';
import { SCREENING_COLUMNS, screeningRow } from '../../server/io/screening-out.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import type { Run } from '../../server/store/store.ts';
import { datasetInput, licenceLayer, screeningResult, tempDir, zoneLayer } from './helpers.ts';

const tmp = tempDir('results');
const path = join(tmp.dir, 'results.gpkg');
let store: SqliteStore;
let run: Run;
const result = screeningResult(250);

beforeAll(async () => {
  store = SqliteStore.open(path);
  const licences = await store.createDataset(datasetInput('licences', licenceLayer(5)), 'a');
  const zones = await store.createDataset(datasetInput('zones', zoneLayer()), 'a');
  run = await store.createRun({ licences: licences.id, zones: [zones.id], reserves: null, options: null }, 'a');
  await store.startRun(run.id);
  await store.finishRun(run.id, result);
});
afterAll(async () => {
  await store.close();
  tmp.cleanup();
});

describe('results(runId, query)', () => {
  it('gives the screening.csv rows, in licence order, 100 at a time by default', async () => {
    const page = await store.results(run.id);
    expect(page.total).toBe(250);
    expect(page.items).toHaveLength(100);
    expect(Object.keys(page.items[0])).toEqual([...SCREENING_COLUMNS]);
    expect(page.items).toEqual(result.licences.slice(0, 100).map(screeningRow));
  });

  it('pages with limit and offset; the total counts every match', async () => {
    const last = await store.results(run.id, { limit: 40, offset: 240 });
    expect(last.total).toBe(250);
    expect(last.items.map((r) => r.licence_id)).toEqual(result.licences.slice(240).map((l) => l.licenceId));
    expect((await store.results(run.id, { offset: 300 })).items).toEqual([]);
    await expect(store.results(run.id, { limit: 0 })).rejects.toThrow(/limit 0/);
    await expect(store.results(run.id, { offset: -1 })).rejects.toThrow(/offset -1/);
  });

  it('filters by status, exit ratio, zone and text, together', async () => {
    const ids = async (q: Parameters<SqliteStore['results']>[1]): Promise<string[]> =>
      (await store.results(run.id, { limit: 10_000, ...q })).items.map((r) => String(r.licence_id));
    const expected = (keep: (l: (typeof result.licences)[number]) => boolean): string[] => result.licences.filter(keep).map((l) => l.licenceId);
    expect(await ids({ status: ['partial', 'whole'] })).toEqual(expected((l) => l.status === 'partial' || l.status === 'whole'));
    expect(await ids({ status: [] })).toEqual([]);
    expect(await ids({ minExitRatio: 0.5, maxExitRatio: 0.6 })).toEqual(expected((l) => l.exitRatio >= 0.5 && l.exitRatio <= 0.6));
    expect(await ids({ zoneId: 'HX-001' })).toEqual(expected((l) => l.zones.some((z) => z.zoneId === 'HX-001')));
    // a zone id with the CSV separator in it is matched whole, not split
    expect(await ids({ zoneId: 'ZR;odd' })).toEqual(expected((l) => l.zoneIds.includes('ZR;odd')));
    expect(await ids({ zoneId: 'ZR' })).toEqual([]);
    expect(await ids({ text: '第12' })).toEqual(expected((l) => (l.name ?? '').includes('第12')));
    expect(await ids({ text: 'c000' })).toEqual(expected((l) => l.licenceId.startsWith('C000')));
    // LIKE's wildcards are searched as text
    expect(await ids({ text: '%' })).toEqual([]);
    expect(await ids({ status: ['whole'], minExitRatio: 0.9, text: '号矿' })).toEqual(
      expected((l) => l.status === 'whole' && l.exitRatio >= 0.9 && (l.name ?? '').includes('号矿')),
    );
    await expect(store.results(run.id, { status: ['gone' as 'none'] })).rejects.toThrow(/unknown status "gone"/);
    await expect(store.results(999, {})).rejects.toThrow(/no run 999/);
  });
});

function compensation(): CompensationResult {
  const licence = (id: string, payable: string | null): LicenceCompensation => ({
    licenceId: id, name: '余杭矿', row: 2, licenceType: 'mining', exitKind: 'whole', status: 'whole', eligible: payable !== null,
    reasons: payable === null ? ['未缴纳价款'] : [], checks: [], lineItems: [], facilities: null, restoration: null,
    gross: payable === null ? null : new Dec(payable), restorationDeduction: null, payable: payable === null ? null : new Dec(payable),
    owedByHolder: null, payers: null, warnings: [],
  });
  return {
    profile: { id: 'zj-2023', title: '浙江', document: '浙自然资规〔2023〕7号', zoneTypes: ['redline'], options: {}, revenueShares: [], paymentConditions: '', deadlines: [] },
    licences: [licence('C0003', '1234567.89'), licence('C0004', null)],
    totals: { licences: 2, eligible: 1, gross: new Dec('1234567.89'), payable: new Dec('1234567.89'), owedByHolder: new Dec(0) },
    warnings: [],
  };
}

describe('finance, compensation, cases and the audit log', () => {
  it('keeps finance rows and compensation per licence, amounts as exact text, and replaces them on a new save', async () => {
    const table: FinanceTable = {
      source: 'finance.xlsx', columns: ['licence_id', 'paid_price_yuan'],
      rows: [{ row: 2, cells: { licence_id: 'C0003', paid_price_yuan: '1,234,567.89' } }, { row: 3, cells: { licence_id: 'C0004', paid_price_yuan: null } }],
    };
    await store.saveFinance(run.id, table, '会计');
    await store.saveFinance(run.id, { ...table, rows: table.rows.slice(0, 1) }, '会计');
    expect(await store.finance(run.id)).toEqual([{ licenceId: 'C0003', row: 2, cells: table.rows[0].cells }]);
    await store.saveCompensation(run.id, compensation(), '会计');
    const c = await store.compensation(run.id, 'C0003');
    expect(c?.licences).toEqual([{ licenceId: 'C0003', exitKind: 'whole', eligible: true, gross: '1234567.89', payable: '1234567.89', detail: expect.objectContaining({ payable: '1234567.89', reasons: [] }) }]);
    expect(c?.summary).toMatchObject({ totals: { payable: '1234567.89' }, profile: { document: '浙自然资规〔2023〕7号' } });
    expect((await store.compensation(run.id))?.licences).toHaveLength(2);
    const audit = await store.audit({ entity: `run:${run.id}` });
    const finance = audit.items.filter((a) => a.action === 'finance.save');
    expect(finance).toHaveLength(2);
    expect(finance[1]).toMatchObject({ actor: '会计', before: { rows: [{ licenceId: 'C0003' }, { licenceId: 'C0004' }] }, after: { rows: [{ licenceId: 'C0003' }] } });
  });

  it('writes an audit row with each decision, and a decision supersedes the one before', async () => {
    const c = await store.openCase({ runId: run.id, licenceId: 'C0004' }, '科员甲');
    expect(c).toMatchObject({ licenceId: 'C0004', name: '第4号矿', divisionCode: '330110', decisions: [] });
    await expect(store.openCase({ runId: run.id, licenceId: 'C0004' }, '科员甲')).rejects.toThrow(/has a case already/);
    await expect(store.openCase({ runId: run.id, licenceId: 'NOPE' }, '科员甲')).rejects.toThrow(/no result for licence NOPE/);
    const first = await store.decide(c.id, { exitKind: 'partial', reviewed: false, note: '待复核', }, '科员甲');
    const second = await store.decide(c.id, { exitKind: 'whole', reviewed: true, note: '局务会决定整体退出' }, '局长乙');
    const back = await store.getCase(c.id);
    expect(back?.decisions).toEqual([first, second]);
    expect(second).toMatchObject({ exitKind: 'whole', reviewed: true, decidedBy: '局长乙' });
    const audit = await store.audit({ entity: `case:${c.id}` });
    expect(audit.items.map((a) => [a.action, a.actor])).toEqual([['case.open', '科员甲'], ['case.decide', '科员甲'], ['case.decide', '局长乙']]);
    expect(audit.items[2].before).toEqual(JSON.parse(JSON.stringify(first)));
    expect(audit.items[2].after).toEqual(JSON.parse(JSON.stringify(second)));
    expect(await store.listCases({ division: '3301' })).toHaveLength(1);
    expect(await store.listCases({ division: '4401' })).toHaveLength(0);
  });

  it('writes no audit row for a change that failed, and no change without its audit row', async () => {
    const before = (await store.audit()).total;
    await expect(store.decide(9999, { exitKind: 'whole', reviewed: true, note: null }, 'x')).rejects.toThrow(/no case 9999/);
    await expect(store.decide(1, { exitKind: 'whole', reviewed: true, note: null }, '')).rejects.toThrow(/who made the change/);
    expect((await store.audit()).total).toBe(before);
    // the audit row is written inside the change's transaction: make the audit insert fail and
    // the decision must be rolled back with it
    const side = new Database(path);
    side.exec("CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_log WHEN NEW.actor = 'refused' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
    try {
      const decisions = (): number => side.prepare('SELECT count(*) FROM decisions').pluck().get() as number;
      const n = decisions();
      await expect(store.decide(1, { exitKind: 'whole', reviewed: true, note: null }, 'refused')).rejects.toThrow(/refused by test/);
      expect(decisions()).toBe(n);
    } finally {
      side.exec('DROP TRIGGER audit_refuse');
      side.close();
    }
  });

  it('refuses UPDATE and DELETE on the audit log and on decisions, from any connection', () => {
    const db = new Database(path);
    try {
      expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/audit_log is append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/audit_log is append-only/);
      expect(() => db.prepare("UPDATE decisions SET note = 'rewritten'").run()).toThrow(/decisions is append-only/);
      expect(() => db.prepare('DELETE FROM decisions').run()).toThrow(/decisions is append-only/);
      expect(db.prepare("SELECT count(*) FROM audit_log WHERE actor = 'mallory'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('pages the audit log oldest first', async () => {
    const all = await store.audit({ limit: 10_000 });
    const page = await store.audit({ limit: 2, offset: 1 });
    expect(page.total).toBe(all.total);
    expect(page.items).toEqual(all.items.slice(1, 3));
    expect(all.items[0]).toMatchObject({ action: 'dataset.create', actor: 'a', entity: 'dataset:1', before: null });
    expect(all.items.map((a) => a.at)).toEqual([...all.items.map((a) => a.at)].sort());
  });
});
