import type { FinanceColumn } from './finance.ts';
import { ONE, plain, sum, ZERO, type Decimal } from './money.ts';
import type { RuleContext } from './profile.ts';
import { exitRatio, type Quantity } from './quantities.ts';
import type { ApprovalLevel, ItemDraft, ItemKind, PaidBy, PriceBasis, TraceInput } from './types.ts';

/**
 * Building blocks the profiles share: the pro-rata price refund, amounts carried through from the
 * finance table, and who pays. They state formulas; rounding is the engine's, once per item.
 */

/** P: the price / transfer income actually paid. */
export function paidPrice(ctx: RuleContext, why: string): Quantity {
  const v = ctx.f.number('paid_price_yuan', why);
  return { value: v, inputs: [ctx.f.input('P', 'paid_price_yuan', v, 'yuan')] };
}

/** The price refund is split by the revenue shares in force when the price was paid. */
export function byRevenueShare(ctx: RuleContext): () => PaidBy {
  return () => {
    const paid = ctx.f.optionalDate('price_paid_date');
    if (paid !== null) return { kind: 'revenue_share', date: paid, dateSource: ctx.f.source('price_paid_date') };
    const date = ctx.f.date('established_date', 'who pays the price refund (the revenue shares in force when the price was paid)');
    return { kind: 'revenue_share', date, dateSource: `${ctx.f.source('established_date')} (no price_paid_date: the price taken as paid when the right was established)` };
  };
}

/** Other items are paid by the government level that approved the licence. */
export function byApprovalLevel(ctx: RuleContext, clause: string): () => PaidBy {
  return () => {
    const level = ctx.f.choice<ApprovalLevel>('approval_level', 'who pays this item (the level that approved the licence)');
    return { kind: 'level', level, why: `approved at ${level === 'province' ? 'province' : 'city/county'} level (${ctx.f.source('approval_level')}); ${clause}` };
  };
}

/** The price basis of the finance row; reserves when not given (the rules' own basis). */
export function priceBasis(ctx: RuleContext): PriceBasis {
  return ctx.f.optionalChoice<PriceBasis>('price_basis') ?? 'reserves';
}

export interface PriceRefundText {
  rule: string;
  clause: string;
}

/** A further factor of a formula, e.g. (1 − fiscal_share), with its words and inputs. */
export interface Factor {
  value: Decimal;
  words: string;
  inputs: TraceInput[];
}

/**
 * a × part × factors / whole, multiplying first and dividing once: the one division is exact
 * whenever the exact result is a terminating decimal, so a result exactly on a half fen rounds
 * as it should (P × (1/3) through a 40-digit ratio would land just below it).
 */
export function proRata(a: Decimal, part: Decimal, whole: Decimal, factors: readonly Factor[] = []): Decimal {
  if (whole.isZero()) return ZERO;
  return factors.reduce((x, f) => x.times(f.value), a.times(part)).div(whole);
}

/** P × Q_exit / Q_basis (Q_exit := Q_all for a whole exit). */
export function priceRefundByReserves(ctx: RuleContext, text: PriceRefundText, factors: readonly Factor[] = []): ItemDraft {
  const why = 'the price refund by reserves';
  const P = paidPrice(ctx, why);
  const kind = ctx.q.reserveQuantity(why);
  const qExit = ctx.q.reservesExit(kind, why);
  const qBasis = ctx.q.basisReserves(kind, why);
  const ratio = exitRatio(qExit, qBasis, 'Q_exit / Q_basis', (t) => ctx.warn(t));
  return {
    item: 'price_refund',
    ...text,
    formula: `P × Q_exit / Q_basis${factorWords(factors)}: the paid price in proportion to the ${kind} reserves ${ctx.exitKind === 'whole' ? 'of the whole licence (whole exit: Q_exit := Q_all)' : 'in the vertical projection of the exit range'} to the reserves the price was assessed on`,
    inputs: [...P.inputs, ...qExit.inputs, ...qBasis.inputs, ratioInput('Q_exit / Q_basis', ratio), ...factors.flatMap((f) => f.inputs)],
    amount: proRata(P.value, qExit.value, qBasis.value, factors),
    paidBy: byRevenueShare(ctx),
  };
}

/** P × A_exit / A (A the reference or certificate area; A_exit := A for a whole exit). */
export function priceRefundByArea(ctx: RuleContext, text: PriceRefundText, wording = 'A_ref', factors: readonly Factor[] = []): ItemDraft {
  const P = paidPrice(ctx, 'the price refund by area');
  const aExit = ctx.q.exitArea();
  const aRef = ctx.q.referenceArea();
  const ratio = exitRatio(aExit, aRef, `A_exit / ${wording}`, (t) => ctx.warn(t));
  return {
    item: 'price_refund',
    ...text,
    formula: `P × A_exit / ${wording}${factorWords(factors)}: the paid price in proportion to the exit area${ctx.exitKind === 'whole' ? ' (whole exit: A_exit := A_ref, the full price)' : ''}`,
    inputs: [...P.inputs, ...aExit.inputs, ...aRef.inputs, ratioInput(`A_exit / ${wording}`, ratio), ...factors.flatMap((f) => f.inputs)],
    amount: proRata(P.value, aExit.value, aRef.value, factors),
    paidBy: byRevenueShare(ctx),
  };
}

/** An amount taken as it stands from the finance table (appraised cost, set amount). */
export function carriedAmount(
  ctx: RuleContext,
  item: ItemKind,
  col: FinanceColumn,
  text: { rule: string; clause: string; formula: string },
  paidBy: () => PaidBy,
): ItemDraft {
  const v = ctx.f.number(col, text.rule);
  return { item, ...text, inputs: [ctx.f.input(col, col, v, 'yuan')], amount: v, paidBy };
}

/**
 * Facilities: Σ net value of the facilities in the exit range not relocated for reuse, plus the
 * relocation losses. From the facility layer when one is given, else the finance table's amount.
 */
export function facilitiesItem(ctx: RuleContext, text: { rule: string; clause: string }, paidBy: () => PaidBy): ItemDraft {
  const selection = ctx.facilities();
  const inputs: TraceInput[] = [];
  let facilities: Decimal;
  let words: string;
  if (selection) {
    if (ctx.f.text('facilities_yuan') !== null) ctx.warn('facilities_yuan of the finance table is not used: the facility layer gives the facilities');
    facilities = sum(selection.counted.map((c) => c.value));
    inputs.push(...selection.counted.map((c) => c.input));
    words = 'Σ net value of the facilities of the layer inside the exit range and not relocated for reuse';
  } else {
    facilities = ctx.f.number('facilities_yuan', `${text.rule} (no facility layer given)`);
    inputs.push(ctx.f.input('facilities', 'facilities_yuan', facilities, 'yuan'));
    words = 'net value of the facilities inside the exit range, not relocated for reuse (finance table)';
  }
  const relocation = ctx.f.optionalNumber('relocation_yuan');
  if (relocation !== null) inputs.push(ctx.f.input('relocation', 'relocation_yuan', relocation, 'yuan'));
  return {
    item: 'facilities',
    ...text,
    formula: `${words} + relocation losses${relocation === null ? ' (relocation_yuan not given: none claimed)' : ''}`,
    inputs,
    amount: facilities.plus(relocation ?? 0),
    paidBy,
  };
}

export function ratioInput(name: string, r: Decimal): TraceInput {
  return { name, value: plain(r), unit: 'ratio, unrounded', source: 'computed' };
}

/** 1 − fiscal_share, the part not funded by the state budget. */
export function nonFiscalShare(ctx: RuleContext, why: string): Factor {
  const s = ctx.f.number('fiscal_share', why);
  return { value: ONE.minus(s), words: '(1 − fiscal_share)', inputs: [ctx.f.input('fiscal_share', 'fiscal_share', s, 'share')] };
}

function factorWords(factors: readonly Factor[]): string {
  return factors.map((f) => ` × ${f.words}`).join('');
}
