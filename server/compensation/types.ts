import type { MultiPolygon } from '../geo/types.ts';
import type { ZoneType } from '../screening/fields.ts';
import type { Status } from '../screening/types.ts';
import type { Decimal } from './money.ts';

/**
 * The compensation engine's vocabulary. Names follow the glossary of the policy folder: one name
 * per concept, the same in the code, the finance columns, compensation.csv and the trace.
 */

export type LicenceType = 'exploration' | 'mining' | 'enterprise';
export type ExitKind = 'whole' | 'partial';
export type ApprovalLevel = 'province' | 'city_county';
export type Restoration = 'accepted' | 'not_needed' | 'not_done';
export type ReserveQuantity = 'ore' | 'metal';
export type PriceBasis = 'reserves' | 'area';

// ---------------------------------------------------------------- inputs

/** A reserve block of a licence as `reserves.csv` gives it. */
export interface ScreenedBlock {
  blockId: string;
  oreT: Decimal | null;
  metalT: Decimal | null;
  exitFraction: Decimal;
  exitOreT: Decimal | null;
  exitMetalT: Decimal | null;
  /** the screening excluded the block (its elevations lie outside the licence's) */
  excluded: boolean;
  note: string | null;
}

/** One licence of the screening (`screening.csv`), with its reserve blocks. */
export interface ScreenedLicence {
  licenceId: string;
  name: string | null;
  status: Status;
  licenceAreaPlaneM2: Decimal;
  licenceAreaEllipsoidalM2: Decimal;
  exitAreaPlaneM2: Decimal;
  exitAreaEllipsoidalM2: Decimal;
  warnings: string[];
  blocks: ScreenedBlock[];
  /** the exit range in CGCS2000 lon/lat, when it was loaded (facility selection needs it) */
  exitRange: MultiPolygon | null;
}

export interface ScreeningInput {
  /** how the trace names where each spatial figure came from */
  sources: { licences: string; reserves: string | null; exitRanges: string | null; run: string | null };
  licences: ScreenedLicence[];
  /** zone types the screening ran against (run.json); null when unknown (no run.json) */
  zoneTypes: string[] | null;
  /** false when the screening ran without reserve blocks (no reserves.csv) */
  hasReserves: boolean;
}

/** One row of the finance table: cells by column name, empty cells as null, all text. */
export interface FinanceRow {
  /** the row number a spreadsheet shows (the header is row 1) */
  row: number;
  cells: Readonly<Record<string, string | null>>;
}

export interface FinanceTable {
  /** file name for messages and the trace */
  source: string;
  /** column names as found (lower-cased, trimmed) */
  columns: string[];
  rows: FinanceRow[];
}

/** A facility (开采设施), in CGCS2000 lon/lat. Values are the layer's text, parsed by the engine. */
export interface Facility {
  index: number;
  id: string | null;
  licenceId: string | null;
  netValue: string | null;
  relocated: string | null;
  geometry: { kind: 'point'; points: Float64Array } | { kind: 'polygon'; polygons: MultiPolygon } | null;
}

export interface FacilityLayer {
  source: string;
  features: Facility[];
}

// ---------------------------------------------------------------- the trace

/** An input of a formula, with where it came from. */
export interface TraceInput {
  name: string;
  value: string;
  unit: string;
  source: string;
}

/** The column of compensation.csv a line item adds to. */
export type ItemKind = 'price_refund' | 'investment' | 'facilities';

/** Who pays a line item: the revenue shares at the payment date, or one government level. */
export type PaidBy =
  | { kind: 'revenue_share'; date: string; dateSource: string }
  | { kind: 'level'; level: ApprovalLevel; why: string };

/** A line item as a profile states it: unrounded; the engine rounds it, once. */
export interface ItemDraft {
  item: ItemKind;
  rule: string;
  /** document and clause, e.g. 某自然资规〔2023〕7号 三（二） */
  clause: string;
  formula: string;
  inputs: TraceInput[];
  amount: Decimal;
  /** only when the amount is not zero: who pays needs inputs a zero item must not demand */
  paidBy: () => PaidBy;
}

export interface PayerSplit {
  central: Decimal;
  province: Decimal;
  cityCounty: Decimal;
  /** local share of a price refund where the profile's table has no province : city-county split */
  localUnsplit: Decimal;
  /** a price refund paid on a date no revenue-share row covers */
  unallocated: Decimal;
}

export interface LineItem extends Omit<ItemDraft, 'paidBy'> {
  /** the amount rounded once to 0.01 yuan, half up */
  result: Decimal;
  payers: PayerSplit;
  /** how the payers were found, in words */
  payersBasis: string;
}

export interface Check {
  clause: string;
  passed: boolean;
  /** in the words a bureau uses; for a failed check, why the licence is not compensated */
  text: string;
}

export interface RestorationTrace {
  status: Restoration;
  clause: string;
  formula: string;
  inputs: TraceInput[];
  deduction: Decimal;
}

export interface FacilityTrace {
  index: number;
  id: string | null;
  licenceId: string | null;
  netValue: string | null;
  relocated: boolean | null;
  counted: boolean;
  why: string;
}

export interface LicenceCompensation {
  licenceId: string;
  name: string | null;
  /** row of the finance table */
  row: number;
  licenceType: LicenceType;
  exitKind: ExitKind;
  /** overlap class in the screening; null for an enterprise that was not screened */
  status: Status | null;
  eligible: boolean;
  /** why not eligible (empty when eligible) */
  reasons: string[];
  checks: Check[];
  lineItems: LineItem[];
  facilities: FacilityTrace[] | null;
  restoration: RestorationTrace | null;
  /** null when not eligible: no payable amount at all, not a zero one */
  gross: Decimal | null;
  restorationDeduction: Decimal | null;
  payable: Decimal | null;
  owedByHolder: Decimal | null;
  payers: PayerSplit | null;
  warnings: string[];
}

export interface RevenueShareRow {
  /** first and last day of payment (ISO dates, inclusive); `to` null = still in force */
  from: string;
  to: string | null;
  /** shares as decimal text, e.g. "0.4" */
  central: string;
  local: string;
  /** the local share split (province : city-county), when configured */
  province: string | null;
  cityCounty: string | null;
  source: string;
}

export type OptionValue = string | readonly string[];

export interface OptionSpec {
  key: string;
  description: string;
  default: OptionValue;
  /** validates a configured value; throws an Error with the reason */
  parse(value: unknown): OptionValue;
}

export interface Deadline {
  step: string;
  workingDays: number;
  clause: string;
}

export interface CompensationResult {
  profile: {
    id: string;
    title: string;
    document: string;
    zoneTypes: readonly ZoneType[];
    options: Record<string, OptionValue>;
    revenueShares: readonly RevenueShareRow[];
    paymentConditions: string;
    deadlines: readonly Deadline[];
  };
  licences: LicenceCompensation[];
  totals: { licences: number; eligible: number; gross: Decimal; payable: Decimal; owedByHolder: Decimal };
  warnings: string[];
}
