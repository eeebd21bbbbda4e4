import { revenueShareOn } from './config.ts';
import { Dec, percent, roundYuan, yuan, ZERO, type Decimal } from './money.ts';
import type { PaidBy, PayerSplit, RevenueShareRow } from './types.ts';

/**
 * Who pays a rounded line item. The price refund is split by the revenue shares in force when the
 * price was paid; every other item goes to the level that approved the licence. Shares of an
 * item are rounded to the fen and the last share takes the remainder, so the shares always add
 * up to the item exactly (the item itself was rounded once, before).
 */

export const NO_PAYERS: Readonly<PayerSplit> = { central: ZERO, province: ZERO, cityCounty: ZERO, localUnsplit: ZERO, unallocated: ZERO };

export function addSplits(a: PayerSplit, b: PayerSplit): PayerSplit {
  return {
    central: a.central.plus(b.central),
    province: a.province.plus(b.province),
    cityCounty: a.cityCounty.plus(b.cityCounty),
    localUnsplit: a.localUnsplit.plus(b.localUnsplit),
    unallocated: a.unallocated.plus(b.unallocated),
  };
}

export function allocate(
  amount: Decimal,
  paidBy: () => PaidBy,
  table: readonly RevenueShareRow[],
  warn: (text: string) => void,
): { payers: PayerSplit; basis: string } {
  if (amount.isZero()) return { payers: { ...NO_PAYERS }, basis: 'nothing to pay' };
  const by = paidBy();
  if (by.kind === 'level') {
    return {
      payers: { ...NO_PAYERS, ...(by.level === 'province' ? { province: amount } : { cityCounty: amount }) },
      basis: `paid by the ${by.level === 'province' ? 'province' : 'city/county'}: ${by.why}`,
    };
  }
  const row = revenueShareOn(table, by.date);
  if (!row) {
    warn(`no revenue-share row covers the payment date ${by.date}: the price refund ${yuan(amount)} is not split between central and local government; add a row to the profile configuration`);
    return { payers: { ...NO_PAYERS, unallocated: amount }, basis: `payment date ${by.date} (${by.dateSource}): no revenue-share row covers it` };
  }
  const central = roundYuan(amount.times(new Dec(row.central)));
  const period = `${row.from} – ${row.to ?? 'now'}`;
  const basis = `revenue shares for prices paid ${period} (${row.source}), payment date ${by.date} (${by.dateSource})`;
  if (row.province === null || row.cityCounty === null) {
    const local = amount.minus(central);
    warn(
      `the local share ${yuan(local)} (${percent(new Dec(row.local))}) of the price refund is not split between province and city/county: ` +
      `the revenue-share row for ${period} has no split configured; it is in neither province_yuan nor city_county_yuan`,
    );
    return { payers: { ...NO_PAYERS, central, localUnsplit: local }, basis: `${basis}; central ${percent(new Dec(row.central))}, local ${percent(new Dec(row.local))} not split` };
  }
  const province = roundYuan(amount.times(new Dec(row.province)));
  return {
    payers: { ...NO_PAYERS, central, province, cityCounty: amount.minus(central).minus(province) },
    basis: `${basis}; central ${percent(new Dec(row.central))}, province ${percent(new Dec(row.province))}, city/county ${percent(new Dec(row.cityCounty))} (the remainder of the fen rounding)`,
  };
}
