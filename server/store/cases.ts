/**
 * Compensation inputs and results, exit cases and their decisions, and reading the audit log,
 * in the SQLite store. Finance rows and compensation results are kept as JSON with their key
 * columns beside it: the finance table's columns and the trace's shape belong to the
 * compensation engine and its policy profiles, which change more often than this schema.
 */
import type { CompensationResult, FinanceTable } from '../compensation/types.ts';
import { now } from './gpkg.ts';
import { runRow } from './runs.ts';
import { bool, checkActor, jsonText, listRows, parseJson, writeAudit, type Db } from './sql.ts';
import {
  StoreError, type AuditEntry, type Case, type CaseFilter, type CompensationRecord, type Decision, type Json, type Page,
  type StoredCompensation, type StoredFinanceRow,
} from './store.ts';

/** A value as the JSON the store keeps (Decimal amounts become their exact text). */
function asJson(value: unknown): Json {
  return parseJson(jsonText(value));
}

function financeRows(db: Db, runId: number, licenceId?: string): StoredFinanceRow[] {
  const rows = db.prepare(
    `SELECT licence_id, row, cells FROM finance_rows WHERE run_id = ?${licenceId === undefined ? '' : ' AND licence_id = ?'} ORDER BY row`,
  ).all(...(licenceId === undefined ? [runId] : [runId, licenceId])) as { licence_id: string | null; row: number; cells: string }[];
  return rows.map((r) => ({ licenceId: r.licence_id, row: r.row, cells: parseJson<Record<string, string | null>>(r.cells) }));
}

export function readFinance(db: Db, runId: number, licenceId?: string): StoredFinanceRow[] {
  runRow(db, runId);
  return financeRows(db, runId, licenceId);
}

/** The file name the run's finance table came from, or null when it has none. */
export function readFinanceSource(db: Db, runId: number): string | null {
  runRow(db, runId);
  return (db.prepare('SELECT source FROM finance_rows WHERE run_id = ? ORDER BY row LIMIT 1').pluck().get(runId) as string | undefined) ?? null;
}

/** Replaces the run's finance table; the audit row holds the whole table before and after. */
export function saveFinance(db: Db, runId: number, table: FinanceTable, by: string): void {
  checkActor(by);
  db.transaction(() => {
    const division = runRow(db, runId).division_code;
    const before = financeRows(db, runId);
    db.prepare('DELETE FROM finance_rows WHERE run_id = ?').run(runId);
    const insert = db.prepare('INSERT INTO finance_rows (run_id, source, row, licence_id, division_code, cells) VALUES (?, ?, ?, ?, ?, ?)');
    for (const r of table.rows) insert.run(runId, table.source, r.row, r.cells.licence_id ?? null, division, jsonText(r.cells));
    writeAudit(db, by, 'finance.save', `run:${runId}`, before.length ? { rows: before } : null, { source: table.source, rows: financeRows(db, runId) });
  }).immediate();
}

export function saveCompensation(db: Db, runId: number, result: CompensationResult, by: string): void {
  checkActor(by);
  db.transaction(() => {
    const division = runRow(db, runId).division_code;
    const before = db.prepare('SELECT licence_id, eligible, payable FROM compensations WHERE run_id = ? ORDER BY id').all(runId) as
      { licence_id: string; eligible: number; payable: string | null }[];
    db.prepare('DELETE FROM compensations WHERE run_id = ?').run(runId);
    const { licences, ...summary } = result;
    db.prepare('INSERT OR REPLACE INTO compensation_summaries (run_id, summary) VALUES (?, ?)').run(runId, jsonText(summary));
    const insert = db.prepare('INSERT INTO compensations (run_id, licence_id, division_code, exit_kind, eligible, gross, payable, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const l of licences) {
      insert.run(runId, l.licenceId, division, l.exitKind, l.eligible ? 1 : 0, l.gross?.toString() ?? null, l.payable?.toString() ?? null, jsonText(l));
    }
    const brief = (rows: { licenceId: string; eligible: boolean; payable: string | null }[]): Json => asJson(rows);
    writeAudit(db, by, 'compensation.save', `run:${runId}`,
      before.length ? brief(before.map((b) => ({ licenceId: b.licence_id, eligible: bool(b.eligible), payable: b.payable }))) : null,
      { totals: asJson(result.totals), licences: brief(licences.map((l) => ({ licenceId: l.licenceId, eligible: l.eligible, payable: l.payable?.toString() ?? null }))) });
  }).immediate();
}

export function readCompensation(db: Db, runId: number, licenceId?: string): CompensationRecord | null {
  runRow(db, runId);
  const summary = db.prepare('SELECT summary FROM compensation_summaries WHERE run_id = ?').pluck().get(runId) as string | undefined;
  if (summary === undefined) return null;
  const rows = db.prepare(
    `SELECT licence_id, exit_kind, eligible, gross, payable, detail FROM compensations WHERE run_id = ?${licenceId === undefined ? '' : ' AND licence_id = ?'} ORDER BY id`,
  ).all(...(licenceId === undefined ? [runId] : [runId, licenceId])) as
    { licence_id: string; exit_kind: 'whole' | 'partial'; eligible: number; gross: string | null; payable: string | null; detail: string }[];
  const licences = rows.map((r): StoredCompensation => ({
    licenceId: r.licence_id, exitKind: r.exit_kind, eligible: bool(r.eligible), gross: r.gross, payable: r.payable, detail: parseJson(r.detail),
  }));
  return { summary: parseJson(summary), licences };
}

// ---------------------------------------------------------------- cases

interface CaseRow { id: number; run_id: number; licence_id: string; name: string | null; division_code: string; created_at: string; created_by: string }
interface DecisionRow { id: number; case_id: number; exit_kind: 'whole' | 'partial'; reviewed: number; note: string | null; decided_by: string; decided_at: string }

function decisionOf(d: DecisionRow): Decision {
  return { id: d.id, caseId: d.case_id, exitKind: d.exit_kind, reviewed: bool(d.reviewed), note: d.note, decidedBy: d.decided_by, decidedAt: d.decided_at };
}

function caseOf(db: Db, c: CaseRow): Case {
  const decisions = (db.prepare('SELECT * FROM decisions WHERE case_id = ? ORDER BY id').all(c.id) as DecisionRow[]).map(decisionOf);
  return {
    id: c.id, runId: c.run_id, licenceId: c.licence_id, name: c.name, divisionCode: c.division_code,
    createdAt: c.created_at, createdBy: c.created_by, decisions,
  };
}

export function getCase(db: Db, id: number): Case | null {
  const c = db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
  return c ? caseOf(db, c) : null;
}

export function listCases(db: Db, filter: CaseFilter = {}): Case[] {
  return listRows<CaseRow>(db, 'cases', { run_id: filter.runId }, filter.division).map((c) => caseOf(db, c));
}

/** A case for a licence of a done run; it takes the licence's division code from the result. */
export function openCase(db: Db, input: { runId: number; licenceId: string }, by: string): Case {
  checkActor(by);
  const id = db.transaction((): number => {
    runRow(db, input.runId);
    const licence = db.prepare('SELECT name, division_code FROM screening_results WHERE run_id = ? AND licence_id = ? ORDER BY seq LIMIT 1')
      .get(input.runId, input.licenceId) as { name: string | null; division_code: string } | undefined;
    if (!licence) throw new StoreError('not_found', `run ${input.runId} has no result for licence ${input.licenceId}`);
    const existing = db.prepare('SELECT id FROM cases WHERE run_id = ? AND licence_id = ?').pluck().get(input.runId, input.licenceId) as number | undefined;
    if (existing !== undefined) throw new StoreError('conflict', `licence ${input.licenceId} of run ${input.runId} has a case already (case ${existing})`);
    const { lastInsertRowid } = db.prepare('INSERT INTO cases (run_id, licence_id, name, division_code, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.runId, input.licenceId, licence.name, licence.division_code, now(), by);
    const caseId = Number(lastInsertRowid);
    writeAudit(db, by, 'case.open', `case:${caseId}`, null, { ...input, name: licence.name, divisionCode: licence.division_code });
    return caseId;
  }).immediate();
  return getCase(db, id) as Case;
}

export function decide(db: Db, caseId: number, d: { exitKind: 'whole' | 'partial'; reviewed: boolean; note: string | null }, by: string): Decision {
  checkActor(by);
  if (d.exitKind !== 'whole' && d.exitKind !== 'partial') throw new StoreError('invalid', `exit kind "${String(d.exitKind)}": whole or partial`);
  const id = db.transaction((): number => {
    if (!db.prepare('SELECT 1 FROM cases WHERE id = ?').get(caseId)) throw new StoreError('not_found', `no case ${caseId}`);
    const previous = db.prepare('SELECT * FROM decisions WHERE case_id = ? ORDER BY id DESC LIMIT 1').get(caseId) as DecisionRow | undefined;
    const { lastInsertRowid } = db.prepare('INSERT INTO decisions (case_id, exit_kind, reviewed, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(caseId, d.exitKind, d.reviewed ? 1 : 0, d.note, by, now());
    const decision = decisionOf(db.prepare('SELECT * FROM decisions WHERE id = ?').get(lastInsertRowid) as DecisionRow);
    writeAudit(db, by, 'case.decide', `case:${caseId}`, previous ? decisionOf(previous) : null, decision);
    return decision.id;
  }).immediate();
  return decisionOf(db.prepare('SELECT * FROM decisions WHERE id = ?').get(id) as DecisionRow);
}

// ---------------------------------------------------------------- audit

export function readAudit(db: Db, q: { entity?: string; limit?: number; offset?: number } = {}): Page<AuditEntry> {
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new StoreError('invalid', `limit ${limit}: between 1 and 10000`);
  if (!Number.isInteger(offset) || offset < 0) throw new StoreError('invalid', `offset ${offset}: a whole number ≥ 0`);
  const where = q.entity === undefined ? '' : ' WHERE entity = ?';
  const params = q.entity === undefined ? [] : [q.entity];
  const total = db.prepare(`SELECT count(*) FROM audit_log${where}`).pluck().get(...params) as number;
  const rows = db.prepare(`SELECT * FROM audit_log${where} ORDER BY id LIMIT ? OFFSET ?`).all(...params, limit, offset) as
    { id: number; at: string; actor: string; action: string; entity: string; before: string | null; after: string | null }[];
  return { total, items: rows.map((r) => ({ ...r, before: parseJson(r.before), after: parseJson(r.after) })) };
}
