import { InputError } from '../errors.ts';
import { parseDecimal, parseShare, plain, type Decimal } from './money.ts';
import type { FinanceRow, FinanceTable, TraceInput } from './types.ts';

/**
 * The finance table: one row per licence, figures from the third-party accounting or appraisal
 * firm and the licence register. Every cell is text here; each is parsed when the row is checked
 * (a typo fails at once, naming row, licence and column) and demanded only when a rule needs it,
 * so an empty cell means "not given" and only a rule that needs it turns that into an error.
 */

type ColumnType = 'text' | 'choice' | 'money' | 'quantity' | 'share' | 'date' | 'yes_no';

export const FINANCE_COLUMNS = {
  licence_id: 'text',
  licence_type: 'choice',
  exit_kind: 'choice',
  approval_level: 'choice',
  certificate_area_km2: 'quantity',
  paid_price_yuan: 'money',
  price_basis: 'choice',
  basis_reserves_t: 'quantity',
  reserve_quantity: 'choice',
  exploration_investment_yuan: 'money',
  fiscal_share: 'share',
  facilities_yuan: 'money',
  relocation_yuan: 'money',
  appraised_investment_yuan: 'money',
  restoration: 'choice',
  restoration_cost_yuan: 'money',
  established_date: 'date',
  licence_valid: 'yes_no',
  consolidation_compensated: 'yes_no',
  court_ordered: 'yes_no',
  enterprise_amount_yuan: 'money',
  // Not in the list: the date the price was paid, when it differs from established_date
  // (the revenue shares in force then split the refund). Optional; established_date otherwise.
  price_paid_date: 'date',
} as const satisfies Record<string, ColumnType>;

export type FinanceColumn = keyof typeof FINANCE_COLUMNS;

/** The values each choice column takes; the Chinese words bureaus type are accepted as well. */
export const CHOICES: Record<string, Readonly<Record<string, string>>> = {
  licence_type: { exploration: 'exploration', mining: 'mining', enterprise: 'enterprise', 探矿权: 'exploration', 采矿权: 'mining', 工矿企业: 'enterprise', 企业: 'enterprise' },
  exit_kind: { whole: 'whole', partial: 'partial', 整体退出: 'whole', 注销: 'whole', 部分退出: 'partial', 核减部分范围退出: 'partial' },
  approval_level: { province: 'province', city_county: 'city_county', 省级: 'province', 省: 'province', 市县: 'city_county', 市县级: 'city_county' },
  price_basis: { reserves: 'reserves', area: 'area', 储量: 'reserves', 面积: 'area' },
  reserve_quantity: { ore: 'ore', metal: 'metal', 矿石量: 'ore', 金属量: 'metal' },
  restoration: { accepted: 'accepted', not_needed: 'not_needed', not_done: 'not_done', 已验收: 'accepted', 验收合格: 'accepted', 无需治理: 'not_needed', 未修复: 'not_done', 未治理: 'not_done' },
};

// TRUE/FALSE and 1/0: what a spreadsheet's boolean cells come back as
const YES: Readonly<Record<string, boolean>> = { yes: true, no: false, y: true, n: false, 是: true, 否: false, true: true, false: false, '1': true, '0': false };

function isColumn(name: string): name is FinanceColumn {
  return Object.hasOwn(FINANCE_COLUMNS, name);
}

/** Columns of the table redline does not know (likely typos), for a warning. */
export function unknownColumns(table: FinanceTable): string[] {
  return table.columns.filter((c) => !isColumn(c));
}

/** ISO date from 2015-03-01, 2015/3/1, 2015.03.01, 20150301, 2015年3月1日 (a time after it is ignored). */
export function parseDate(text: string): string | null {
  const m = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))(?:[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Every row of the table checked and typed, one row per licence: a second row for a licence is
 * refused with both row numbers (which of two figures would be meant cannot be guessed).
 */
export function financeRows(table: FinanceTable): FinanceValues[] {
  if (!table.columns.includes('licence_id')) throw new InputError(table.source, `no licence_id column (columns: ${table.columns.join(', ')})`);
  const seen = new Map<string, number>();
  return table.rows.map((row) => {
    const f = new FinanceValues(table, row);
    const first = seen.get(f.licenceId);
    if (first !== undefined) throw new InputError(table.source, `row ${row.row}: licence ${f.licenceId} is already in row ${first}; one row per licence`);
    seen.set(f.licenceId, row.row);
    return f;
  });
}

/** The typed cells of one finance row, with messages that name the row, licence and column. */
export class FinanceValues {
  readonly licenceId: string;

  constructor(
    readonly table: FinanceTable,
    readonly row: FinanceRow,
  ) {
    const id = row.cells.licence_id?.trim();
    if (!id) throw new InputError(table.source, `row ${row.row}: licence_id is empty`);
    this.licenceId = id;
    for (const [col, value] of Object.entries(row.cells)) {
      if (value !== null && isColumn(col) && col !== 'licence_id') this.parse(col, value);
    }
  }

  error(col: string, reason: string): InputError {
    return new InputError(this.table.source, `row ${this.row.row} (licence ${this.licenceId}): column ${col} ${reason}`);
  }

  text(col: FinanceColumn): string | null {
    const v = this.row.cells[col];
    return v === undefined || v === null || v.trim() === '' ? null : v.trim();
  }

  /** The value of a column a rule needs: an empty or absent cell is an error saying which rule. */
  private need(col: FinanceColumn, why: string): string {
    const v = this.text(col);
    if (v !== null) return v;
    if (!this.table.columns.includes(col)) throw this.error(col, `is not in the table; ${why} needs it`);
    throw this.error(col, `is empty; ${why} needs it`);
  }

  private parse(col: FinanceColumn, raw: string): Decimal | string | boolean {
    const type: ColumnType = FINANCE_COLUMNS[col];
    const v = raw.trim();
    switch (type) {
      case 'text':
        return v;
      case 'choice': {
        const choices = CHOICES[col];
        const c = choices[v.toLowerCase()] ?? choices[v];
        if (!c) throw this.error(col, `is "${v}"; expected ${[...new Set(Object.values(choices))].join(' or ')}`);
        return c;
      }
      case 'yes_no': {
        const b = YES[v.toLowerCase()];
        if (b === undefined) throw this.error(col, `is "${v}"; expected yes or no`);
        return b;
      }
      case 'date': {
        const d = parseDate(v);
        if (d === null) throw this.error(col, `is "${v}"; expected a date such as 2016-07-14`);
        return d;
      }
      case 'share': {
        const s = parseShare(v);
        if (s === null || s.lt(0) || s.gt(1)) throw this.error(col, `is "${v}"; expected a share from 0 to 1 (or 0 % to 100 %)`);
        return s;
      }
      case 'money':
      case 'quantity': {
        if (/^[-+]?\d*\.?\d+e[-+]?\d+$/i.test(v)) {
          throw this.error(col, `is "${v}", in exponent notation, which has lost digits; write the number in full`);
        }
        const d = parseDecimal(v);
        if (d === null) throw this.error(col, `is "${v}"; expected a number${type === 'money' ? ' in yuan' : ''}`);
        if (d.lt(0)) throw this.error(col, `is ${v}; it cannot be negative`);
        return d;
      }
    }
  }

  choice<T extends string>(col: FinanceColumn, why: string): T {
    return this.parse(col, this.need(col, why)) as T;
  }

  optionalChoice<T extends string>(col: FinanceColumn): T | null {
    const v = this.text(col);
    return v === null ? null : (this.parse(col, v) as T);
  }

  yesNo(col: FinanceColumn, why: string): boolean {
    return this.parse(col, this.need(col, why)) as boolean;
  }

  date(col: FinanceColumn, why: string): string {
    return this.parse(col, this.need(col, why)) as string;
  }

  optionalDate(col: FinanceColumn): string | null {
    const v = this.text(col);
    return v === null ? null : (this.parse(col, v) as string);
  }

  /** A money amount, share or quantity a rule needs. */
  number(col: FinanceColumn, why: string): Decimal {
    return this.parse(col, this.need(col, why)) as Decimal;
  }

  optionalNumber(col: FinanceColumn): Decimal | null {
    const v = this.text(col);
    return v === null ? null : (this.parse(col, v) as Decimal);
  }

  /** Where a value came from, for the trace. */
  source(col: FinanceColumn): string {
    return `${this.table.source} row ${this.row.row}, ${col}`;
  }

  input(name: string, col: FinanceColumn, value: Decimal | string, unit: string): TraceInput {
    // yuan as an auditor reads them (12345678.90), other figures in full
    const text = typeof value === 'string' ? value : unit === 'yuan' && value.decimalPlaces() <= 2 ? value.toFixed(2) : plain(value);
    return { name, value: text, unit, source: this.source(col) };
  }
}

/** Money given with more than two decimals is usually a spreadsheet float: worth a look. */
export function fenWarnings(f: FinanceValues): string[] {
  const out: string[] = [];
  for (const [col, type] of Object.entries(FINANCE_COLUMNS)) {
    if (type !== 'money') continue;
    const v = f.optionalNumber(col as FinanceColumn);
    if (v !== null && v.decimalPlaces() > 2) {
      out.push(`${col} is ${plain(v)}, with more than two decimals (a spreadsheet float?); used as given`);
    }
  }
  return out;
}
