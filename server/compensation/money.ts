import decimalDefault from 'decimal.js';
import type { Decimal as DecimalClass } from 'decimal.js';

// decimal.mjs has only a default export (the class) while its typings read as CommonJS under
// NodeNext, where a default import types as the module object: say what it really is.
const DecimalJs = decimalDefault as unknown as typeof DecimalClass;

/**
 * Money and ratios as decimals, never JavaScript numbers: a refund is P × Q_exit / Q_basis with
 * P in yuan and fen, and a binary float would move the result across a half-fen boundary often
 * enough to matter to an auditor. A private clone, so nobody else's Decimal.set() changes ours.
 */
export const Dec = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Decimal = InstanceType<typeof Dec>;

export const ZERO: Decimal = new Dec(0);
export const ONE: Decimal = new Dec(1);

/** The one rounding of a line item: to 0.01 yuan, half up (half away from zero; items are ≥ 0). */
export function roundYuan(x: Decimal): Decimal {
  return x.toDecimalPlaces(2, DecimalJs.ROUND_HALF_UP);
}

/** An amount with exactly two decimals, as the CSV and the trace show it. */
export function yuan(x: Decimal): string {
  const s = x.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

/** A decimal in full (ratios and unrounded items), never in exponent notation. */
export function plain(x: Decimal): string {
  return x.toFixed();
}

export function sum(xs: readonly Decimal[]): Decimal {
  return xs.reduce((a, b) => a.plus(b), ZERO);
}

/**
 * Parses a number as bureaus write it: "12345678.90", "12,345,678.90" (thousands separators),
 * "-0.5", with surrounding spaces. Exponent notation ("1.23457E+07", what Excel shows in a narrow
 * column and some exports keep) is refused: its digits are already lost. Returns null for text that
 * is not a number, so the caller can name the column.
 */
export function parseDecimal(text: string): Decimal | null {
  let s = text.trim().replace(/^\+/, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) return null;
  return new Dec(s);
}

/** A share written as a fraction ("0.35") or a percentage ("35%", "35 %"). */
export function parseShare(text: string): Decimal | null {
  const m = /^(.*?)\s*[%％]$/.exec(text.trim());
  const d = parseDecimal(m ? m[1] : text);
  return d === null ? null : m ? d.div(100) : d;
}

/** A percentage for messages: 0.35 → "35 %". */
export function percent(x: Decimal): string {
  return `${x.times(100).toSignificantDigits(6).toFixed()} %`;
}
