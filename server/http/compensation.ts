/**
 * Compensation in the service: the same engine as `redline compensate`, fed from the store
 * instead of a screening folder. The figures go through the same text as the CLI's CSVs (a
 * number as screening.csv writes it, then decimal.js), so the service and the CLI compute the
 * same amounts to the fen.
 */
import { Dec, type Decimal } from '../compensation/money.ts';
import type {
  CompensationResult, FinanceRow, FinanceTable, LicenceCompensation, LineItem, PayerSplit, ScreenedBlock, ScreenedLicence,
  ScreeningInput,
} from '../compensation/types.ts';
import { csvCell } from '../io/csv.ts';
import { COMPENSATION_COLUMNS, compensationRow } from '../io/compensation-out.ts';
import type { ScreeningResult } from '../screening/types.ts';
import type { Json, Run, Store } from '../store/store.ts';
import { runId } from './ids.ts';

/** A number as screening.csv / reserves.csv write it, read back as readScreening reads it. */
function csvDecimal(n: number): Decimal {
  return new Dec(csvCell(n));
}

function csvDecimalOrNull(n: number | null): Decimal | null {
  return n === null || !Number.isFinite(n) ? null : new Dec(csvCell(n));
}

/** The ScreeningInput readScreening would build from this run's output folder. */
export function screeningInput(run: Run, result: ScreeningResult): ScreeningInput {
  const folder = runId(run.id);
  const licences: ScreenedLicence[] = result.licences.map((l) => ({
    licenceId: l.licenceId,
    name: l.name === null || l.name === '' ? null : l.name,
    status: l.status,
    licenceAreaPlaneM2: csvDecimal(l.licenceAreaPlane),
    licenceAreaEllipsoidalM2: csvDecimal(l.licenceAreaEllipsoidal),
    exitAreaPlaneM2: csvDecimal(l.exitAreaPlane),
    exitAreaEllipsoidalM2: csvDecimal(l.exitAreaEllipsoidal),
    warnings: [...l.warnings],
    blocks: [],
    exitRange: null,
  }));
  const byId = new Map(licences.map((l) => [l.licenceId, l]));
  const hasReserves = run.reserves !== null;
  if (hasReserves) {
    for (const b of result.blocks) {
      const block: ScreenedBlock = {
        blockId: b.blockId,
        oreT: csvDecimalOrNull(b.oreT),
        metalT: csvDecimalOrNull(b.metalT),
        exitFraction: csvDecimal(b.exitFraction),
        exitOreT: csvDecimalOrNull(b.exitOreT),
        exitMetalT: csvDecimalOrNull(b.exitMetalT),
        // the screening marks blocks outside the licence's mining elevations this way (classify.ts)
        excluded: b.note?.startsWith('excluded') ?? false,
        note: b.note,
      };
      byId.get(b.licenceId)?.blocks.push(block);
    }
  }
  return {
    sources: {
      licences: `${folder}/screening.csv`, reserves: hasReserves ? `${folder}/reserves.csv` : null, exitRanges: null, run: `${folder}/run.json`,
    },
    licences,
    zoneTypes: [...result.zoneTypes],
    hasReserves,
  };
}

/** The run's finance table as it was uploaded (or edited), or null when it has none. */
export async function financeTable(store: Store, runId: number): Promise<FinanceTable | null> {
  const rows = await store.finance(runId);
  if (rows.length === 0) return null;
  // the columns as the file had them: every row keeps every column of the header (empty as null)
  const columns: string[] = [];
  for (const r of rows) for (const c of Object.keys(r.cells)) if (c !== '' && !columns.includes(c)) columns.push(c);
  const source = (await store.financeSource(runId)) ?? 'finance';
  return { source, columns, rows: rows.map((r) => ({ row: r.row, cells: { ...r.cells } })) };
}

/** The table with one licence's row replaced (or added after the last row). */
export function withRow(table: FinanceTable | null, licenceId: string, cells: Record<string, string | null>, source: string): FinanceTable {
  const rows: FinanceRow[] = table ? [...table.rows] : [];
  const at = rows.findIndex((r) => r.cells.licence_id?.trim() === licenceId);
  // spreadsheet row numbers: the header is row 1
  const number = at >= 0 ? rows[at].row : Math.max(1, ...rows.map((r) => r.row)) + 1;
  const row: FinanceRow = { row: number, cells: { ...cells, licence_id: licenceId } };
  if (at >= 0) rows[at] = row;
  else rows.push(row);
  const columns = [...(table?.columns ?? [])];
  for (const c of Object.keys(row.cells)) if (!columns.includes(c)) columns.push(c);
  return { source: table?.source ?? source, columns, rows };
}

/** compensation.csv's rows as objects: the same strings, two decimals, empty cells "". */
export function compensationItems(result: CompensationResult): Record<string, string>[] {
  return result.licences.map((l) => {
    const cells = compensationRow(l);
    // the cell text itself, not CSV-quoted
    return Object.fromEntries(COMPENSATION_COLUMNS.map((c, i) => [c, cells[i] === null || cells[i] === undefined ? '' : String(cells[i])]));
  });
}

// ---------------------------------------------------------------- the stored trace

type JsonObject = { [key: string]: Json };

const dec = (v: Json | undefined): Decimal => new Dec(String(v));
const decOrNull = (v: Json | undefined): Decimal | null => (v === null || v === undefined ? null : dec(v));

function payers(v: Json | undefined): PayerSplit | null {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) return null;
  return { central: dec(v.central), province: dec(v.province), cityCounty: dec(v.cityCounty), localUnsplit: dec(v.localUnsplit), unallocated: dec(v.unallocated) };
}

/**
 * A licence's compensation as the store keeps it (the engine's object as JSON, amounts as their
 * exact text) back to the engine's types, so the case view writes the trace with the same
 * function as compensation.json.
 */
export function reviveLicence(detail: Json): LicenceCompensation {
  const d = detail as JsonObject;
  const items = ((d.lineItems ?? []) as JsonObject[]).map((i) => ({
    ...(i as unknown as LineItem),
    amount: dec(i.amount),
    result: dec(i.result),
    payers: payers(i.payers) as PayerSplit,
  }));
  const restoration = d.restoration as JsonObject | null;
  return {
    ...(d as unknown as LicenceCompensation),
    lineItems: items,
    restoration: restoration ? { ...(restoration as unknown as NonNullable<LicenceCompensation['restoration']>), deduction: dec(restoration.deduction) } : null,
    gross: decOrNull(d.gross),
    restorationDeduction: decOrNull(d.restorationDeduction),
    payable: decOrNull(d.payable),
    owedByHolder: decOrNull(d.owedByHolder),
    payers: payers(d.payers),
  };
}
