import { InputError } from '../errors.ts';
import { checkRevenueShares, COMMON_OPTIONS, resolveOptions, type ProfileConfig } from './config.ts';
import { selectFacilities } from './facilities.ts';
import { fenWarnings, financeRows, FinanceValues, unknownColumns } from './finance.ts';
import { roundYuan, sum, yuan, ZERO } from './money.ts';
import { addSplits, allocate, NO_PAYERS } from './payers.ts';
import type { FacilitySelection, Profile, RuleContext } from './profile.ts';
import { Quantities } from './quantities.ts';
import { findProfile, profileIds } from './registry.ts';
import type {
  Check, CompensationResult, ExitKind, FacilityLayer, FinanceTable, LicenceCompensation, LicenceType, LineItem,
  OptionValue, Restoration, RestorationTrace, RevenueShareRow, ScreenedLicence, ScreeningInput,
} from './types.ts';

/**
 * The compensation engine: screening results and the finance table of each licence in, the
 * compensation the policy allows out, line by line with its sources. Pure: the callers read the
 * files (server/io) and write the results. Errors in the inputs are InputErrors naming the file,
 * row, licence and column.
 */

export interface CompensateInput {
  /** a profile id (see profileIds()) or a Profile */
  profile: Profile | string;
  screening: ScreeningInput;
  finance: FinanceTable;
  /** facility layer in CGCS2000 lon/lat; exit ranges must then be loaded in `screening` */
  facilities?: FacilityLayer | null;
  /** the bureau's option values and revenue-share table */
  config?: ProfileConfig;
}

export function resolveProfile(profile: Profile | string): Profile {
  if (typeof profile !== 'string') return profile;
  const p = findProfile(profile);
  if (!p) throw new InputError('--policy', `unknown profile "${profile}"; profiles are ${profileIds().join(', ')}`);
  return p;
}

/** A profile counts only its zone types: a screening against others would inflate the exit. */
function checkZoneTypes(profile: Profile, screening: ScreeningInput, warnings: string[]): void {
  const types = screening.zoneTypes;
  const only = `make sure it ran against ${profile.zoneWords} only`;
  if (types === null) {
    warnings.push(`no run.json in the screening folder: the zone types screened cannot be checked; ${only}`);
    return;
  }
  const other = types.filter((t) => !(profile.zoneTypes as readonly string[]).includes(t));
  if (other.length > 0) {
    throw new InputError(
      screening.sources.run ?? 'run.json',
      `the screening ran against ${types.join(' and ')} zones, but ${profile.id} counts only ${profile.zoneWords}: ` +
      `screen again with only the ${profile.zoneTypes.join(' / ')} layer(s) as --zones, then compensate`,
    );
  }
  if (types.length === 0) warnings.push(`run.json names no zone types (the zone layers had no recognisable type): ${only}`);
}

function commonChecks(profile: Profile, type: LicenceType, licence: ScreenedLicence | null, warn: (t: string) => void): Check[] {
  const checks: Check[] = [];
  const clause = profile.document;
  checks.push((profile.licenceTypes as readonly string[]).includes(type)
    ? { clause, passed: true, text: `${type} is covered by ${profile.id}` }
    : { clause, passed: false, text: `${profile.id} does not cover this kind of licence (${type}); it covers ${profile.licenceTypes.join(', ')}` });
  if (!licence) {
    warn(`not in the screening: whether it lies in ${profile.zoneWords} is not checked`);
    return checks;
  }
  const s = licence.status;
  if (s === 'partial' || s === 'whole') {
    checks.push({ clause, passed: true, text: `lies ${s === 'whole' ? 'wholly' : 'partly'} in ${profile.zoneWords} (screening: ${s})` });
  } else if (s === 'sliver') {
    checks.push({ clause, passed: false, text: `meets ${profile.zoneWords} only in a sliver below the screening tolerance: a boundary mismatch, not an exit` });
  } else {
    checks.push({ clause, passed: false, text: `does not lie in ${profile.zoneWords} according to the screening (overlap class ${s}): there is no exit range` });
  }
  return checks;
}

function restorationOf(profile: Profile, f: FinanceValues, warn: (t: string) => void): RestorationTrace {
  const status = f.choice<Restoration>('restoration', 'the restoration deduction');
  const input = f.input('restoration', 'restoration', status, '');
  const clause = profile.restoration.clause;
  if (profile.restoration.zeroStatuses.includes(status)) {
    if (f.text('restoration_cost_yuan') !== null) warn(`restoration_cost_yuan is not deducted: restoration is ${status}`);
    const words = status === 'accepted' ? 'done by the holder and accepted' : 'not needed';
    return { status, clause, formula: `restoration ${words}: no deduction`, inputs: [input], deduction: ZERO };
  }
  const cost = f.number('restoration_cost_yuan', 'the restoration deduction (restoration not done)');
  return {
    status,
    clause,
    formula: `restoration not done: ${profile.restoration.words}; deduction = restoration cost`,
    inputs: [input, f.input('restoration cost', 'restoration_cost_yuan', cost, 'yuan')],
    deduction: roundYuan(cost),
  };
}

interface Shared {
  profile: Profile;
  screening: ScreeningInput;
  finance: FinanceTable;
  facilities: FacilityLayer | null;
  options: Readonly<Record<string, OptionValue>>;
  shares: readonly RevenueShareRow[];
  byId: Map<string, ScreenedLicence>;
}

function compensateRow(s: Shared, f: FinanceValues): LicenceCompensation {
  const { profile } = s;
  const warnings: string[] = [];
  const warn = (t: string): void => {
    if (!warnings.includes(t)) warnings.push(t);
  };
  const licenceType = f.choice<LicenceType>('licence_type', 'every rule');
  const exitKind = f.choice<ExitKind>('exit_kind', 'every rule');
  const licence = s.byId.get(f.licenceId) ?? null;
  if (!licence && licenceType !== 'enterprise') {
    throw f.error('licence_id', `names a licence that is not in ${s.screening.sources.licences}: screen it first, or check the id`);
  }
  for (const w of licence?.warnings ?? []) warn(`screening: ${w}`);
  for (const w of fenWarnings(f)) warn(w);
  if (licence?.status === 'whole' && exitKind === 'partial') {
    warn('exit_kind is partial but the screening finds the whole licence in the zones: computed as a partial exit; consider whole');
  }
  let selection: FacilitySelection | null | undefined;
  const ctx: RuleContext = {
    f,
    q: new Quantities(licence, s.screening, f, exitKind, s.options, warn),
    licence,
    licenceType,
    exitKind,
    options: s.options,
    facilities: () => (selection ??= s.facilities ? selectFacilities(s.facilities, f.licenceId, licence, exitKind) : null),
    warn,
  };
  ctx.q.checkCertificateArea();
  const checks = commonChecks(profile, licenceType, licence, warn);
  if (checks.every((c) => c.passed)) checks.push(...profile.eligibility(ctx));
  const base = {
    licenceId: f.licenceId, name: licence?.name ?? null, row: f.row.row, licenceType, exitKind,
    status: licence?.status ?? null, checks, warnings,
  };
  if (!checks.every((c) => c.passed)) {
    return {
      ...base, eligible: false, reasons: checks.filter((c) => !c.passed).map((c) => `${c.text} (${c.clause})`),
      lineItems: [], facilities: null, restoration: null, gross: null, restorationDeduction: null, payable: null,
      owedByHolder: null, payers: null,
    };
  }
  const lineItems = profile.lineItems(ctx).map((d): LineItem => {
    const { paidBy, ...rest } = d;
    // the one rounding of the item; shares and totals are built from this figure
    const result = roundYuan(d.amount);
    if (result.isNegative()) throw new Error(`${profile.id}: line item ${d.item} of ${f.licenceId} is negative (${yuan(result)}): a profile bug`);
    const { payers, basis } = allocate(result, paidBy, s.shares, warn);
    return { ...rest, result, payers, payersBasis: basis };
  });
  const gross = sum(lineItems.map((i) => i.result));
  const restoration = restorationOf(profile, f, warn);
  const net = gross.minus(restoration.deduction);
  return {
    ...base,
    eligible: true,
    reasons: [],
    lineItems,
    facilities: selection?.traces ?? null,
    restoration,
    gross,
    restorationDeduction: restoration.deduction,
    payable: net.isNegative() ? ZERO : net,
    owedByHolder: net.isNegative() ? net.negated() : ZERO,
    payers: lineItems.reduce((acc, i) => addSplits(acc, i.payers), { ...NO_PAYERS }),
  };
}

export function compensate(input: CompensateInput): CompensationResult {
  const profile = resolveProfile(input.profile);
  const { screening, finance } = input;
  const facilities = input.facilities ?? null;
  const configSource = input.config?.source ?? 'profile configuration';
  const options = resolveOptions([...COMMON_OPTIONS, ...profile.options], input.config?.options, configSource);
  const shares = input.config?.revenue_shares !== undefined
    ? checkRevenueShares(input.config.revenue_shares, configSource)
    : profile.revenueShares;
  const warnings: string[] = [];
  checkZoneTypes(profile, screening, warnings);
  if (finance.rows.length === 0) throw new InputError(finance.source, 'the finance table has no rows');
  const unknown = unknownColumns(finance);
  if (unknown.length > 0) warnings.push(`${finance.source}: column(s) ${unknown.join(', ')} are not finance columns and are ignored (a typo?)`);
  if (facilities && !profile.usesFacilities) warnings.push(`${profile.id} has no facilities item: the facility layer ${facilities.source} is not used`);
  if (facilities && profile.usesFacilities && screening.sources.exitRanges === null) {
    warnings.push('the exit ranges (overlaps.geojson) were not loaded: facilities are selected by licence id only');
  }

  const shared: Shared = { profile, screening, finance, facilities, options, shares, byId: new Map(screening.licences.map((l) => [l.licenceId, l])) };
  const rows = financeRows(finance);
  const licences: LicenceCompensation[] = rows.map((f) => compensateRow(shared, f));
  const inTable = new Set(rows.map((f) => f.licenceId));
  const missing = screening.licences.filter((l) => (l.status === 'partial' || l.status === 'whole') && !inTable.has(l.licenceId));
  if (missing.length > 0) {
    warnings.push(`${missing.length} screened licence(s) with an exit have no row in ${finance.source}: ${missing.slice(0, 10).map((l) => l.licenceId).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  }
  warnings.push(...doubleCounted(licences));
  const eligible = licences.filter((l) => l.eligible);
  return {
    profile: {
      id: profile.id, title: profile.title, document: profile.document, zoneTypes: profile.zoneTypes, options,
      revenueShares: shares, paymentConditions: profile.paymentConditions, deadlines: profile.deadlines,
    },
    licences,
    totals: {
      licences: licences.length,
      eligible: eligible.length,
      gross: sum(eligible.map((l) => l.gross ?? ZERO)),
      payable: sum(eligible.map((l) => l.payable ?? ZERO)),
      owedByHolder: sum(eligible.map((l) => l.owedByHolder ?? ZERO)),
    },
    warnings,
  };
}

/** A facility without licence id in the exit ranges of two licences would be paid twice. */
function doubleCounted(licences: LicenceCompensation[]): string[] {
  const byFacility = new Map<number, string[]>();
  for (const l of licences) {
    for (const t of l.facilities ?? []) {
      if (t.counted && t.licenceId === null) byFacility.set(t.index, [...(byFacility.get(t.index) ?? []), l.licenceId]);
    }
  }
  return [...byFacility].filter(([, ids]) => ids.length > 1)
    .map(([index, ids]) => `facility #${index} has no licence id and lies in the exit ranges of ${ids.join(' and ')}: counted for each; give it a licence id`);
}
