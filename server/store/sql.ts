/**
 * Small helpers shared by the SQLite modules of the store: JSON columns, the audit row, and the
 * checks of what callers pass in.
 */
import type { Database } from 'better-sqlite3';
import { now } from './gpkg.ts';
import { StoreError, type Json } from './store.ts';

export type Db = Database;

/** JSON text of a value; Decimal amounts become their exact text through their toJSON. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSON column back as a value; the column's own writer decided its shape. */
export function parseJson<T = Json>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}

/** One row of the audit log; callers run it inside the transaction of the change it records. */
export function writeAudit(db: Db, actor: string, action: string, entity: string, before: unknown, after: unknown): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, entity, before, after) VALUES (?, ?, ?, ?, ?, ?)')
    .run(now(), actor, action, entity, before === null ? null : jsonText(before), after === null ? null : jsonText(after));
}

/** 行政区划代码: 6 digits (GB/T 2260), or 9 / 12 for towns and villages. */
export function checkDivision(code: string): string {
  if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(code)) {
    throw new StoreError('invalid', `division code "${code}" is not an administrative division code (6 digits, e.g. 330106)`);
  }
  return code;
}

/** A LIKE pattern for a division prefix ("33" = the province, "3301" = the city). */
export function divisionPrefix(prefix: string): string {
  if (!/^\d{1,12}$/.test(prefix)) throw new StoreError('invalid', `division filter "${prefix}" is not a prefix of a division code`);
  return `${prefix}%`;
}

/**
 * The rows of a table in id order, filtered by the given columns' values (undefined: no filter)
 * and by a division prefix: the one query behind every list of the store. Table and column names
 * are the store's own literals, never input; values are bound.
 */
export function listRows<R>(db: Db, table: string, equal: Record<string, string | number | undefined>, division?: string): R[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  for (const [column, value] of Object.entries(equal)) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (division !== undefined) {
    where.push('division_code LIKE ?');
    params.push(divisionPrefix(division));
  }
  return db.prepare(`SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`).all(...params) as R[];
}

export function checkActor(by: string): string {
  if (by.trim() === '') throw new StoreError('invalid', 'who made the change is required for the audit log');
  return by;
}

/** Escapes LIKE's wildcards so a search for "50%" finds that text. */
export function likeText(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function bool(v: unknown): boolean {
  return v === 1 || v === 1n || v === true;
}
