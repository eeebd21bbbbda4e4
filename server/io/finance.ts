import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InputError } from '../errors.ts';
import { FINANCE_COLUMNS } from '../compensation/finance.ts';
import type { FinanceRow, FinanceTable } from '../compensation/types.ts';
import { csvTable } from './csv.ts';
import { decodeText, type EncodingChoice } from './encoding.ts';
import { readSheet } from './sheet.ts';

/**
 * The finance table of `redline compensate`: CSV (UTF-8 or GBK) or XLSX, one row per licence.
 * Every cell comes back as text, so money is never a binary float on its way to decimal.js.
 */

export interface FinanceFile {
  table: FinanceTable;
  format: 'csv' | 'xlsx';
  /** text encoding of a CSV; null for XLSX (always UTF-8 XML) */
  encoding: EncodingChoice | null;
  /** XLSX: the sheet read */
  sheet: string | null;
  /** XLSX: number cells whose stored digits were a binary double's, and the text used instead */
  normalised: { row: number; column: string; stored: string; used: string }[];
  file: { path: string; sha256: string; bytes: number };
}

/** Header names are matched case-insensitively; a BOM or stray spaces must not hide a column. */
function columnName(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase();
}

function tableOf(source: string, header: string[], records: { row: number; cells: Record<string, string | null> }[]): FinanceTable {
  const columns = header.map(columnName);
  const dup = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (dup) throw new InputError(source, `column ${dup} appears twice in the header`);
  const rows: FinanceRow[] = records.map((r) => ({
    row: r.row,
    cells: Object.fromEntries(header.map((h, i) => [columns[i], r.cells[h] ?? null])),
  }));
  return { source, columns: columns.filter((c) => c !== ''), rows };
}

function readCsvFinance(source: string, buf: Buffer): { table: FinanceTable; encoding: EncodingChoice } {
  // pure ASCII reads the same in every encoding: reported as UTF-8, what Excel's "CSV UTF-8" writes
  const { text, encoding } = decodeText(buf, null, { name: 'utf-8', how: 'detected' });
  if (text.trim() === '') throw new InputError(source, 'the file is empty: expected a header row (licence_id, licence_type, …)');
  const { header, records } = csvTable(text, source);
  if (header.length === 0) throw new InputError(source, 'the file is empty: expected a header row (licence_id, licence_type, …)');
  return { table: tableOf(source, header, records.map((r) => ({ row: r.line, cells: r.cells }))), encoding };
}

const NUMERIC = new Set(Object.entries(FINANCE_COLUMNS).filter(([, t]) => t === 'money' || t === 'quantity' || t === 'share').map(([c]) => c));

/**
 * A number cell of an XLSX is a binary double, and some writers (GDAL among them) store it with
 * 16–17 significant digits: 9876543.21 becomes 9876543.210000001. Excel keeps at most 15 typed
 * digits, so the shortest text that reads back as the same double is what was typed. Text with
 * 15 digits or fewer is left alone (a text cell is never touched unless it looks like that).
 */
export function typedNumber(text: string): string {
  if (!/^-?\d+\.\d+$/.test(text)) return text;
  const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;
  if (significant <= 15) return text;
  const shortest = String(Number(text));
  return /e/i.test(shortest) ? text : shortest;
}

/** XLSX, first sheet (a workbook often has notes beside the table), cells as stored text. */
function readXlsxFinance(source: string, path: string): { table: FinanceTable; sheet: string; normalised: FinanceFile['normalised'] } {
  const sheet = readSheet(path, { several: 'first' });
  const normalised: FinanceFile['normalised'] = [];
  const records = sheet.rows.map((row, k) => {
    const cells: Record<string, string | null> = {};
    sheet.header.forEach((h, i) => {
      const t = row[i];
      const used = NUMERIC.has(columnName(h)) ? typedNumber(t) : t;
      if (used !== t) normalised.push({ row: sheet.rowNumbers[k], column: columnName(h), stored: t, used });
      cells[h] = used === '' ? null : used;
    });
    return { row: sheet.rowNumbers[k], cells };
  });
  return { table: tableOf(source, sheet.header, records), sheet: sheet.name, normalised };
}

export async function readFinance(path: string): Promise<FinanceFile> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'file not found' : `cannot be read: ${(err as Error).message}`);
  }
  const source = basename(path);
  const file = { path, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') {
    const { table, sheet, normalised } = readXlsxFinance(source, path);
    return { table, format: 'xlsx', encoding: null, sheet, normalised, file };
  }
  if (ext === '.csv' || ext === '.txt') {
    const { table, encoding } = readCsvFinance(source, buf);
    return { table, format: 'csv', encoding, sheet: null, normalised: [], file };
  }
  if (ext === '.xls') throw new InputError(path, 'old Excel .xls is not read: save the sheet as .xlsx or as CSV');
  throw new InputError(path, `unsupported file type "${ext || '(none)'}": expected .csv or .xlsx`);
}
