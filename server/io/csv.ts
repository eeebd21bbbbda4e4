/**
 * CSV as Excel in a Chinese locale reads it: UTF-8 with a byte-order mark, CRLF line ends,
 * RFC 4180 quoting. Numbers are written in full (shortest round-trip form): the CSVs never round.
 */
import { InputError } from '../errors.ts';
import { parseDelimited } from './delimited.ts';

export type Cell = string | number | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/**
 * Header (trimmed) and records keyed by it, empty cells null, with the line each record starts
 * on, for messages that name the row.
 */
export function csvTable(text: string, file: string): { header: string[]; records: { line: number; cells: Record<string, string | null> }[] } {
  const { header, rows, lines } = parseDelimited(text, (reason) => {
    throw new InputError(file, reason);
  });
  const names = header.map((h) => h.trim());
  const records = rows.map((r, k) => ({
    line: lines[k],
    cells: Object.fromEntries(names.map((h, i) => {
      const v = r[i]?.trim() ?? '';
      return [h, v === '' ? null : v];
    })),
  }));
  return { header: names, records };
}
