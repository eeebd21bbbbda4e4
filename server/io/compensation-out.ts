import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plain, sum, yuan, type Decimal } from '../compensation/money.ts';
import { addSplits, NO_PAYERS } from '../compensation/payers.ts';
import type { CompensationResult, ItemKind, LicenceCompensation, LineItem, PayerSplit } from '../compensation/types.ts';
import { toCsv, type Cell } from './csv.ts';

/** The files `redline compensate` writes; their columns are a contract (see README). */

export const COMPENSATION_COLUMNS = [
  'licence_id', 'eligible', 'reasons', 'price_refund_yuan', 'investment_yuan', 'facilities_yuan', 'gross_yuan',
  'restoration_deduction_yuan', 'payable_yuan', 'owed_by_holder_yuan', 'central_yuan', 'province_yuan',
  'city_county_yuan', 'warnings',
] as const;

function itemTotal(l: LicenceCompensation, kind: ItemKind): Decimal {
  return sum(l.lineItems.filter((i) => i.item === kind).map((i) => i.result));
}

/** One CSV row. A licence that is not eligible has no amounts at all: empty cells, not 0.00. */
export function compensationRow(l: LicenceCompensation): Cell[] {
  const money = (d: Decimal | null | undefined): string => (d === null || d === undefined ? '' : yuan(d));
  const e = l.eligible;
  return [
    l.licenceId,
    e ? 'yes' : 'no',
    l.reasons.join('; '),
    e ? money(itemTotal(l, 'price_refund')) : '',
    e ? money(itemTotal(l, 'investment')) : '',
    e ? money(itemTotal(l, 'facilities')) : '',
    money(l.gross),
    money(l.restorationDeduction),
    money(l.payable),
    money(l.owedByHolder),
    money(l.payers?.central),
    money(l.payers?.province),
    money(l.payers?.cityCounty),
    l.warnings.join(' | '),
  ];
}

function payersJson(p: PayerSplit): Record<string, string> {
  return {
    central_yuan: yuan(p.central),
    province_yuan: yuan(p.province),
    city_county_yuan: yuan(p.cityCounty),
    local_unsplit_yuan: yuan(p.localUnsplit),
    unallocated_yuan: yuan(p.unallocated),
  };
}

function itemJson(i: LineItem): object {
  return {
    item: i.item,
    rule: i.rule,
    clause: i.clause,
    formula: i.formula,
    inputs: i.inputs,
    unrounded: plain(i.amount),
    result_yuan: yuan(i.result),
    payers: { ...payersJson(i.payers), basis: i.payersBasis },
  };
}

const orNull = (d: Decimal | null): string | null => (d === null ? null : yuan(d));

export function licenceJson(l: LicenceCompensation): object {
  return {
    licence_id: l.licenceId,
    name: l.name,
    finance_row: l.row,
    licence_type: l.licenceType,
    exit_kind: l.exitKind,
    screening_status: l.status,
    eligible: l.eligible,
    reasons: l.reasons,
    checks: l.checks,
    line_items: l.lineItems.map(itemJson),
    facilities: l.facilities && l.facilities.map((f) => ({
      index: f.index, id: f.id, licence_id: f.licenceId, net_value_yuan: f.netValue, relocated: f.relocated, counted: f.counted, why: f.why,
    })),
    restoration: l.restoration && {
      status: l.restoration.status,
      clause: l.restoration.clause,
      formula: l.restoration.formula,
      inputs: l.restoration.inputs,
      deduction_yuan: yuan(l.restoration.deduction),
    },
    gross_yuan: orNull(l.gross),
    restoration_deduction_yuan: orNull(l.restorationDeduction),
    payable_yuan: orNull(l.payable),
    owed_by_holder_yuan: orNull(l.owedByHolder),
    payers: l.payers && {
      ...payersJson(l.payers),
      note: 'shares of the line items (they add up to gross_yuan); the restoration deduction is withheld from the payment to the holder',
    },
    warnings: l.warnings,
  };
}

export function compensationJson(result: CompensationResult, meta: Record<string, unknown>): object {
  const p = result.profile;
  return {
    ...meta,
    profile: {
      id: p.id,
      title: p.title,
      document: p.document,
      zone_types: p.zoneTypes,
      options: p.options,
      revenue_shares: p.revenueShares.map((r) => ({ from: r.from, to: r.to, central: r.central, local: r.local, province: r.province, city_county: r.cityCounty, source: r.source })),
      payment_conditions: p.paymentConditions,
      deadlines: p.deadlines.map((d) => ({ step: d.step, working_days: d.workingDays, clause: d.clause })),
    },
    money: 'decimal arithmetic (decimal.js); each line item rounded once to 0.01 yuan half up; totals are sums of rounded items; ratios unrounded',
    totals: {
      licences: result.totals.licences,
      eligible: result.totals.eligible,
      gross_yuan: yuan(result.totals.gross),
      payable_yuan: yuan(result.totals.payable),
      owed_by_holder_yuan: yuan(result.totals.owedByHolder),
      payers: payersJson(result.licences.reduce((acc, l) => (l.payers ? addSplits(acc, l.payers) : acc), { ...NO_PAYERS })),
    },
    warnings: result.warnings,
    licences: result.licences.map(licenceJson),
  };
}

/** Each file whole under a temporary name first, so a crash never leaves half a CSV. */
async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function writeCompensation(dir: string, result: CompensationResult, meta: Record<string, unknown>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'compensation.csv');
  const json = join(dir, 'compensation.json');
  await writeAtomic(csv, toCsv(COMPENSATION_COLUMNS, result.licences.map(compensationRow)));
  await writeAtomic(json, JSON.stringify(compensationJson(result, meta), null, 2) + '\n');
  return [csv, json];
}
