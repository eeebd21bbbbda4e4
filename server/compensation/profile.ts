import type { ZoneType } from '../screening/fields.ts';
import type { FinanceValues } from './finance.ts';
import type { Decimal } from './money.ts';
import type { Quantities } from './quantities.ts';
import type {
  Check, Deadline, ExitKind, FacilityTrace, ItemDraft, LicenceType, OptionSpec, OptionValue, Restoration,
  RevenueShareRow, ScreenedLicence, TraceInput,
} from './types.ts';

/**
 * A policy profile: one policy document as data (zone types, options, revenue shares, clauses)
 * plus two small functions, its eligibility checks and its line items. The engine does the rest
 * (rounding, restoration, who pays, totals) the same way for every profile, and never names a
 * province: a new one is a new module and a line in registry.ts.
 */
export interface Profile {
  id: string;
  /** the document's full title */
  title: string;
  /** short citation used before clause numbers, e.g. 某自然资规〔2023〕7号 */
  document: string;
  /** the zone types whose overlap forms the exit range */
  zoneTypes: readonly ZoneType[];
  /** those zones in words, for reasons and messages */
  zoneWords: string;
  licenceTypes: readonly LicenceType[];
  /** the profile's own named readings (the engine adds the common ones) */
  options: readonly OptionSpec[];
  /** default revenue-share table (the bureau may replace it in its configuration) */
  revenueShares: readonly RevenueShareRow[];
  restoration: {
    clause: string;
    /** restoration states that deduct nothing */
    zeroStatuses: readonly Restoration[];
    /** what the deduction is, in the document's words */
    words: string;
  };
  /** when and how the payable amount is paid, in words (the trace carries it) */
  paymentConditions: string;
  /** procedure deadlines in working days (carried in the trace; the case ledger computes dates) */
  deadlines: readonly Deadline[];
  /** whether a facility layer can feed a line item */
  usesFacilities: boolean;
  eligibility(ctx: RuleContext): Check[];
  lineItems(ctx: RuleContext): ItemDraft[];
}

/** Facilities selected for one licence from the facility layer. */
export interface FacilitySelection {
  traces: FacilityTrace[];
  counted: { value: Decimal; input: TraceInput }[];
}

/** What a profile's functions see of one licence. */
export interface RuleContext {
  f: FinanceValues;
  q: Quantities;
  licence: ScreenedLicence | null;
  licenceType: LicenceType;
  exitKind: ExitKind;
  options: Readonly<Record<string, OptionValue>>;
  /** the facility layer's selection for this licence; null when no layer was given */
  facilities(): FacilitySelection | null;
  warn(text: string): void;
}
